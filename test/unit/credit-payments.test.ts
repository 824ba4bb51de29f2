import { describe, expect, it } from "vitest";
import type { AccountingDocument } from "~/domain/accounting";
import { mapRefundToCredit } from "~/domain/credit";
import { mapOrderToInvoice } from "~/domain/mapping";
import { planPayments, planRefundPayments } from "~/domain/payments";
import { mappingSettingsSchema } from "~/domain/settings";
import { shopifyOrderSchema } from "~/domain/shopify-order";
import { shopifyRefundSchema } from "~/domain/shopify-refund";
import { fixtureOrder } from "../helpers/orders";

// The edges of refunds, payments and presentment currency that the golden scenarios do not show.

const settings = mappingSettingsSchema.parse({});
const order = shopifyOrderSchema.parse(fixtureOrder("mixed-vat-1002.json"));
const invoice = (() => {
  const mapped = mapOrderToInvoice(order, settings);
  if (!mapped.ok) throw new Error("fixture does not map");
  return mapped.document;
})();

const refund = (over: Record<string, unknown>) => shopifyRefundSchema.parse({
  id: 1, admin_graphql_api_id: "gid://shopify/Refund/1", order_id: order.id, created_at: "2026-11-21T10:00:00+01:00", ...over,
});
const line = invoice.rows.find((r) => r.kind === "item")!;
const tx = (kind: string, status: string, gateway: string, amount: string) => ({
  id: `gid://shopify/OrderTransaction/${Math.random()}`, kind, status, gateway, processedAt: "2026-11-19T10:00:00Z",
  amountSet: { shopMoney: { amount, currencyCode: "SEK" }, presentmentMoney: { amount, currencyCode: "SEK" } },
});

describe("refunds → credits", () => {
  it("books nothing for a refund that returns no items and no money (a restock or a note)", () => {
    expect(mapRefundToCredit(refund({}), invoice, "9")).toEqual({ ok: true, document: null });
  });

  it("refuses a refund of more than was sold, or of a line the invoice does not have", () => {
    const more = mapRefundToCredit(refund({ refund_line_items: [{ line_item_id: line.lineItemId, quantity: line.quantity + 1, subtotal: 1, total_tax: 0 }] }), invoice, "9");
    expect(more.ok ? [] : more.issues.map((i) => i.code)).toEqual(["refund_line_exceeds_sale"]);
    const unknown = mapRefundToCredit(refund({ refund_line_items: [{ line_item_id: 42, quantity: 1, subtotal: "1.00", total_tax: "0.00" }] }), invoice, "9");
    expect(unknown.ok ? [] : unknown.issues.map((i) => i.code)).toEqual(["refund_line_not_invoiced"]);
  });

  it("reads the refund's numbers through their decimal text: 0.1 + 0.2 never drifts", () => {
    const credit = mapRefundToCredit(refund({ refund_line_items: [{ line_item_id: line.lineItemId, quantity: 1, subtotal: 0.3, total_tax: 0.06 }] }), invoice, "9");
    expect(credit.ok && credit.document?.total).toBe(-30);
  });
});

describe("payments", () => {
  it("counts only money that moved: failed, pending and authorisations are not payments; a capture is", () => {
    const plan = planPayments([
      tx("AUTHORIZATION", "SUCCESS", "shopify_payments", "100.00"),
      tx("CAPTURE", "SUCCESS", "shopify_payments", "100.00"),
      tx("SALE", "FAILURE", "klarna", "50.00"),
      tx("SALE", "PENDING", "manual", "50.00"),
    ], invoice, settings);
    expect(plan.ok && plan.payments.map((p) => [p.gateway, p.amount])).toEqual([["shopify_payments", 10000]]);
  });

  it("refuses to register more money than the invoice is for", () => {
    const plan = planPayments([tx("SALE", "SUCCESS", "shopify_payments", "99999.00")], invoice, settings);
    expect(plan.ok ? [] : plan.issues.map((i) => i.code)).toEqual(["payments_exceed_invoice"]);
  });

  it("dates a payment no earlier than its invoice", () => {
    const early = { ...tx("SALE", "SUCCESS", "shopify_payments", "1.00"), processedAt: "2020-01-01T00:00:00Z" };
    const plan = planPayments([early], invoice as AccountingDocument, settings);
    expect(plan.ok && plan.payments[0].date).toBe(invoice.date);
  });
});

describe("refunds paid back", () => {
  it("plans the refund's money per gateway as negative payments, dated no earlier than the credit, and nothing in another currency", () => {
    const r = refund({ transactions: [
      { kind: "refund", status: "success", gateway: "gift_card", amount: "50.00", currency: "SEK", processed_at: "2026-11-20T10:00:00Z" },
      { kind: "refund", status: "success", gateway: "shopify_payments", amount: "70.00", currency: "SEK", processed_at: "2026-11-23T10:00:00Z" },
      { kind: "refund", status: "failure", gateway: "shopify_payments", amount: "70.00", currency: "SEK" },
    ] });
    expect(planRefundPayments(r, { currency: "SEK", date: "2026-11-21" }, settings).map((p) => [p.mode, p.amount, p.date])).toEqual([
      ["PK", -5000, "2026-11-21"], ["KO", -7000, "2026-11-23"],
    ]);
    expect(planRefundPayments(r, { currency: "EUR", date: "2026-11-21" }, settings)).toEqual([]);
  });
});

describe("presentment currency", () => {
  it("asks for the shop currency when the order lacks the buyer's amounts", () => {
    const bare = shopifyOrderSchema.parse({ ...fixtureOrder("mixed-vat-1002.json"), presentment_currency: "EUR" });
    for (const l of bare.line_items) l.price_set = undefined;
    const mapped = mapOrderToInvoice(bare, mappingSettingsSchema.parse({ currency: "presentment" }));
    expect(mapped.ok ? [] : mapped.issues.map((i) => i.code)).toContain("presentment_amounts_missing");
  });
});
