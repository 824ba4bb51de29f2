import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT, waitFor } from "./services";
import { expect } from "vitest";
import { postJson, waitSettled, type Stack } from "./stack";

// The golden scenarios (test/fixtures/scenarios) as the end-to-end tests drive them into an
// accounting system's simulator.

export interface Scenario {
  file: string;
  settings?: Record<string, unknown>;
  order: any;
  transactions?: any[];
  expected: { ok: boolean; document?: { total: number; currency: string }; payments?: { mode: string; amount: number }[] };
  refunds?: { refund: any; expected: { ok: boolean; document?: { total: number } | null } }[];
  cancellation?: { expected: { ok: boolean; document?: { total: number } | null } };
  edits?: { order: any; expected: { edited: boolean } }[];
}

const dir = path.join(ROOT, "test/fixtures/scenarios");
export const scenarios: Scenario[] = readdirSync(dir).filter((f) => f.endsWith(".json")).sort()
  .map((file) => ({ file, ...JSON.parse(readFileSync(path.join(dir, file), "utf8")) }));

/** The order as it was when it was paid: before any cancellation or refund. */
export const asPaid = (order: any) => ({ ...order, cancelled_at: null, cancel_reason: null, refunds: [] });

export const jobsOf = (stack: Stack, shop: string, orderId: string) => stack.db.client.syncJob.findMany({ where: { shop, orderId } });

/** Waits until the order's jobs of `kind` number `count` and are settled, and returns them. */
export async function settledJobs(stack: Stack, shop: string, orderId: string, kind: string, count: number) {
  return waitFor(`${count} settled ${kind} jobs of ${orderId}`, async () => {
    const jobs = (await jobsOf(stack, shop, orderId)).filter((j) => j.kind === kind);
    return jobs.length >= count && jobs.every((j) => !["pending", "retrying", "running", "waiting"].includes(j.status)) ? jobs : null;
  }, 120_000, 250);
}

/** The scenario's order paid: Shopify knows the order and how it was paid before the webhook arrives. */
export async function sendPaid(stack: Stack, shop: string, s: Scenario) {
  if (s.transactions) {
    await postJson(`${stack.shopifySim.url}/__sim/orders`, { shop, order: asPaid(s.order) });
    await postJson(`${stack.shopifySim.url}/__sim/transactions`, {
      shop, orderId: s.order.admin_graphql_api_id,
      transactions: s.transactions.map((t) => ({ kind: t.kind.toLowerCase(), status: t.status.toLowerCase(), gateway: t.gateway, amount: t.amountSet.shopMoney.amount, presentment_amount: t.amountSet.presentmentMoney.amount, processed_at: t.processedAt })),
    });
  }
  await stack.sendWebhook(shop, "orders/paid", asPaid(s.order));
}

/**
 * Every scenario's order paid into its shop and booked; returns each scenario that should book
 * with its invoice job, having checked that the others were refused with a mapping reason.
 */
export async function payAll(stack: Stack, shopOf: (s: Scenario) => string): Promise<{ s: Scenario; job: Awaited<ReturnType<typeof settledJobs>>[number] }[]> {
  for (const s of scenarios) await sendPaid(stack, shopOf(s), s);
  for (const shop of new Set(scenarios.map(shopOf))) await waitSettled(stack, shop, scenarios.filter((s) => shopOf(s) === shop).length, 240_000);
  const booked = [];
  for (const s of scenarios) {
    const [job] = await settledJobs(stack, shopOf(s), s.order.admin_graphql_api_id, "invoice", 1);
    if (s.expected.ok) { booked.push({ s, job }); continue; }
    expect(job.status, s.file).toBe("needs_action");
    expect(job.lastErrorCode, s.file).toMatch(/^mapping:/);
  }
  return booked;
}
