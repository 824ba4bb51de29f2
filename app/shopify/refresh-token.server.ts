import { Session } from "@shopify/shopify-api";
import { z } from "zod";
import { env } from "~/env.server";
import { rewriteShopifyUrl } from "./local-origin.server";
import { outboundFetch } from "~/lib/outbound-fetch.server";

// Refreshes an expiring offline Shopify token (the same request @shopify/shopify-api sends), for
// RefreshingSessionStorage, which needs it outside the library so it can hold the per-shop lock.

const response = z.object({
  access_token: z.string().min(1),
  scope: z.string(),
  expires_in: z.number().int().positive(),
  refresh_token: z.string().min(1),
  refresh_token_expires_in: z.number().int().positive(),
});

export async function refreshOfflineSession(shop: string, refreshToken: string): Promise<Session> {
  const e = env();
  const url = rewriteShopifyUrl(`https://${shop}/admin/oauth/access_token`, e.SHOPIFY_ADMIN_ORIGIN);
  const res = await outboundFetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ client_id: e.SHOPIFY_API_KEY, client_secret: e.SHOPIFY_API_SECRET, grant_type: "refresh_token", refresh_token: refreshToken }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(`Shopify refused the token refresh (${res.status} ${(body as { error?: string })?.error ?? ""})`);
  const t = response.parse(body);
  const now = Date.now();
  return new Session({
    id: `offline_${shop}`,
    shop,
    state: "",
    isOnline: false,
    accessToken: t.access_token,
    scope: t.scope,
    expires: new Date(now + t.expires_in * 1000),
    refreshToken: t.refresh_token,
    refreshTokenExpires: new Date(now + t.refresh_token_expires_in * 1000),
  });
}
