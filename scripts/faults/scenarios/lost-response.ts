import { postJson } from "../../../test/helpers/stack";
import { generateOrders } from "../../../test/fixtures/shopify/orders";
import { countInvoices, settle } from "../count";
import type { Scenario } from "../types";

// Fortnox commits the invoice but its answer never arrives (the connection hangs past our timeout,
// 3 s in the suite). The retry must find the invoice by our reference and adopt it, never create
// another.

export const lostResponses: Scenario = {
  name: "the invoice create committed but its response lost: adopted, never re-created",
  runs: { ci: 4, full: 20 },
  async run(stack, runs) {
    const shop = "faults-lost.myshopify.com";
    await stack.installAndConnect(shop);
    await postJson(`${stack.fortnoxSim!.url}/__sim/faults`, { rules: [{ method: "POST", path: "^/3/invoices$", afterCommit: true, delayMs: 6_000, count: runs }] });
    const orders = generateOrders(runs, { seed: (Date.now() + 3) % 100_000, startOrderNumber: 23_001, shop });
    await Promise.all(orders.map((o) => stack.sendWebhook(shop, "orders/paid", o)));
    await settle(stack, shop, 120_000 + runs * 5_000);
    const figures = await countInvoices(stack, shop, runs, orders.map((o) => o.admin_graphql_api_id));
    // The adoption path must really have been taken, or the fault did not bite.
    const adopted = await stack.db.client.syncAttempt.count({ where: { job: { shop }, outcome: { startsWith: "adopted" } } });
    if (adopted < runs) throw new Error(`only ${adopted} of ${runs} jobs adopted their invoice: the injected fault did not take`);
    return figures;
  },
};
