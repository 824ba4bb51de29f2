import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateOrders } from "../fixtures/shopify/orders";
import { FORTNOX_TENANT, fixtureOrder, withIdentity } from "../helpers/orders";
import { waitFor } from "../helpers/services";
import { postJson, startStack, waitSettled, type Stack } from "../helpers/stack";

// The worker and Redis dying at the worst moments. Nothing may be lost, nothing booked twice.

const SHOP = "crash-test.myshopify.com";
let stack: Stack;

const invoices = async (): Promise<any[]> =>
  (await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/invoices`)).json()).Invoices;

beforeAll(async () => {
  stack = await startStack();
  await stack.installAndConnect(SHOP);
});
afterAll(async () => { await stack?.stop(); });

describe("crashes", () => {
  it("adopts the invoice Fortnox created when the worker was SIGKILLed before our commit", async () => {
    const order = withIdentity(fixtureOrder("simple-1001.json"), 7300000000001, 5001);
    // Fortnox commits the invoice, then holds the answer long enough for us to kill the worker.
    await postJson(`${stack.fortnoxSim!.url}/__sim/faults`, { rules: [{ method: "POST", path: "^/3/invoices$", afterCommit: true, delayMs: 8000, count: 1 }] });
    await stack.sendWebhook(SHOP, "orders/paid", order);
    await waitFor("Fortnox to commit the invoice", async () => (await invoices()).some((i) => i.ExternalInvoiceReference1 === order.admin_graphql_api_id), 30_000);
    await stack.stopWorker("SIGKILL");
    const job = await stack.db.client.syncJob.findFirstOrThrow({ where: { kind: "invoice", subjectId: order.admin_graphql_api_id } });
    expect(job.status).toBe("running");
    expect(job.phase).toBe("creating");

    await stack.startWorker();
    await waitSettled(stack, SHOP, 1, 60_000);
    const mine = (await invoices()).filter((i) => i.ExternalInvoiceReference1 === order.admin_graphql_api_id);
    expect(mine).toHaveLength(1);
    const link = await stack.db.client.documentLink.findFirstOrThrow({ where: { shopifyId: order.admin_graphql_api_id } });
    expect(link.remoteNumber).toBe(String(mine[0].DocumentNumber));
    const attempts = await stack.db.client.syncAttempt.findMany({ where: { syncJobId: job.id }, orderBy: { number: "asc" } });
    expect(attempts[0].status).toBe("abandoned");
    expect(attempts.at(-1)).toMatchObject({ status: "succeeded" });
    expect(attempts.at(-1)!.outcome).toMatch(/^adopted invoice/);
  });

  it("restores 100 pending jobs after Redis is flushed: 100 invoices, no duplicates", async () => {
    await stack.stopWorker("SIGTERM");
    const orders = generateOrders(100, { seed: 99, startOrderNumber: 6001, shop: SHOP });
    for (let i = 0; i < orders.length; i += 20) {
      await Promise.all(orders.slice(i, i + 20).map((o) => stack.sendWebhook(SHOP, "orders/paid", o)));
    }
    expect(await stack.db.client.syncJob.count({ where: { shop: SHOP, kind: "invoice", status: "pending" } })).toBe(100);
    await stack.redis.client.flushall();
    expect(await stack.redis.client.dbsize()).toBe(0);

    await stack.startWorker();
    const jobs = await waitSettled(stack, SHOP, 101, 300_000);
    expect(jobs.filter((j) => j.status !== "succeeded").map((j) => `${j.subjectName} ${j.status} ${j.lastError}`)).toEqual([]);
    const all = await invoices();
    for (const o of orders) expect(all.filter((i) => i.ExternalInvoiceReference1 === o.admin_graphql_api_id), o.name).toHaveLength(1);
    expect(new Set(all.map((i) => i.ExternalInvoiceReference1)).size).toBe(all.length);
  }, 300_000); // 100 orders, each an invoice and its payment, at Fortnox's 25 requests per 5 s
});
