import { randomUUID } from "node:crypto";
import { generateOrders } from "../../../test/fixtures/shopify/orders";
import type { Stack } from "../../../test/helpers/stack";
import { countInvoices, settle } from "../count";
import type { Scenario } from "../types";
import { deliver, jitter, connect } from "./support";

// Production runs several web and worker processes. Two of each here, every order's webhooks
// (create, paid, updates, each delivered twice at once) spread over both web processes, and both
// workers taking jobs: the database and the Redis locks are all that keep them apart.

/** The web processes Shopify's deliveries take turns on (none: the app's own URL). */
async function deliverTo(stack: Stack, urls: string[]) {
  const res = await fetch(`${stack.shopifySim.url}/__sim/app-urls`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ urls }) });
  if (!res.ok) throw new Error(`PUT /__sim/app-urls → ${res.status}: ${await res.text()}`);
}

export const twoOfEach: Scenario = {
  name: "two web and two worker processes hammering the same orders",
  runs: { ci: 12, full: 100 },
  async run(stack, runs, target) {
    const shop = "faults-processes.myshopify.com";
    await connect(stack, target, shop);
    await stack.db.client.shop.update({ where: { shop }, data: { invoiceTrigger: "created" } });
    const second = await stack.startApp();
    await deliverTo(stack, [stack.appUrl, second]);
    const first = stack.worker;
    const extra = await stack.startWorker();
    try {
      const orders = generateOrders(runs, { seed: (Date.now() + 6) % 100_000, startOrderNumber: 46_001, shop });
      await Promise.all(orders.map(async (o) => {
        await jitter(3_000);
        const events: [string, unknown][] = [
          ["orders/create", { ...o, financial_status: "pending" }],
          ["orders/paid", o],
          ["orders/updated", { ...o, tags: "packed" }],
          ["orders/updated", { ...o, tags: "packed, shipped" }],
        ];
        await Promise.all(events.map(async ([topic, payload]) => {
          await jitter(200);
          const ids = { eventId: randomUUID(), webhookId: randomUUID() };
          await Promise.all([deliver(stack, shop, topic, payload, ids), deliver(stack, shop, topic, payload, ids)]);
        }));
      }));
      await settle(stack, shop, 180_000 + runs * 3_000);
      return await countInvoices(stack, target, shop, runs, orders.map((o) => o.admin_graphql_api_id));
    } finally {
      await extra.kill("SIGTERM");
      stack.worker = first;
      await deliverTo(stack, []);
    }
  },
};
