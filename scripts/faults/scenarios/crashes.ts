import { generateOrders } from "../../../test/fixtures/shopify/orders";
import { waitFor } from "../../../test/helpers/services";
import type { Stack } from "../../../test/helpers/stack";
import { countInvoices, settle } from "../count";
import type { FaultTarget } from "../target";
import type { Figures, Scenario } from "../types";
import { deliver, simFaults, simFaultsUsed, documentsFor, jitter, shopifyHold, shopifyHoldsUsed, sleep, connect } from "./support";

// The worker dies: SIGKILL at the three moments that matter for exactly-once, and SIGTERM (a
// deploy) with jobs in flight. Each kill is one run; a fresh worker takes over after it.

const HOLD_MS = 4_000;

interface KillPoint {
  name: string;
  start: number;
  /** Arranges for the order's job to be held at the point. */
  hold(stack: Stack, target: FaultTarget): Promise<void>;
  /** Resolves once the job is there. */
  held(stack: Stack, target: FaultTarget): Promise<void>;
  /** After the kill: the state the point promises (or the fault did not land where it should). */
  check(stack: Stack, target: FaultTarget, orderId: string): Promise<string | null>;
}

const linked = (stack: Stack, orderId: string) => stack.db.client.documentLink.count({ where: { shopifyId: orderId, kind: "invoice" } });

const points: KillPoint[] = [
  {
    name: "before the remote create",
    start: 24_001,
    // The provider holds the create unprocessed; the killed worker's call never lands.
    hold: (stack, target) => simFaults(stack, target, [{ method: "POST", path: target.paths.create, count: 1, delayMs: HOLD_MS, dropIfAbandoned: true }]),
    held: (stack, target) => simFaultsUsed(stack, target),
    async check(stack, target, orderId) {
      await sleep(HOLD_MS + 500);
      return (await documentsFor(stack, target, orderId)).length === 0 ? null : "the invoice was created although its call was abandoned";
    },
  },
  {
    name: "after the remote create, before our commit",
    start: 24_201,
    hold: (stack, target) => simFaults(stack, target, [{ method: "POST", path: target.paths.create, count: 1, delayMs: HOLD_MS, afterCommit: true }]),
    held: (stack, target) => simFaultsUsed(stack, target),
    async check(stack, target, orderId) {
      if ((await documentsFor(stack, target, orderId)).length !== 1) return `${target.name} did not commit the held invoice`;
      return (await linked(stack, orderId)) === 0 ? null : "our commit happened before the kill";
    },
  },
  {
    name: "after our commit, before the write-back",
    start: 24_401,
    hold: (stack) => shopifyHold(stack, "metafieldsSet", HOLD_MS),
    held: (stack) => shopifyHoldsUsed(stack),
    async check(stack, _target, orderId) {
      return (await linked(stack, orderId)) === 1 ? null : "the invoice was not committed on our side before the write-back";
    },
  },
];

function sigkillAt(point: KillPoint): Scenario {
  return {
    name: `worker SIGKILLed ${point.name}`,
    runs: { ci: 2, full: 20 },
    async run(stack, runs, target) {
      const shop = `faults-kill-${point.start}.myshopify.com`;
      await connect(stack, target, shop);
      const orders = generateOrders(runs, { seed: (Date.now() + point.start) % 100_000, startOrderNumber: point.start, shop });
      for (const o of orders) {
        await point.hold(stack, target);
        await deliver(stack, shop, "orders/paid", o);
        await point.held(stack, target);
        await jitter(300);
        await stack.stopWorker("SIGKILL");
        const wrong = await point.check(stack, target, o.admin_graphql_api_id);
        if (wrong) throw new Error(`${o.name}: ${wrong}`);
        await stack.startWorker();
        await settle(stack, shop, 60_000);
      }
      await simFaults(stack, target, []);
      const figures = await countInvoices(stack, target, shop, runs, orders.map((o) => o.admin_graphql_api_id));
      // Each kill left an attempt behind that the next run found and marked abandoned.
      const abandoned = await stack.db.client.syncAttempt.count({ where: { job: { shop, kind: "invoice" }, status: "abandoned" } });
      if (abandoned < runs) throw new Error(`only ${abandoned} of ${runs} kills hit an invoice job mid-attempt`);
      // Every order's status reached Shopify with its invoice number, the write-back killed mid-call included.
      const { metafields } = await (await fetch(`${stack.shopifySim.url}/__sim/writes?shop=${shop}`)).json();
      for (const o of orders) {
        const [invoice] = await documentsFor(stack, target, o.admin_graphql_api_id);
        const written = Object.entries(metafields[o.admin_graphql_api_id] ?? {}).find(([k]) => k.endsWith(".accounting_sync"))?.[1] as { value: string } | undefined;
        const status = written ? JSON.parse(written.value) : undefined;
        if (!invoice || status?.documentNumber !== invoice.number) throw new Error(`${o.name}: the order shows ${written?.value ?? "no status"}, not invoice ${invoice?.number}`);
      }
      return figures;
    },
  };
}

export const sigkills = points.map(sigkillAt);

export const sigterm: Scenario = {
  name: "worker SIGTERMed (a deploy) with jobs in flight: nothing left running",
  runs: { ci: 1, full: 10 },
  async run(stack, runs, target) {
    const shop = "faults-sigterm.myshopify.com";
    await connect(stack, target, shop);
    const all: string[] = [];
    let stuckAfterStop = 0;
    for (let run = 0; run < runs; run++) {
      const orders = generateOrders(20, { seed: (Date.now() + run) % 100_000, startOrderNumber: 25_001 + run * 20, shop });
      all.push(...orders.map((o) => o.admin_graphql_api_id));
      await Promise.all(orders.map((o) => deliver(stack, shop, "orders/paid", o)));
      await waitFor("jobs to be running", async () => (await stack.db.client.syncJob.count({ where: { shop, status: "running" } })) > 0, 30_000, 50);
      await jitter(1_000);
      await stack.stopWorker("SIGTERM");
      // A graceful stop finishes or hands back what it was running: nothing may stay "running".
      stuckAfterStop += await stack.db.client.syncJob.count({ where: { shop, status: "running" } });
      await stack.startWorker();
    }
    await settle(stack, shop, 240_000);
    const figures: Figures = await countInvoices(stack, target, shop, runs, all);
    return { ...figures, stuck: figures.stuck + stuckAfterStop };
  },
};
