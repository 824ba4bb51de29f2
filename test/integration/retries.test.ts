import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORTNOX_TENANT, fixtureOrder, withIdentity } from "../helpers/orders";
import { waitFor } from "../helpers/services";
import { startStack, type Stack } from "../helpers/stack";

// A Fortnox that stays down: limited attempts with growing, jittered gaps, then "failed" with the
// last error, on the order too; Replay after the outage books it.

const SHOP = "retries-test.myshopify.com";
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { SYNC_MAX_ATTEMPTS: "3", SYNC_RETRY_BASE_MS: "400" } });
  await stack.installAndConnect(SHOP);
});
afterAll(async () => { await stack?.stop(); });

describe("retries", () => {
  it("gives up after the last attempt with the last error, and Replay books the order once Fortnox is back", async () => {
    const faults = `${stack.fortnoxSim!.url}/__sim/faults`;
    await fetch(faults, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ rules: [{ method: "POST", path: "^/3/invoices$", status: 503, count: 1000 }] }) });
    const order = withIdentity(fixtureOrder("simple-1001.json"), 7500000000001, 9501);
    await stack.sendWebhook(SHOP, "orders/paid", order);
    const job = await waitFor("the job to fail", () => stack.db.client.syncJob.findFirst({ where: { shop: SHOP, status: "failed" } }), 60_000);
    expect(job.lastError).toMatch(/^Fortnox 503/);
    const attempts = await stack.db.client.syncAttempt.findMany({ where: { syncJobId: job.id }, orderBy: { number: "asc" } });
    expect(attempts.map((a) => a.status)).toEqual(["failed", "failed", "failed"]);
    // Backoff: base 400 ms doubling, ±50 % jitter → at least 200 ms, then 400 ms between starts.
    const gaps = attempts.slice(1).map((a, i) => a.startedAt.getTime() - attempts[i].finishedAt!.getTime());
    expect(gaps[0]).toBeGreaterThanOrEqual(200);
    expect(gaps[1]).toBeGreaterThanOrEqual(400);
    const writes = await (await fetch(`${stack.shopifySim.url}/__sim/writes?shop=${SHOP}`)).json();
    expect(writes.tags[order.admin_graphql_api_id]).toContain("kontera:failed");

    await fetch(faults, { method: "DELETE" });
    expect((await stack.adminFetch(SHOP, `/app/jobs/${job.id}/replay`, { method: "POST" })).status).toBe(200);
    await waitFor("the replayed job to succeed", () => stack.db.client.syncJob.findFirst({ where: { id: job.id, status: "succeeded" } }), 60_000);
    const invoices = (await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/invoices`)).json()).Invoices;
    expect(invoices.filter((i: any) => i.ExternalInvoiceReference1 === order.admin_graphql_api_id)).toHaveLength(1);
  });
});
