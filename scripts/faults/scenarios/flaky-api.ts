import { generateOrders } from "../../../test/fixtures/shopify/orders";
import { postJson } from "../../../test/helpers/stack";
import { countInvoices, settle } from "../count";
import type { FaultTarget } from "../target";
import type { Scenario } from "../types";
import { deliver, simFaults, simStats, type SimFault, untilBooked, connect } from "./support";

// The accounting system having a bad day: a fifth of all calls answered 429 (with and without a Retry-After),
// 503, or not at all within our timeout: dropped before Fortnox saw it, committed with the answer
// lost, or committed late, after we gave up. Every order still ends as exactly one invoice with
// its payment.

const KINDS: Omit<SimFault, "probability" | "count" | "path">[] = [
  { status: 429 },
  { status: 429, retryAfterSeconds: 1 },
  { status: 503 },
  { delayMs: 4_000, dropIfAbandoned: true },
  { delayMs: 4_000, afterCommit: true },
  { delayMs: 4_000 },
];

/** Each rule rolls only for the calls the rules before it let pass: together they bite `share` of calls. */
function sharedOut(target: FaultTarget, share: number): SimFault[] {
  const each = share / KINDS.length;
  return KINDS.map((k, i) => ({ ...k, path: target.paths.api, count: 1_000_000, probability: each / (1 - each * i) }));
}

export const flakyApi: Scenario = {
  name: "20 % of the accounting API's calls fail: 429 with and without Retry-After, 503 bursts, timeouts (dropped, committed, committed late)",
  runs: { ci: 12, full: 200 },
  async run(stack, runs, target) {
    const shop = "faults-flaky.myshopify.com";
    await connect(stack, target, shop);
    const orders = generateOrders(runs, { seed: (Date.now() + 5) % 100_000, startOrderNumber: 44_001, shop });
    const before = await simStats(stack, target);
    await simFaults(stack, target, sharedOut(target, 0.2));
    const sending = Promise.all(orders.map((o) => deliver(stack, shop, "orders/paid", o)));
    // A burst: once a few orders are booked, the next 15 calls all get 503.
    await untilBooked(stack, shop, Math.min(5, runs));
    await postJson(`${target.sim(stack).url}/__sim/faults`, { rules: [{ path: target.paths.api, status: 503, count: 15 }] });
    await sending;
    await settle(stack, shop, 240_000 + runs * 4_000);
    await simFaults(stack, target, []);
    const figures = await countInvoices(stack, target, shop, runs, orders.map((o) => o.admin_graphql_api_id));
    const payments = await stack.db.client.syncJob.count({ where: { shop, kind: "payment", status: "succeeded" } });
    if (payments !== runs) throw new Error(`${payments} of ${runs} payments registered`);
    const after = await simStats(stack, target);
    const timeouts = await stack.db.client.syncAttempt.count({ where: { job: { shop }, errorCode: "network" } });
    const share = (after.faulted - before.faulted) / (after.requests - before.requests);
    // Our limiter paces calls by when they leave; Fortnox counts when they arrive, so a call slowed
    // on its way can still meet the real limit now and then. That 429 is waited out like the others.
    const overLimit = after.rateLimited - before.rateLimited;
    return { ...figures, note: `${after.requests - before.requests} calls, ${after.faulted - before.faulted} injected 429/503 (${Math.round(share * 100)} %), ${timeouts} attempts timed out, ${overLimit} over the rate limit` };
  },
};
