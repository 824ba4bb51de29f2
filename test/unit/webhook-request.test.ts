import { createHmac } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";

const SECRET = "unit-test-secret";
let verifyWebhook: typeof import("~/sync/webhook-request.server").verifyWebhook;

beforeAll(async () => {
  Object.assign(process.env, {
    SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: SECRET, SHOPIFY_APP_URL: "http://127.0.0.1:1", SCOPES: "read_orders",
    DATABASE_URL: "file:./x.sqlite", REDIS_URL: "redis://127.0.0.1:1", ENCRYPTION_KEY: "b".repeat(64),
    FORTNOX_CLIENT_ID: "i", FORTNOX_CLIENT_SECRET: "s",
  });
  ({ verifyWebhook } = await import("~/sync/webhook-request.server"));
});

function request(body: string, headers: Record<string, string | undefined> = {}) {
  const h: Record<string, string> = {};
  const all = {
    "X-Shopify-Hmac-Sha256": createHmac("sha256", SECRET).update(body).digest("base64"),
    "X-Shopify-Topic": "orders/paid", "X-Shopify-Shop-Domain": "demo.myshopify.com",
    "X-Shopify-Webhook-Id": "w1", "X-Shopify-Event-Id": "e1", "X-Shopify-API-Version": "2026-07", ...headers,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) h[k] = v;
  return new Request("http://app/webhooks/orders", { method: "POST", body, headers: h });
}

async function status(p: Promise<unknown>): Promise<number> {
  try { await p; return 200; } catch (e) { if (e instanceof Response) return e.status; throw e; }
}

describe("webhook verification", () => {
  it("accepts a correctly signed delivery", async () => {
    const hook = await verifyWebhook(request('{"id":1}'));
    expect(hook).toMatchObject({ topic: "orders/paid", shop: "demo.myshopify.com", eventId: "e1", webhookId: "w1", payload: { id: 1 } });
  });
  it("answers 401 to a forged, missing, truncated or re-serialised signature", async () => {
    expect(await status(verifyWebhook(request('{"id":1}', { "X-Shopify-Hmac-Sha256": "Zm9yZ2Vk" })))).toBe(401);
    expect(await status(verifyWebhook(request('{"id":1}', { "X-Shopify-Hmac-Sha256": undefined })))).toBe(401);
    const good = createHmac("sha256", SECRET).update('{"id":1}').digest("base64");
    expect(await status(verifyWebhook(request('{"id":1}', { "X-Shopify-Hmac-Sha256": good.slice(0, 20) })))).toBe(401);
    expect(await status(verifyWebhook(request('{ "id": 1 }', { "X-Shopify-Hmac-Sha256": good })))).toBe(401);
  });
  it("answers 400 to a signed delivery without its headers, with a foreign shop domain, or with broken JSON", async () => {
    expect(await status(verifyWebhook(request('{"id":1}', { "X-Shopify-Topic": undefined })))).toBe(400);
    expect(await status(verifyWebhook(request('{"id":1}', { "X-Shopify-Shop-Domain": "evil.com/x.myshopify.com" })))).toBe(400);
    expect(await status(verifyWebhook(request("{not json")))).toBe(400);
  });
});
