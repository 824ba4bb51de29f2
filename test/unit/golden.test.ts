import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fortnoxCustomerBody, fortnoxInvoiceBody, fortnoxTotal } from "~/connectors/fortnox/payload";
import type { AccountingDocument } from "~/domain/accounting";
import { mapCancellationCredit, mapRefundToCredit } from "~/domain/credit";
import { editedSince } from "~/domain/edits";
import { mapOrderToInvoice } from "~/domain/mapping";
import { orderTransactionSchema, planPayments } from "~/domain/payments";
import { shopifyRefundSchema } from "~/domain/shopify-refund";
import { mappingSettingsSchema } from "~/domain/settings";
import { shopifyOrderSchema } from "~/domain/shopify-order";

// Golden scenarios: realistic Shopify orders/paid payloads with the accounting document, the
// Fortnox invoice and the Fortnox customer each one must become, all worked out by hand from the
// business rules (see test/fixtures/scenarios/*.json), never pasted from the engine's output.

type Expected<T> = ({ ok: true } & T) | { ok: false; issueCodes: string[] };
type Credit = Expected<{ document: AccountingDocument | null; fortnoxInvoice?: unknown }>;

interface Scenario {
  file: string;
  title: string;
  settings?: unknown;
  order: { total_price: string; admin_graphql_api_id: string; refunds?: unknown[] } & Record<string, unknown>;
  /** The order's transactions as the Admin API returns them: the payments they become. */
  transactions?: unknown[];
  expected: Expected<{ document: AccountingDocument; fortnoxInvoice: unknown; fortnoxCustomer: unknown; payments?: unknown[] }>;
  /** refunds/create payloads in order, each with the credit it becomes against the invoice. */
  refunds?: { refund: unknown; expected: Credit }[];
  /** The order cancelled (with its refunds): the credit of what is left. */
  cancellation?: { date: string; expected: Credit };
  /** Later versions of the order (orders/updated): whether each is an edit of what was booked. */
  edits?: { order: unknown; expected: { edited: boolean; summary?: string } }[];
}

/** The invoice's number in Fortnox, as credits name it. */
const INVOICE = "5001";

const dir = fileURLToPath(new URL("../fixtures/scenarios/", import.meta.url));
const scenarios: Scenario[] = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((file) => ({ file, ...JSON.parse(readFileSync(join(dir, file), "utf8")) }));

/** "1521.50" → 152150, by the decimal text (test-side, independent of the app's money helpers). */
function ore(amount: string): number {
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(amount);
  if (!m) throw new Error(`not an amount: ${amount}`);
  const v = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  return m[1] ? -v : v;
}

/**
 * The Fortnox body is the one worked out by hand, and what Fortnox will total for the rows as
 * sent (the document's rows plus any rounding row) is exactly what Shopify says, to the öre.
 */
function expectFortnoxInvoice(document: AccountingDocument, expectedBody: unknown, total: number) {
  const invoice = fortnoxInvoiceBody(document, "100");
  expect(invoice).toEqual(expectedBody);
  const sent = invoice.InvoiceRows.map((r) => ({
    unitPrice: Math.round(r.Price * 100),
    quantity: r.DeliveredQuantity,
    discount: Math.round((r.Discount ?? 0) * 100),
    vatRate: r.VAT,
  }));
  expect(fortnoxTotal(sent, invoice.VATIncluded)).toBe(total);
}

function expectCredit(result: ReturnType<typeof mapRefundToCredit>, expected: Credit) {
  if (!expected.ok) {
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.code).sort()).toEqual([...expected.issueCodes].sort());
    return;
  }
  expect(result.ok ? [] : result.issues).toEqual([]);
  if (!result.ok) return;
  expect(result.document).toEqual(expected.document);
  if (result.document) expectFortnoxInvoice(result.document, expected.fortnoxInvoice, result.document.total);
}

describe("golden scenarios", () => {
  it("has the scenario files", () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(25);
  });

  it.each(scenarios)("$title", (scenario) => {
    const order = shopifyOrderSchema.parse(scenario.order);
    const settings = mappingSettingsSchema.parse(scenario.settings ?? {});
    const result = mapOrderToInvoice(order, settings);
    const { expected } = scenario;

    if (!expected.ok) {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.issues.map((i) => i.code).sort()).toEqual([...expected.issueCodes].sort());
      for (const issue of result.issues) {
        expect(issue.message.trim()).not.toBe("");
        expect(issue.messageSv.trim()).not.toBe("");
      }
      return;
    }

    expect(result.ok ? [] : result.issues).toEqual([]);
    if (!result.ok) return;
    const document = result.document;
    expect(document).toEqual(expected.document);
    expect(fortnoxCustomerBody(document.customer)).toEqual(expected.fortnoxCustomer);
    expectFortnoxInvoice(document, expected.fortnoxInvoice, ore(scenario.order.total_price_set && document.currencyRate
      ? (scenario.order.total_price_set as any).presentment_money.amount : scenario.order.total_price));

    if (scenario.transactions) {
      const plan = planPayments(scenario.transactions.map((t) => orderTransactionSchema.parse(t)), document, settings);
      expect(plan).toEqual({ ok: true, payments: expected.payments });
    }
    for (const step of scenario.refunds ?? []) {
      expectCredit(mapRefundToCredit(shopifyRefundSchema.parse(step.refund), document, INVOICE), step.expected);
    }
    for (const step of scenario.edits ?? []) {
      const check = editedSince(shopifyOrderSchema.parse(step.order), document, settings);
      expect(check.edited).toBe(step.expected.edited);
      if (check.edited) expect(check.summary).toBe(step.expected.summary);
    }
    if (scenario.cancellation) {
      const refunds = (scenario.order.refunds ?? []).map((r) => shopifyRefundSchema.parse(r));
      expectCredit(mapCancellationCredit(refunds, document, INVOICE, scenario.order.admin_graphql_api_id, scenario.cancellation.date), scenario.cancellation.expected);
    }
  });
});
