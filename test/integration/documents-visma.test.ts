import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { payAll, scenarios, settledJobs, type Scenario } from "../helpers/scenarios";
import { postJson, startStack, waitSettled, type Stack } from "../helpers/stack";
import { DEFAULT_COMPANY_ID } from "../simulators/visma/state";

// The golden scenarios end to end into Visma eAccounting: orders/paid through the pipeline into
// the Visma simulator, which computes each row's VAT from the article's sales category and the
// customer, and its own totals; they must equal Shopify's to the öre. Then payments (the invoice
// left with nothing remaining), refunds and cancellations as credit invoices of the worked-out
// totals, drafts, and document mode "order".

const SHOP = "visma-documents.myshopify.com";
const EUR_SHOP = "visma-documents-eur.myshopify.com";
const ORDER_SHOP = "visma-documents-order.myshopify.com";
let stack: Stack;

const shopOf = (s: Scenario) => (s.settings?.currency === "presentment" ? EUR_SHOP : SHOP);
/** Our reference as the Visma connector writes it (BuyersOrderReference). */
const ref = (gid: string) => gid.replace(/^gid:\/\/shopify\//, "");

const vsim = async (what: string): Promise<any[]> =>
  Object.values(await (await fetch(`${stack.vismaSim.url}/__sim/companies/${DEFAULT_COMPANY_ID}/${what}`)).json())[0] as any[];
const toOre = (v: number | string) => Math.round(Number(v) * 100);
const invoicesOf = async (gid: string) => (await vsim("customerinvoices")).filter((i) => i.BuyersOrderReference === ref(gid));

beforeAll(async () => {
  stack = await startStack();
  // The company books OSS sales (as a shop selling to EU consumers must), and takes gift cards
  // on a "bank account" of their own, on the gift-card debt account.
  await fetch(`${stack.vismaSim.url}/__sim/companies/${DEFAULT_COMPANY_ID}/oss`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ enabled: true }) });
  await postJson(`${stack.vismaSim.url}/__sim/companies/${DEFAULT_COMPANY_ID}/bankaccounts`, { name: "Presentkort", accountNumber: 2421 });
  for (const shop of [SHOP, EUR_SHOP, ORDER_SHOP]) await stack.installAndConnect(shop, { provider: "visma" });
  await stack.db.client.shop.update({ where: { shop: EUR_SHOP }, data: { settings: JSON.stringify({ currency: "presentment" }) } });
  await stack.db.client.shop.update({ where: { shop: ORDER_SHOP }, data: { settings: JSON.stringify({ document: "order" }) } });
});
afterAll(async () => { await stack?.stop(); });

describe("golden scenarios through the pipeline into Visma", () => {
  it("books every scenario's invoice with Visma's own total equal to Shopify's, and pays it in full", async () => {
    for (const { s, job } of await payAll(stack, shopOf)) {
      expect(`${job.status} ${job.lastError ?? ""}`.trim(), s.file).toBe("succeeded");
      const booked = (await invoicesOf(s.order.admin_graphql_api_id)).filter((i) => !i.IsCreditInvoice);
      expect(booked, s.file).toHaveLength(1);
      expect(toOre(booked[0].TotalAmountInvoiceCurrency), s.file).toBe(s.expected.document!.total);
      expect(booked[0].InvoiceCurrencyCode, s.file).toBe(s.expected.document!.currency);
      const [payment] = await settledJobs(stack, shopOf(s), s.order.admin_graphql_api_id, "payment", 1);
      expect(`${payment.status} ${payment.lastError ?? ""}`.trim(), s.file).toBe("succeeded");
      expect(toOre((await invoicesOf(s.order.admin_graphql_api_id)).find((i) => !i.IsCreditInvoice).RemainingAmountInvoiceCurrency), `${s.file} is paid in full`).toBe(0);
    }
    // Nothing is left behind as a draft.
    expect(await vsim("customerinvoicedrafts")).toEqual([]);
  }, 300_000);

  it("credits refunds and cancellations as credit invoices of exactly the worked-out totals, paid back", async () => {
    const withCredits = scenarios.filter((s) => s.refunds || s.cancellation);
    for (const s of withCredits) {
      const shop = shopOf(s);
      const orderId = s.order.admin_graphql_api_id;
      for (const [i, step] of (s.refunds ?? []).entries()) {
        await stack.sendWebhook(shop, "refunds/create", step.refund);
        const jobs = await settledJobs(stack, shop, orderId, "credit", i + 1);
        const job = jobs.find((j) => j.subjectId === step.refund.admin_graphql_api_id)!;
        if (!step.expected.ok) {
          expect(job.status, s.file).toBe("needs_action");
          continue;
        }
        expect(`${job.status} ${job.lastError ?? ""}`.trim(), s.file).toBe("succeeded");
        const [credit] = await invoicesOf(step.refund.admin_graphql_api_id);
        expect(credit.IsCreditInvoice, s.file).toBe(true);
        expect(toOre(credit.TotalAmountInvoiceCurrency), s.file).toBe(step.expected.document!.total);
        if (step.refund.transactions.length) expect(toOre(credit.RemainingAmountInvoiceCurrency), `${s.file}: paid back`).toBe(0);
      }
      if (s.cancellation) {
        for (const r of s.order.refunds ?? []) if (!(s.refunds ?? []).some((x) => x.refund.id === r.id)) await stack.sendWebhook(shop, "refunds/create", r);
        await stack.sendWebhook(shop, "orders/cancelled", s.order);
        const [job] = await settledJobs(stack, shop, orderId, "cancel", 1);
        expect(`${job.status} ${job.lastError ?? ""}`.trim(), s.file).toBe("succeeded");
        const [credit] = await invoicesOf(`${orderId}/cancellation`);
        expect(toOre(credit.TotalAmountInvoiceCurrency), s.file).toBe(s.cancellation.expected.document!.total);
      }
      // The invoice and its credits never exceed the sale.
      const all = (await vsim("customerinvoices")).filter((inv) => inv.YourReference === s.order.name);
      expect(all.reduce((a, inv) => a + toOre(inv.TotalAmountInvoiceCurrency), 0), s.file).toBeGreaterThanOrEqual(0);
    }
  });

  it("leaves drafts unbooked and unpaid, and deletes one that is refunded in full", async () => {
    const s = scenarios.find((x) => x.file.startsWith("23"))!;
    await stack.db.client.shop.update({ where: { shop: SHOP }, data: { settings: JSON.stringify({ bookkeeping: "draft" }) } });
    try {
      const order = { ...structuredClone(s.order), id: 7800000000002, admin_graphql_api_id: "gid://shopify/Order/7800000000002", name: "#7802" };
      const refund = { ...structuredClone(s.refunds![0].refund), id: 7800000002, admin_graphql_api_id: "gid://shopify/Refund/7800000002", order_id: order.id };
      await stack.sendWebhook(SHOP, "orders/paid", order);
      await settledJobs(stack, SHOP, order.admin_graphql_api_id, "invoice", 1);
      const drafts = (await vsim("customerinvoicedrafts")).filter((d) => d.BuyersOrderReference === ref(order.admin_graphql_api_id));
      expect(drafts).toHaveLength(1);
      expect(toOre(drafts[0].TotalAmountInvoiceCurrency)).toBe(toOre(order.total_price));
      expect(await invoicesOf(order.admin_graphql_api_id)).toHaveLength(0);
      await stack.sendWebhook(SHOP, "refunds/create", refund);
      const [credit] = await settledJobs(stack, SHOP, order.admin_graphql_api_id, "credit", 1);
      expect(`${credit.status} ${credit.lastError ?? ""}`.trim()).toBe("succeeded");
      expect((await vsim("customerinvoicedrafts")).filter((d) => d.BuyersOrderReference === ref(order.admin_graphql_api_id))).toHaveLength(0);
    } finally {
      await stack.db.client.shop.update({ where: { shop: SHOP }, data: { settings: null } });
    }
  });

  it("document mode 'order': a Visma order when paid, converted into the invoice on fulfilment, then paid", async () => {
    const s = scenarios.find((x) => x.file.startsWith("02"))!;
    const order = { ...structuredClone(s.order), id: 7800000000003, admin_graphql_api_id: "gid://shopify/Order/7800000000003", name: "#7803" };
    await stack.sendWebhook(ORDER_SHOP, "orders/paid", order);
    const [ordered] = await settledJobs(stack, ORDER_SHOP, order.admin_graphql_api_id, "order", 1);
    expect(`${ordered.status} ${ordered.lastError ?? ""}`.trim()).toBe("succeeded");
    const vismaOrder = (await vsim("orders")).find((o) => o.BuyersOrderReference === ref(order.admin_graphql_api_id));
    expect(toOre(vismaOrder.Amount)).toBe(toOre(order.total_price));
    await stack.sendWebhook(ORDER_SHOP, "orders/updated", { ...order, fulfillment_status: "fulfilled", updated_at: "2026-04-17T09:00:00+02:00" });
    const [invoiced] = await settledJobs(stack, ORDER_SHOP, order.admin_graphql_api_id, "invoice", 1);
    expect(`${invoiced.status} ${invoiced.lastError ?? ""}`.trim()).toBe("succeeded");
    const [paid] = await settledJobs(stack, ORDER_SHOP, order.admin_graphql_api_id, "payment", 1);
    expect(`${paid.status} ${paid.lastError ?? ""}`.trim()).toBe("succeeded");
    const invoices = await invoicesOf(order.admin_graphql_api_id);
    expect(invoices).toHaveLength(1);
    expect(toOre(invoices[0].TotalAmountInvoiceCurrency)).toBe(toOre(order.total_price));
    expect(toOre(invoices[0].RemainingAmountInvoiceCurrency)).toBe(0);
    expect((await vsim("orders")).find((o) => o.Id === vismaOrder.Id).Status).toBe(4);
  });
});
