import { z } from "zod";
import { env } from "~/env.server";
import { authError, permanent, retryable } from "./errors";
import { outboundFetch } from "~/lib/outbound-fetch.server";

// OAuth2 authorization-code flow and refresh, as Fortnox and Visma both speak it: client
// credentials in a Basic header, a form body, a JSON answer. Refresh tokens are single-use.

export interface OAuthClient {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  scope?: string;
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.coerce.number().int().positive(),
  scope: z.string().optional(),
});

async function tokenRequest(client: OAuthClient, form: Record<string, string>): Promise<TokenSet> {
  let res: Response;
  try {
    res = await outboundFetch(client.tokenUrl, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString("base64")}`,
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/json",
      },
      body: new URLSearchParams(form),
      signal: AbortSignal.timeout(env().ACCOUNTING_TIMEOUT_MS),
    });
  } catch (e) {
    throw retryable(`token endpoint unreachable: ${(e as Error).message}`, "network");
  }
  const text = await res.text();
  let body: unknown;
  try { body = JSON.parse(text); } catch { body = undefined; }
  if (res.ok) {
    const parsed = tokenResponse.safeParse(body);
    if (!parsed.success) throw retryable("token endpoint answered without the expected fields", "bad_token_response", res.status);
    const t = parsed.data;
    return { accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: new Date(Date.now() + t.expires_in * 1000), scope: t.scope };
  }
  const error = (body as { error?: string } | undefined)?.error ?? `http_${res.status}`;
  if (res.status === 429 || res.status >= 500) throw retryable(`token endpoint answered ${res.status}`, error, res.status);
  if (error === "invalid_client") throw permanent("the integration's client id or secret is wrong (check FORTNOX_CLIENT_ID / FORTNOX_CLIENT_SECRET)", error, res.status);
  // invalid_grant: the refresh token was used already, expired or was revoked; only the merchant can fix it.
  throw authError(`the authorisation is no longer valid (${error}); reconnect the accounting system`, error, res.status);
}

export function exchangeCode(client: OAuthClient, code: string, redirectUri: string): Promise<TokenSet> {
  return tokenRequest(client, { grant_type: "authorization_code", code, redirect_uri: redirectUri });
}

export function refreshTokens(client: OAuthClient, refreshToken: string): Promise<TokenSet> {
  return tokenRequest(client, { grant_type: "refresh_token", refresh_token: refreshToken });
}
