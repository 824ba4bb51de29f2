import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateOrders } from "../fixtures/shopify/orders.js";
import { FORTNOX_TENANT } from "../helpers/orders";
import { waitFor } from "../helpers/services";
import { postJson, startStack, waitSettled, type Stack } from "../helpers/stack";

// Backfill over HTTP on real parts: the merchant's form (the page's action), the worker reading
// order history from the Shopify simulator (pages within its cost bucket, or a bulk operation),
// each order through the webhook ingest, invoices in the Fortnox simulator.

const SHOP = "backfill-test.myshopify.com";
const DAY = 86_400_000;
let stack: Stack;

// One clock for the orders and the form, so a run across midnight (UTC) shifts neither.
const NOW = Date.now();
const dayAgo = (n: number) => new Date(NOW - n * DAY).toISOString().slice(0, 10);
/** An order created n days ago at noon UTC (a time the day boundary in Stockholm cannot move). */
function orderAt(o: any, daysAgo: number) {
  const at = `${dayAgo(daysAgo)}T12:00:00+00:00`;
  // Without SKUs every row books on the shop's default article: Fortnox's 25 calls per 5 s go to
  // invoices, not to making articles, and the test measures the backfill.
  return { ...o, created_at: at, processed_at: at, updated_at: at, line_items: o.line_items.map((l: any) => ({ ...l, sku: "" })) };
}

const invoices = async (): Promise<any[]> => (await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/invoices`)).json()).Invoices;
async function invoicesPerOrder(): Promise<Map<string, number>> {
  const n = new Map<string, number>();
  for (const i of await invoices()) n.set(i.ExternalInvoiceReference1, (n.get(i.ExternalInvoiceReference1) ?? 0) + 1);
  return n;
}

async function act(fields: Record<string, string>): Promise<{ status: number; body: any }> {
  const res = await stack.adminFetch(SHOP, "/app/backfill?_data=routes%2Fapp.backfill", {
    method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields),
  });
  return { status: res.status, body: await res.json() };
}
/** Invoice jobs per order (Fortnox is checked once, at the end: its 25 calls per 5 s set the pace). */
async function invoiceJobs(): Promise<Map<string, number>> {
  const n = new Map<string, number>();
  for (const j of await stack.db.client.syncJob.findMany({ where: { shop: SHOP, kind: "invoice" }, select: { subjectId: true } })) n.set(j.subjectId, (n.get(j.subjectId) ?? 0) + 1);
  return n;
}
const latest = () => stack.db.client.backfill.findFirstOrThrow({ where: { shop: SHOP }, orderBy: { startedAt: "desc" } });
const waitStatus = (status: string, timeoutMs = 60_000) =>
  waitFor(`the backfill to be ${status}`, async () => { const b = await latest(); return b.status === status ? b : null; }, timeoutMs, 200)
    .catch((e) => { throw new Error(`${e.message}\n${stack.output().slice(-4000)}`); });

// 40 orders in the first range (5 of them booked by their webhook before), 4 just outside it,
// 12 in a second range for the bulk run and 12 in a third for the killed worker.
const all = generateOrders(68, { seed: 606, startOrderNumber: 61_001, shop: SHOP });
const inRange = all.slice(0, 40).map((o, i) => orderAt(o, 6 + (i % 14))); // 6..19 days ago
const outside = [orderAt(all[40], 3), orderAt(all[41], 4), orderAt(all[42], 21), orderAt(all[43], 25)];
const bulkRange = all.slice(44, 56).map((o, i) => orderAt(o, 30 + (i % 5))); // 30..34 days ago
const killRange = all.slice(56, 68).map((o, i) => orderAt(o, 40 + (i % 5))); // 40..44 days ago
const booked = inRange.slice(0, 5);

beforeAll(async () => {
  // A short lock (and so backfill lease, twice it) lets the killed worker's run resume in seconds.
  stack = await startStack({ env: { SYNC_LOCK_MS: "2500" } });
  await stack.installAndConnect(SHOP);
  // One Fortnox call per order (a shared customer, invoices left as drafts): Fortnox's 25 calls
  // per 5 s would otherwise be what this test measures.
  await stack.db.client.shop.update({ where: { shop: SHOP }, data: { settings: JSON.stringify({ bookkeeping: "draft", privateCustomers: "webshop" }) } });
  await postJson(`${stack.shopifySim.url}/__sim/orders`, { shop: SHOP, orders: [...inRange, ...outside, ...bulkRange, ...killRange] });
  // Answered 200 means their invoice jobs are committed: the backfill finds them known.
  for (const o of booked) expect((await stack.sendWebhook(SHOP, "orders/paid", o)).deliveries[0].status).toBe(200);
});
afterAll(async () => { await stack?.stop(); });

describe("backfill", () => {
  it("refuses a range older than 60 days without read_all_orders, and a reversed one", async () => {
    const old = await act({ intent: "start", from: dayAgo(90), to: dayAgo(1) });
    expect(old).toEqual({ status: 400, body: { error: { key: "backfill.error.scope", params: { days: 60 } } } });
    const reversed = await act({ intent: "start", from: dayAgo(1), to: dayAgo(5) });
    expect(reversed.body.error.key).toBe("backfill.error.order");
    expect((await act({ intent: "start", from: "yesterday", to: dayAgo(1) })).status).toBe(400);
    expect(await stack.db.client.backfill.count({ where: { shop: SHOP } })).toBe(0);
  });

  it("books exactly the orders in the range, skips those already booked, and pauses and resumes", async () => {
    expect((await act({ intent: "start", from: dayAgo(19), to: dayAgo(6) })).status).toBe(200);
    const { id } = await latest();
    expect((await act({ intent: "start", from: dayAgo(10), to: dayAgo(8) })).body.error.key).toBe("backfill.error.overlap");
    expect((await act({ intent: "pause", id })).status).toBe(200);
    const paused = await waitStatus("paused");
    await new Promise((r) => setTimeout(r, 1_000));
    const still = await latest();
    expect(still.seen).toBe(paused.seen); // the worker stopped reading
    expect(still.seen).toBeLessThan(40);

    const page = await (await stack.adminFetch(SHOP, "/app/backfill?_data=routes%2Fapp.backfill")).json();
    expect(page.backfill).toMatchObject({ id, status: "paused", seen: still.seen });
    expect([null, 40]).toContain(page.backfill.total); // paused before or after it counted

    expect((await act({ intent: "resume", id })).status).toBe(200);
    const done = await waitStatus("completed");
    expect(done).toMatchObject({ mode: "pages", total: 40, seen: 40, queued: 35, skipped: 5, failed: 0 });
    const jobs = await invoiceJobs();
    for (const o of inRange) expect(jobs.get(o.admin_graphql_api_id), o.name).toBe(1);
    for (const o of [...outside, ...bulkRange, ...killRange]) expect(jobs.get(o.admin_graphql_api_id), o.name).toBeUndefined();

    // Shopify's own orders/paid for a backfilled order, later: its job exists, nothing new (the
    // last test checks Fortnox has one invoice for it).
    expect((await stack.sendWebhook(SHOP, "orders/paid", inRange[20])).deliveries[0].status).toBe(200);
    expect(await stack.db.client.syncJob.count({ where: { shop: SHOP, kind: "invoice" } })).toBe(40);
    const view = (await (await stack.adminFetch(SHOP, "/app/backfill?_data=routes%2Fapp.backfill")).json()).backfill;
    expect(view).toMatchObject({ status: "completed", percent: 100, queued: 35, skipped: 5 });
  });

  it("cancels a run: it stops and books no more", async () => {
    await postJson(`${stack.shopifySim.url}/__sim/holds`, { query: "KonteraBackfillPage", delayMs: 1_000, count: 1 });
    expect((await act({ intent: "start", from: dayAgo(44), to: dayAgo(40) })).status).toBe(200);
    const { id } = await latest();
    expect((await act({ intent: "cancel", id })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_200));
    const row = await latest();
    expect(row.status).toBe("cancelled");
    expect(row.queued).toBe(0);
    expect((await act({ intent: "resume", id })).body.error).toEqual({ key: "backfill.error.state", params: { status: "cancelled" } });
  });

  it("reads a large range with a bulk operation (threshold lowered), streaming its JSONL", async () => {
    await stack.stopWorker("SIGKILL");
    await stack.startWorker({ BACKFILL_BULK_THRESHOLD: "10" });
    await postJson(`${stack.shopifySim.url}/__sim/bulk`, { shop: SHOP, createdMs: 200, runningMs: 800 });
    expect((await act({ intent: "start", from: dayAgo(34), to: dayAgo(30) })).status).toBe(200);
    const done = await waitStatus("completed");
    expect(done).toMatchObject({ mode: "bulk", total: 12, seen: 12, queued: 12, skipped: 0, failed: 0 });
    expect(done.bulkId).toMatch(/^gid:\/\/shopify\/BulkOperation\//);
    const jobs = await invoiceJobs();
    for (const o of bulkRange) expect(jobs.get(o.admin_graphql_api_id), o.name).toBe(1);
  });

  it("resumes where a killed worker was, without duplicates", async () => {
    await stack.stopWorker("SIGKILL");
    await stack.startWorker();
    // The second page's answer is held; the worker dies waiting for it, after saving the first.
    await postJson(`${stack.shopifySim.url}/__sim/holds`, { query: "KonteraBackfillPage", delayMs: 2_500, count: 2 });
    expect((await act({ intent: "start", from: dayAgo(44), to: dayAgo(40) })).status).toBe(200);
    const { id } = await latest();
    await waitFor("the first page to be saved", async () => ((await latest()).seen > 0 ? true : null), 30_000, 100);
    await stack.stopWorker("SIGKILL");
    const atKill = await stack.db.client.backfill.findUniqueOrThrow({ where: { id } });
    expect(atKill.status).toBe("running");
    expect(atKill.seen).toBeLessThan(12);
    expect(atKill.cursor).not.toBeNull();

    await stack.startWorker();
    const done = await waitStatus("completed", 90_000);
    expect(done).toMatchObject({ total: 12, seen: 12, queued: 12, skipped: 0 });
    const jobs = await invoiceJobs();
    for (const o of killRange) expect(jobs.get(o.admin_graphql_api_id), o.name).toBe(1);
  });

  it("leaves exactly one Fortnox invoice per backfilled order, and none for the orders outside", async () => {
    const settled = await waitSettled(stack, SHOP, 64);
    expect(settled.every((j) => j.status === "succeeded")).toBe(true);
    const perOrder = await invoicesPerOrder();
    for (const o of [...inRange, ...bulkRange, ...killRange]) expect(perOrder.get(o.admin_graphql_api_id), o.name).toBe(1);
    for (const o of outside) expect(perOrder.get(o.admin_graphql_api_id), o.name).toBeUndefined();
    expect(perOrder.size).toBe(64);
  });
});
