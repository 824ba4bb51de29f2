import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORTNOX_TENANT } from "../helpers/orders";
import { waitFor } from "../helpers/services";
import { jobsOf, payAll, scenarios, settledJobs, type Scenario } from "../helpers/scenarios";
import { postJson, startStack, waitSettled, type Stack } from "../helpers/stack";

// Every golden scenario end to end: its orders/paid through the pipeline into the Fortnox
// simulator, then its payments, refunds and cancellation. The simulator computes its own totals
// from the rows Kontera sends; they must equal Shopify's to the öre, and each credit must equal
// what its scenario worked out by hand.

const SHOP = "documents-test.myshopify.com";
const EUR_SHOP = "documents-eur-test.myshopify.com";
const ORDER_SHOP = "documents-order-test.myshopify.com";
let stack: Stack;

const shopOf = (s: Scenario) => (s.settings?.currency === "presentment" ? EUR_SHOP : SHOP);

const sim = async (what: string): Promise<any[]> =>
  Object.values(await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/${what}`)).json())[0] as any[];
const toOre = (v: number | string) => Math.round(Number(v) * 100);
/** Fortnox writes its flags as text ("true"/"false"). */
const isCredit = (inv: any) => String(inv.Credit) === "true";

beforeAll(async () => {
  stack = await startStack();
  await stack.installAndConnect(SHOP);
  await stack.installAndConnect(EUR_SHOP);
  await stack.db.client.shop.update({ where: { shop: EUR_SHOP }, data: { settings: JSON.stringify({ currency: "presentment" }) } });
  await stack.installAndConnect(ORDER_SHOP);
  await stack.db.client.shop.update({ where: { shop: ORDER_SHOP }, data: { settings: JSON.stringify({ document: "order" }) } });
});
afterAll(async () => { await stack?.stop(); });

describe("golden scenarios through the pipeline into Fortnox", () => {
  it("books every scenario's invoice with Fortnox's own total equal to Shopify's", async () => {
    const booked = await payAll(stack, shopOf);
    const invoices = await sim("invoices");
    for (const { s, job } of booked) {
      expect(`${job.status} ${job.lastError ?? ""}`.trim(), s.file).toBe("succeeded");
      const made = invoices.filter((i) => i.ExternalInvoiceReference1 === s.order.admin_graphql_api_id && !isCredit(i));
      expect(made, s.file).toHaveLength(1);
      expect(toOre(made[0].Total), s.file).toBe(s.expected.document!.total);
      expect(made[0].Currency, s.file).toBe(s.expected.document!.currency);
      expect(String(made[0].Booked), s.file).toBe("true");
    }
  }, 300_000);

  it("registers each paid order's payments per gateway: the gift card against its debt, the card in the bank", async () => {
    const invoices = await sim("invoices");
    for (const s of scenarios.filter((x) => x.expected.ok)) {
      const [payment] = await settledJobs(stack, shopOf(s), s.order.admin_graphql_api_id, "payment", 1);
      expect(`${payment.status} ${payment.lastError ?? ""}`.trim(), s.file).toBe("succeeded");
      const invoice = invoices.find((i) => i.ExternalInvoiceReference1 === s.order.admin_graphql_api_id && !isCredit(i));
      expect(toOre(invoice.Balance), `${s.file} is paid in full`).toBe(0);
    }
    const split = scenarios.find((s) => s.expected.payments)!;
    const link = await stack.db.client.documentLink.findFirstOrThrow({ where: { shop: SHOP, kind: "payment", shopifyId: split.order.admin_graphql_api_id } });
    expect(JSON.parse(link.document!).map((p: any) => [p.mode, p.amount])).toEqual(split.expected.payments!.map((p) => [p.mode, p.amount]));
  });

  it("credits refunds (partial, repeated, full, not tied to items) and cancellations exactly as worked out by hand", async () => {
    const withCredits = scenarios.filter((s) => s.refunds || s.cancellation);
    expect(withCredits.length).toBeGreaterThanOrEqual(5);
    for (const s of withCredits) {
      const shop = shopOf(s);
      const orderId = s.order.admin_graphql_api_id;
      for (const [i, step] of (s.refunds ?? []).entries()) {
        await stack.sendWebhook(shop, "refunds/create", step.refund);
        const jobs = await settledJobs(stack, shop, orderId, "credit", i + 1);
        const job = jobs.find((j) => j.subjectId === step.refund.admin_graphql_api_id)!;
        if (!step.expected.ok) {
          expect(job.status, s.file).toBe("needs_action");
          expect(job.lastError, s.file).toMatch(/ \/ /); // English / Swedish
          continue;
        }
        expect(`${job.status} ${job.lastError ?? ""}`.trim(), s.file).toBe("succeeded");
        const link = await stack.db.client.documentLink.findFirstOrThrow({ where: { shop, kind: "credit", shopifyId: step.refund.admin_graphql_api_id } });
        const credit = (await sim("invoices")).find((inv) => String(inv.DocumentNumber) === link.remoteId);
        expect(toOre(credit.Total), s.file).toBe(step.expected.document!.total);
        // The money Shopify paid back settles the credit, as the sale's payment settled the invoice.
        if (step.refund.transactions.length) expect(toOre(credit.Balance), `${s.file}: credit ${credit.DocumentNumber} paid back`).toBe(0);
      }
      if (s.cancellation) {
        for (const r of s.order.refunds ?? []) if (!(s.refunds ?? []).some((x) => x.refund.id === r.id)) await stack.sendWebhook(shop, "refunds/create", r);
        await stack.sendWebhook(shop, "orders/cancelled", s.order);
        const [job] = await settledJobs(stack, shop, orderId, "cancel", 1);
        expect(`${job.status} ${job.lastError ?? ""}`.trim(), s.file).toBe("succeeded");
        const link = await stack.db.client.documentLink.findFirstOrThrow({ where: { shop, kind: "credit", shopifyId: orderId } });
        const credit = (await sim("invoices")).find((inv) => String(inv.DocumentNumber) === link.remoteId);
        expect(toOre(credit.Total), s.file).toBe(s.cancellation.expected.document!.total);
      }
      // Whatever was credited, the invoice and its credits never exceed the sale.
      const all = (await sim("invoices")).filter((inv) => inv.YourOrderNumber === s.order.name);
      const net = all.filter((inv) => String(inv.Cancelled) !== "true").reduce((a, inv) => a + toOre(inv.Total), 0);
      expect(net, s.file).toBeGreaterThanOrEqual(0);
    }
  });

  it("uses Fortnox's own credit for a full refund of a booked invoice, linked to the original", async () => {
    const full = scenarios.find((s) => s.refunds?.some((r) => (r.expected.document as any)?.creditsAll))!;
    const invoices = await sim("invoices");
    const original = invoices.find((i) => i.ExternalInvoiceReference1 === full.order.admin_graphql_api_id && !isCredit(i));
    expect(String(original.CreditInvoiceReference)).not.toBe("0");
    const credit = invoices.find((i) => String(i.DocumentNumber) === String(original.CreditInvoiceReference));
    expect(isCredit(credit)).toBe(true);
    expect(String(credit.InvoiceReference)).toBe(String(original.DocumentNumber));
    expect(toOre(credit.Total)).toBe(-toOre(original.Total));
  });
});

describe("order lifecycle", () => {
  it("flags an order edited after booking for review, once per edited state, and never books a second invoice", async () => {
    const s = scenarios.find((x) => x.edits)!;
    const orderId = s.order.admin_graphql_api_id;
    const [edited, unchanged] = [s.edits!.find((e) => e.expected.edited)!, s.edits!.find((e) => !e.expected.edited)!];
    await stack.sendWebhook(SHOP, "orders/updated", unchanged.order);
    await stack.sendWebhook(SHOP, "orders/updated", edited.order, { deliveries: 2 });
    await stack.sendWebhook(SHOP, "orders/updated", { ...edited.order, updated_at: "2026-04-16T12:00:00+02:00" }); // same edit, later delivery
    const [job] = await settledJobs(stack, SHOP, orderId, "edit", 1);
    expect(job.status).toBe("needs_review");
    expect(job.lastError).toMatch(/edited after invoice \d+ was booked .*1315\.00 → 1434\.00/);
    expect(job.lastError).toContain("ändrades efter att faktura");
    expect((await jobsOf(stack, SHOP, orderId)).filter((j) => j.kind === "edit")).toHaveLength(1);
    expect((await sim("invoices")).filter((i) => i.ExternalInvoiceReference1 === orderId)).toHaveLength(1);
  });

  it("re-invoices an order edited after booking when the shop chooses so: the invoice credited with its payment moved, the edited order invoiced and paid", async () => {
    const s = scenarios.find((x) => x.edits)!;
    const edited = s.edits!.find((e) => e.expected.edited)!.order;
    const identity = { id: 7700000000005, admin_graphql_api_id: "gid://shopify/Order/7700000000005", name: "#7705" };
    const order = { ...structuredClone(s.order), ...identity };
    await stack.db.client.shop.update({ where: { shop: SHOP }, data: { settings: JSON.stringify({ afterEdit: "reinvoice" }) } });
    try {
      await stack.sendWebhook(SHOP, "orders/paid", order);
      await settledJobs(stack, SHOP, identity.admin_graphql_api_id, "payment", 1);
      // The edit added a coffee, and the buyer paid for it.
      await postJson(`${stack.shopifySim.url}/__sim/transactions`, { shop: SHOP, orderId: identity.admin_graphql_api_id, transactions: [
        { kind: "sale", status: "success", gateway: "shopify_payments", amount: order.total_price },
        { kind: "sale", status: "success", gateway: "shopify_payments", amount: "119.00" },
      ] });
      await stack.sendWebhook(SHOP, "orders/updated", { ...structuredClone(edited), ...identity });
      const [job] = await settledJobs(stack, SHOP, identity.admin_graphql_api_id, "edit", 1);
      expect(`${job.status} ${job.lastError ?? ""}`.trim()).toBe("succeeded");

      const docs = (await sim("invoices")).filter((i) => i.YourOrderNumber === identity.name);
      const original = docs.find((i) => i.ExternalInvoiceReference1 === identity.admin_graphql_api_id && !isCredit(i));
      const credit = docs.find((i) => isCredit(i));
      const anew = docs.find((i) => String(i.ExternalInvoiceReference1).startsWith(`${identity.admin_graphql_api_id}/edit/`));
      expect(docs).toHaveLength(3);
      expect(String(credit.InvoiceReference)).toBe(String(original.DocumentNumber));
      expect([toOre(original.Total), toOre(credit.Total), toOre(anew.Total)]).toEqual([131500, -131500, 143400]);
      // Every document is settled: the old payment moved onto the credit, the new invoice paid in full.
      expect([original, credit, anew].map((d) => toOre(d.Balance))).toEqual([0, 0, 0]);
      expect(String(anew.Booked)).toBe("true");
      const link = await stack.db.client.documentLink.findFirstOrThrow({ where: { shop: SHOP, kind: "invoice", shopifyId: identity.admin_graphql_api_id } });
      expect(link.remoteNumber).toBe(String(anew.DocumentNumber));
    } finally {
      await stack.db.client.shop.update({ where: { shop: SHOP }, data: { settings: null } });
    }
  });

  it("cancels an order before it is booked: no invoice, and a refund waiting for it ends with nothing to credit", async () => {
    const s = scenarios.find((x) => x.file.startsWith("21"))!;
    await stack.db.client.shop.update({ where: { shop: SHOP }, data: { invoiceTrigger: "fulfilled" } });
    try {
      const order = { ...structuredClone(s.order), id: 7700000000001, admin_graphql_api_id: "gid://shopify/Order/7700000000001", name: "#7701" };
      const refund = { ...structuredClone(s.refunds![0].refund), id: 7700000001, admin_graphql_api_id: "gid://shopify/Refund/7700000001", order_id: order.id };
      await stack.sendWebhook(SHOP, "orders/paid", order); // not invoiced yet: the trigger is fulfilment
      await stack.sendWebhook(SHOP, "refunds/create", refund);
      await waitFor("the refund to wait for its invoice", async () => (await jobsOf(stack, SHOP, order.admin_graphql_api_id)).find((j) => j.kind === "credit" && j.status === "waiting"), 60_000, 250);
      await stack.sendWebhook(SHOP, "orders/cancelled", { ...order, cancelled_at: "2026-04-21T09:00:00+02:00" });
      const [cancel] = await settledJobs(stack, SHOP, order.admin_graphql_api_id, "cancel", 1);
      expect(cancel.status).toBe("succeeded");
      const [credit] = await settledJobs(stack, SHOP, order.admin_graphql_api_id, "credit", 1);
      expect(credit.status).toBe("succeeded");
      expect((await sim("invoices")).filter((i) => i.ExternalInvoiceReference1 === order.admin_graphql_api_id)).toHaveLength(0);
    } finally {
      await stack.db.client.shop.update({ where: { shop: SHOP }, data: { invoiceTrigger: "paid" } });
    }
  });

  it("leaves draft invoices unbooked and unpaid, and withdraws one that is refunded in full", async () => {
    const s = scenarios.find((x) => x.file.startsWith("23"))!;
    await stack.db.client.shop.update({ where: { shop: SHOP }, data: { settings: JSON.stringify({ bookkeeping: "draft" }) } });
    try {
      const order = { ...structuredClone(s.order), id: 7700000000002, admin_graphql_api_id: "gid://shopify/Order/7700000000002", name: "#7702" };
      const refund = { ...structuredClone(s.refunds![0].refund), id: 7700000002, admin_graphql_api_id: "gid://shopify/Refund/7700000002", order_id: order.id };
      await stack.sendWebhook(SHOP, "orders/paid", order);
      await settledJobs(stack, SHOP, order.admin_graphql_api_id, "invoice", 1);
      expect((await jobsOf(stack, SHOP, order.admin_graphql_api_id)).map((j) => j.kind)).toEqual(["invoice"]); // no payment job for drafts
      let invoice = (await sim("invoices")).find((i) => i.ExternalInvoiceReference1 === order.admin_graphql_api_id);
      expect(String(invoice.Booked)).toBe("false");
      await stack.sendWebhook(SHOP, "refunds/create", refund);
      const [credit] = await settledJobs(stack, SHOP, order.admin_graphql_api_id, "credit", 1);
      expect(credit.status).toBe("succeeded");
      invoice = (await sim("invoices")).find((i) => i.ExternalInvoiceReference1 === order.admin_graphql_api_id);
      expect(String(invoice.Cancelled)).toBe("true");
    } finally {
      await stack.db.client.shop.update({ where: { shop: SHOP }, data: { settings: null } });
    }
  });

  it("document mode 'order': a Fortnox order when paid, Fortnox's invoice of it on fulfilment, then the payment", async () => {
    const s = scenarios.find((x) => x.file.startsWith("02"))!;
    const order = { ...structuredClone(s.order), id: 7700000000003, admin_graphql_api_id: "gid://shopify/Order/7700000000003", name: "#7703" };
    await stack.sendWebhook(ORDER_SHOP, "orders/paid", order);
    const [ordered] = await settledJobs(stack, ORDER_SHOP, order.admin_graphql_api_id, "order", 1);
    expect(ordered.status).toBe("succeeded");
    const fortnoxOrder = (await sim("orders")).find((o) => o.ExternalInvoiceReference1 === order.admin_graphql_api_id);
    expect(toOre(fortnoxOrder.Total)).toBe(toOre(order.total_price));
    expect((await sim("invoices")).filter((i) => i.ExternalInvoiceReference1 === order.admin_graphql_api_id)).toHaveLength(0);
    // The payment waits for the invoice (released once when the Fortnox order was made, it waits again).
    await waitFor("the payment to wait for the invoice", async () => (await jobsOf(stack, ORDER_SHOP, order.admin_graphql_api_id)).find((j) => j.kind === "payment" && j.status === "waiting"), 30_000, 250);

    await stack.sendWebhook(ORDER_SHOP, "orders/updated", { ...order, fulfillment_status: "fulfilled", updated_at: "2026-04-17T09:00:00+02:00" });
    const [invoiced] = await settledJobs(stack, ORDER_SHOP, order.admin_graphql_api_id, "invoice", 1);
    expect(`${invoiced.status} ${invoiced.lastError ?? ""}`.trim()).toBe("succeeded");
    const [paid] = await settledJobs(stack, ORDER_SHOP, order.admin_graphql_api_id, "payment", 1);
    expect(paid.status).toBe("succeeded");
    const invoices = (await sim("invoices")).filter((i) => i.ExternalInvoiceReference1 === order.admin_graphql_api_id);
    expect(invoices).toHaveLength(1);
    expect(String(invoices[0].OrderReference)).toBe(String(fortnoxOrder.DocumentNumber));
    expect(toOre(invoices[0].Total)).toBe(toOre(order.total_price));
    expect(String(invoices[0].Booked)).toBe("true");
    expect(toOre(invoices[0].Balance)).toBe(0);
  });

  it("document mode 'order': an order cancelled before fulfilment withdraws its Fortnox order and books nothing", async () => {
    const s = scenarios.find((x) => x.file.startsWith("01"))!;
    const order = { ...structuredClone(s.order), id: 7700000000004, admin_graphql_api_id: "gid://shopify/Order/7700000000004", name: "#7704" };
    await stack.sendWebhook(ORDER_SHOP, "orders/paid", order);
    await settledJobs(stack, ORDER_SHOP, order.admin_graphql_api_id, "order", 1);
    await stack.sendWebhook(ORDER_SHOP, "orders/cancelled", { ...order, cancelled_at: "2026-04-18T09:00:00+02:00" });
    const [cancel] = await settledJobs(stack, ORDER_SHOP, order.admin_graphql_api_id, "cancel", 1);
    expect(`${cancel.status} ${cancel.lastError ?? ""}`.trim()).toBe("succeeded");
    const fortnoxOrder = (await sim("orders")).find((o) => o.ExternalInvoiceReference1 === order.admin_graphql_api_id);
    expect(String(fortnoxOrder.Cancelled)).toBe("true");
    const [payment] = await settledJobs(stack, ORDER_SHOP, order.admin_graphql_api_id, "payment", 1);
    expect(payment.status).toBe("succeeded"); // settled with nothing to register
    expect((await sim("invoices")).filter((i) => i.ExternalInvoiceReference1 === order.admin_graphql_api_id)).toHaveLength(0);
  });
});
