import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "~/env.server";

// Verifies a Shopify webhook delivery before anything else looks at it: the HMAC over the exact
// raw bytes (constant time, no throw on length mismatch), then the headers, then the JSON.
// A bad signature is 401 (what Shopify requires for compliance topics); a signed but unusable
// delivery is 400; nothing is recorded for either.

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export interface VerifiedWebhook {
  topic: string;
  shop: string;
  webhookId: string;
  eventId: string;
  apiVersion: string;
  triggeredAt?: Date;
  payload: unknown;
}

function reject(status: number, message: string): never {
  // A body refused unread is still on the connection: it must close, or the next delivery that
  // reuses it is read from the middle of this one and fails.
  throw new Response(message, { status, headers: { "Content-Type": "text/plain", ...(status === 413 ? { Connection: "close" } : {}) } });
}

export function hmacMatches(rawBody: Buffer, header: string | null, secret: string): boolean {
  if (!header) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const given = Buffer.from(header, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readBody(request: Request): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) reject(413, "payload too large");
  const body = Buffer.from(await request.arrayBuffer());
  if (body.length > MAX_BODY_BYTES) reject(413, "payload too large");
  return body;
}

export async function verifyWebhook(request: Request): Promise<VerifiedWebhook> {
  if (request.method !== "POST") reject(405, "webhooks are POSTed");
  const raw = await readBody(request);
  if (!hmacMatches(raw, request.headers.get("x-shopify-hmac-sha256"), env().SHOPIFY_API_SECRET)) {
    reject(401, "invalid webhook signature");
  }
  const h = (name: string) => request.headers.get(name)?.trim() || undefined;
  const topic = h("x-shopify-topic");
  const shop = h("x-shopify-shop-domain");
  const webhookId = h("x-shopify-webhook-id");
  const apiVersion = h("x-shopify-api-version");
  const missing = [
    ["X-Shopify-Topic", topic],
    ["X-Shopify-Shop-Domain", shop],
    ["X-Shopify-Webhook-Id", webhookId],
    ["X-Shopify-API-Version", apiVersion],
  ].filter(([, v]) => !v).map(([n]) => n);
  if (missing.length) reject(400, `missing headers: ${missing.join(", ")}`);
  if (!SHOP_DOMAIN.test(shop!)) reject(400, "X-Shopify-Shop-Domain is not a myshopify.com domain");
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString("utf8"));
  } catch {
    reject(400, "body is not valid JSON");
  }
  const triggered = h("x-shopify-triggered-at");
  const triggeredAt = triggered && !Number.isNaN(Date.parse(triggered)) ? new Date(triggered) : undefined;
  return {
    topic: topic!,
    shop: shop!,
    webhookId: webhookId!,
    // Event id is shared by every delivery of one merchant action (also across subscriptions);
    // fall back to the delivery id for topics that do not send one.
    eventId: h("x-shopify-event-id") ?? webhookId!,
    apiVersion: apiVersion!,
    triggeredAt,
    payload,
  };
}
