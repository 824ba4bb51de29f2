import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateOrders } from "../fixtures/shopify/orders";
import { FORTNOX_TENANT } from "../helpers/orders";
import { postJson, startStack, waitSettled, type Stack } from "../helpers/stack";

// Fortnox misbehaving: rate limits, outages, expired tokens. The simulator keeps the score.

const SHOP = "faults-test.myshopify.com";
let stack: Stack;

const sim = (path: string) => fetch(`${stack.fortnoxSim!.url}${path}`).then((r) => r.json());
const invoiceRefs = async () => ((await sim(`/__sim/tenants/${FORTNOX_TENANT}/invoices`)).Invoices as any[]).map((i) => i.ExternalInvoiceReference1);

beforeAll(async () => {
  stack = await startStack({ env: { SYNC_CONCURRENCY: "8" } });
  await stack.installAndConnect(SHOP);
});
afterAll(async () => { await stack?.stop(); });

async function sendAll(orders: any[]) {
  for (let i = 0; i < orders.length; i += 10) {
    await Promise.all(orders.slice(i, i + 10).map((o) => stack.sendWebhook(SHOP, "orders/paid", o)));
  }
}

describe("Fortnox under load and faults", () => {
  it("waits out 429 and 503 answers and books every order, never above 25 requests in a 5 s window", async () => {
    await postJson(`${stack.fortnoxSim!.url}/__sim/faults`, { rules: [
      { method: "POST", path: "^/3/invoices$", status: 503, count: 6 },
      { path: "^/3/", status: 429, count: 8 },
    ] });
    const orders = generateOrders(40, { seed: 4242, startOrderNumber: 3001, shop: SHOP });
    await sendAll(orders);
    const jobs = await waitSettled(stack, SHOP, 40, 240_000);
    expect(jobs.filter((j) => j.status !== "succeeded").map((j) => `${j.subjectName}: ${j.status} ${j.lastError}`)).toEqual([]);

    const refs = await invoiceRefs();
    for (const o of orders) expect(refs.filter((r) => r === o.admin_graphql_api_id), o.name).toHaveLength(1);
    const stats = await sim("/__sim/stats");
    expect(stats.maxInWindow).toBeGreaterThan(0);
    expect(stats.maxInWindow).toBeLessThanOrEqual(25);
    // Every injected fault was met and outlived.
    const attempts = await stack.db.client.syncAttempt.findMany({ where: { job: { shop: SHOP } } });
    expect(attempts.filter((a) => a.errorCode === "http_503" || a.errorCode === "1000003").length).toBeGreaterThanOrEqual(1);
    console.log(`[figures] 40 orders: ${stats.requests} Fortnox requests, max ${stats.maxInWindow} in any 5 s window, ${stats.rateLimited} answered 429`);
  });

  it("refreshes an expired access token exactly once for twenty racing jobs", async () => {
    const before = await sim("/__sim/stats");
    // Fortnox expires the tokens, and our copy is past its expiry too: both refresh paths race.
    await postJson(`${stack.fortnoxSim!.url}/__sim/expire-tokens`, {});
    await stack.db.client.connection.updateMany({ where: { shop: SHOP }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const orders = generateOrders(20, { seed: 777, startOrderNumber: 4001, shop: SHOP });
    await Promise.all(orders.map((o) => stack.sendWebhook(SHOP, "orders/paid", o)));
    const jobs = await waitSettled(stack, SHOP, 60, 240_000);
    expect(jobs.filter((j) => j.status !== "succeeded")).toEqual([]);
    const after = await sim("/__sim/stats");
    expect(after.refreshes - before.refreshes).toBe(1);
    expect(after.invalidGrants - before.invalidGrants).toBe(0);
    const refs = await invoiceRefs();
    for (const o of orders) expect(refs.filter((r) => r === o.admin_graphql_api_id)).toHaveLength(1);
  });
});

describe("Shopify's expiring offline token", () => {
  it("is refreshed once, under the per-shop lock, while the worker and the admin race for it", async () => {
    const shopStats = () => fetch(`${stack.shopifySim.url}/__sim/stats`).then((r) => r.json());
    const before = await shopStats();
    await postJson(`${stack.shopifySim.url}/__sim/expire-tokens`, {});
    await stack.db.client.session.updateMany({ where: { shop: SHOP }, data: { expires: new Date(Date.now() - 1000) } });
    const orders = generateOrders(10, { seed: 31337, startOrderNumber: 4501, shop: SHOP });
    const settledBefore = await stack.db.client.syncJob.count({ where: { shop: SHOP, kind: "invoice" } });
    await Promise.all([
      ...orders.map((o) => stack.sendWebhook(SHOP, "orders/paid", o)),
      ...Array.from({ length: 5 }, () => stack.adminFetch(SHOP, "/app/fortnox", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "intent=connect" }).then((r) => expect(r.status).toBe(200))),
    ]);
    const jobs = await waitSettled(stack, SHOP, settledBefore + 10, 120_000);
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
