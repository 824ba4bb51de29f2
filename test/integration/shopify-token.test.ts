import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateOrders } from "../fixtures/shopify/orders";
import { postJson, startStack, waitSettled, type Stack } from "../helpers/stack";

// Shopify's expiring offline tokens seen from the worker and the admin at once. (Fortnox's
// tokens, rate limits and outages are the fault suite's: scripts/faults.)

const SHOP = "shopify-token-test.myshopify.com";
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { SYNC_CONCURRENCY: "8" } });
  await stack.installAndConnect(SHOP);
});
afterAll(async () => { await stack?.stop(); });

describe("Shopify's expiring offline token", () => {
  it("is refreshed once, under the per-shop lock, while the worker and the admin race for it", async () => {
    const shopStats = () => fetch(`${stack.shopifySim.url}/__sim/stats`).then((r) => r.json());
    const before = await shopStats();
    await postJson(`${stack.shopifySim.url}/__sim/expire-tokens`, {});
    await stack.db.client.session.updateMany({ where: { shop: SHOP }, data: { expires: new Date(Date.now() - 1000) } });
    // Six orders are enough for the worker's jobs to race the admin's five requests for the token.
    const orders = generateOrders(6, { seed: 31337, startOrderNumber: 4501, shop: SHOP });
    const settledBefore = await stack.db.client.syncJob.count({ where: { shop: SHOP, kind: "invoice" } });
    await Promise.all([
      ...orders.map((o) => stack.sendWebhook(SHOP, "orders/paid", o)),
      ...Array.from({ length: 5 }, () => stack.adminFetch(SHOP, "/app/connection", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "intent=connect&provider=fortnox" }).then((r) => expect(r.status).toBe(200))),
    ]);
    const jobs = await waitSettled(stack, SHOP, settledBefore + orders.length, 120_000);
    expect(jobs.filter((j) => j.status !== "succeeded")).toEqual([]);
    const after = await shopStats();
    expect(after.refreshes - before.refreshes).toBe(1);
    expect(after.invalidGrants - before.invalidGrants).toBe(0);
    const writes = await (await fetch(`${stack.shopifySim.url}/__sim/writes?shop=${SHOP}`)).json();
    for (const o of orders) expect(writes.tags[o.admin_graphql_api_id]).toContain("kontera:synced");
  });

  it("is refreshed when Shopify refuses it before the expiry we stored, and the write-back goes through", async () => {
    const shopStats = () => fetch(`${stack.shopifySim.url}/__sim/stats`).then((r) => r.json());
    const before = await shopStats();
    // Shopify ended the token early (rotated, revoked by support); our copy still says it has hours left.
    await postJson(`${stack.shopifySim.url}/__sim/expire-tokens`, { shop: SHOP });
    const session = await stack.db.client.session.findFirstOrThrow({ where: { shop: SHOP, isOnline: false } });
    expect(session.expires!.getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);
    const [order] = generateOrders(1, { seed: 4711, startOrderNumber: 4601, shop: SHOP });
    const settledBefore = await stack.db.client.syncJob.count({ where: { shop: SHOP, kind: "invoice" } });
    await stack.sendWebhook(SHOP, "orders/paid", order);
    const jobs = await waitSettled(stack, SHOP, settledBefore + 1, 120_000);
    expect(jobs.filter((j) => j.status !== "succeeded")).toEqual([]);
    const after = await shopStats();
    expect(after.unauthorized - before.unauthorized).toBeGreaterThanOrEqual(1);
    expect(after.refreshes - before.refreshes).toBe(1);
    const writes = await (await fetch(`${stack.shopifySim.url}/__sim/writes?shop=${SHOP}`)).json();
    expect(writes.tags[order.admin_graphql_api_id]).toContain("kontera:synced");
  });
});
