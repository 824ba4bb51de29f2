import { randomUUID } from "node:crypto";
import { generateOrders } from "../../../test/fixtures/shopify/orders";
import { countInvoices, settle } from "../count";
import type { Scenario } from "../types";
import { deliver, jitter, connect } from "./support";

// Shopify delivers at least once and retries with the same event id; it also re-sends old events
// when a merchant or the platform replays them. Every delivery of one event, however many and
// however late, books one invoice.

export const tripleDeliveries: Scenario = {
  name: "every webhook delivered 3 times at once, then replayed late",
  runs: { ci: 15, full: 100 },
  async run(stack, runs, target) {
    const shop = "faults-deliveries.myshopify.com";
    await connect(stack, target, shop);
    const orders = generateOrders(runs, { seed: Date.now() % 100_000, startOrderNumber: 20_001, shop });
    const ids = orders.map(() => ({ eventId: randomUUID(), webhookId: randomUUID() }));
    await Promise.all(orders.map(async (o, i) => {
      await jitter(2_000);
      await Promise.all([0, 1, 2].map(async () => { await jitter(50); await deliver(stack, shop, "orders/paid", o, ids[i]); }));
    }));
    await settle(stack, shop, 120_000 + runs * 2_000);
    // The late replay: the same events again, after everything was booked.
    await Promise.all(orders.map((o, i) => deliver(stack, shop, "orders/paid", o, ids[i])));
    await settle(stack, shop, 30_000);
    return countInvoices(stack, target, shop, runs, orders.map((o) => o.admin_graphql_api_id));
  },
};

export const createPaidRace: Scenario = {
  name: "orders/create and orders/paid for the same order racing (trigger: created)",
  runs: { ci: 15, full: 100 },
  async run(stack, runs, target) {
    const shop = "faults-race.myshopify.com";
    await connect(stack, target, shop);
    await stack.db.client.shop.update({ where: { shop }, data: { invoiceTrigger: "created" } });
    const orders = generateOrders(runs, { seed: (Date.now() + 1) % 100_000, startOrderNumber: 21_001, shop });
    await Promise.all(orders.map(async (o) => {
      await jitter(2_000);
      await Promise.all(["orders/create", "orders/paid"].map(async (topic) => {
        await jitter(30);
        await deliver(stack, shop, topic, topic === "orders/create" ? { ...o, financial_status: "pending" } : o);
      }));
    }));
    await settle(stack, shop, 120_000 + runs * 2_000);
    return countInvoices(stack, target, shop, runs, orders.map((o) => o.admin_graphql_api_id));
  },
};

export const staleDeliveries: Scenario = {
  name: "out-of-order and stale deliveries: a paid order's older payload after a newer one, a cancellation before the stale paid",
  runs: { ci: 15, full: 100 },
  async run(stack, runs, target) {
    const shop = "faults-stale.myshopify.com";
    await connect(stack, target, shop);
    const orders = generateOrders(runs, { seed: (Date.now() + 2) % 100_000, startOrderNumber: 22_001, shop });
    // Half the orders: an update (newer, paid) before the older orders/paid. The other half: the
    // order is cancelled, and the cancellation overtakes the older orders/paid: never invoiced.
    const kept = orders.filter((_, i) => i % 2 === 0);
    const cancelled = orders.filter((_, i) => i % 2 === 1);
    await Promise.all([
      ...kept.map(async (o) => {
        await jitter(2_000);
        await deliver(stack, shop, "orders/updated", { ...o, updated_at: "2026-11-21T12:00:00+01:00", tags: "vip" });
        await deliver(stack, shop, "orders/paid", o);
      }),
      ...cancelled.map(async (o) => {
        await jitter(2_000);
        await deliver(stack, shop, "orders/cancelled", { ...o, cancelled_at: "2026-11-21T12:00:00+01:00", financial_status: "refunded" });
        await deliver(stack, shop, "orders/paid", o);
      }),
    ]);
    await settle(stack, shop, 120_000 + runs * 2_000);
    return countInvoices(stack, target, shop, runs, kept.map((o) => o.admin_graphql_api_id), cancelled.map((o) => o.admin_graphql_api_id));
  },
};
