import { describe, expect, it } from "vitest";
import { impliesInvoice } from "~/sync/ingest.server";

const order = (o: Record<string, unknown> = {}) => ({ financial_status: "paid", fulfillment_status: null, cancelled_at: null, test: false, ...o }) as any;

describe("which order event means 'invoice it now'", () => {
  it("default trigger 'paid': orders/paid, or an update that shows the order paid", () => {
    expect(impliesInvoice("orders/paid", order(), "paid")).toBe(true);
    expect(impliesInvoice("orders/create", order({ financial_status: "pending" }), "paid")).toBe(false);
    expect(impliesInvoice("orders/updated", order(), "paid")).toBe(true);
    expect(impliesInvoice("orders/updated", order({ financial_status: "authorized" }), "paid")).toBe(false);
  });
  it("trigger 'created' books on creation; 'fulfilled' waits for fulfilment", () => {
    expect(impliesInvoice("orders/create", order({ financial_status: "pending" }), "created")).toBe(true);
    expect(impliesInvoice("orders/paid", order(), "fulfilled")).toBe(false);
    expect(impliesInvoice("orders/updated", order({ fulfillment_status: "fulfilled" }), "fulfilled")).toBe(true);
  });
  it("never books cancelled or test orders", () => {
    expect(impliesInvoice("orders/paid", order({ cancelled_at: "2026-11-20T10:00:00Z" }), "paid")).toBe(false);
    expect(impliesInvoice("orders/paid", order({ test: true }), "paid")).toBe(false);
  });
});
