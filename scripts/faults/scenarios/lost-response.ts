import type { Stack } from "../../../test/helpers/stack";
import { generateOrders } from "../../../test/fixtures/shopify/orders";
import { countInvoices, settle } from "../count";
import { simFaults, sleep, connect } from "./support";
import type { Scenario } from "../types";

// Fortnox commits the invoice but its answer never arrives (the connection hangs past our timeout,
// 3 s in the suite). The retry must find the invoice by our reference and adopt it, never create
// another.

export const lostResponses: Scenario = {
  name: "the invoice create committed but its response lost: adopted, never re-created",
  runs: { ci: 4, full: 20 },
  async run(stack, runs, target) {
    const shop = "faults-lost.myshopify.com";
    await connect(stack, target, shop);
    await simFaults(stack, target, [{ method: "POST", path: target.paths.create, afterCommit: true, delayMs: 6_000, count: runs }]);
    const orders = generateOrders(runs, { seed: (Date.now() + 3) % 100_000, startOrderNumber: 23_001, shop });
    await Promise.all(orders.map((o) => stack.sendWebhook(shop, "orders/paid", o)));
    await settle(stack, shop, 120_000 + runs * 5_000);
    const figures = await countInvoices(stack, target, shop, runs, orders.map((o) => o.admin_graphql_api_id));
    // The adoption path must really have been taken, or the fault did not bite.
    const adopted = await stack.db.client.syncAttempt.count({ where: { job: { shop }, outcome: { startsWith: "adopted" } } });
    if (adopted < runs) throw new Error(`only ${adopted} of ${runs} jobs adopted their invoice: the injected fault did not take`);
    return figures;
  },
};

/** A Fortnox user of their own (a bookkeeper, another integration), with a token for the company. */
async function fortnoxUser(stack: Stack) {
  const redirect = `${stack.appUrl}/oauth/fortnox/callback`;
  const q = new URLSearchParams({ client_id: stack.env.FORTNOX_CLIENT_ID!, redirect_uri: redirect, scope: "customer invoice", state: "manual", response_type: "code", access_type: "offline" });
  const approved = await fetch(`${stack.fortnoxSim!.authUrl}/auth?${q}`, { redirect: "manual" });
  const code = new URL(approved.headers.get("location")!).searchParams.get("code")!;
  const basic = Buffer.from(`${stack.env.FORTNOX_CLIENT_ID}:${stack.env.FORTNOX_CLIENT_SECRET}`).toString("base64");
  const token = await fetch(`${stack.fortnoxSim!.authUrl}/token`, {
    method: "POST",
    headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirect }),
  });
  const { access_token } = await token.json();
  const post = async (path: string, body: unknown): Promise<any> => {
    const res = await fetch(`${stack.fortnoxSim!.apiUrl}${path}`, { method: "POST", headers: { Authorization: `Bearer ${access_token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
    // The company's rate limit is shared with the app's own calls: wait like any client would.
    if (res.status === 429) return sleep(1_000).then(() => post(path, body));
    if (!res.ok) throw new Error(`manual POST ${path} → ${res.status}: ${await res.text()}`);
    return res.json();
  };
  return post;
}

export const twoMatches: Scenario = {
  name: "a lost create whose retry finds two invoices with our reference: needs review, never a third",
  runs: { ci: 2, full: 20 },
  // Its second invoice is made over Fortnox's API by a user of its own.
  targets: ["fortnox"],
  async run(stack, runs, target) {
    const shop = "faults-two-matches.myshopify.com";
    await connect(stack, target, shop);
    const post = await fortnoxUser(stack);
    const { Customer } = await post("/customers", { Customer: { Name: "Manuellt fakturerad" } });
    const orders = generateOrders(runs, { seed: (Date.now() + 4) % 100_000, startOrderNumber: 23_501, shop });
    // Someone invoiced each order by hand with our reference; then our own create's answer is lost.
    for (const o of orders) {
      await post("/invoices", { Invoice: { CustomerNumber: Customer.CustomerNumber, ExternalInvoiceReference1: o.admin_graphql_api_id, InvoiceRows: [{ Description: `Order ${o.name}`, DeliveredQuantity: 1, Price: 100, AccountNumber: 3001 }] } });
    }
    await simFaults(stack, target, [{ method: "POST", path: target.paths.create, afterCommit: true, delayMs: 6_000, count: runs }]);
    await Promise.all(orders.map((o) => stack.sendWebhook(shop, "orders/paid", o)));
    await settle(stack, shop, 120_000 + runs * 5_000);
    await simFaults(stack, target, []);

    const invoices = await target.documents(stack);
    const per = orders.map((o) => invoices.filter((i) => i.reference === o.admin_graphql_api_id).length);
    const jobs = await stack.db.client.syncJob.findMany({ where: { shop, kind: "invoice" } });
    const notReviewed = jobs.filter((j) => j.status !== "needs_review");
    if (notReviewed.length) throw new Error(`${notReviewed.length} jobs ended ${notReviewed.map((j) => j.status).join(", ")}, not needs_review`);
    // Two documents per order are expected: the hand-made one and our lost create; a third is a duplicate.
    return {
      runs,
      expected: 2 * runs,
      booked: per.reduce((a, n) => a + Math.min(n, 2), 0),
      duplicates: per.reduce((a, n) => a + Math.max(0, n - 2), 0),
      lost: per.reduce((a, n) => a + Math.max(0, 2 - n), 0),
      stuck: 0,
    };
  },
};
