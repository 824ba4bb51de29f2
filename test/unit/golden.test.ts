import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fortnoxCustomerBody, fortnoxInvoiceBody, fortnoxTotal } from "~/connectors/fortnox/payload";
import type { AccountingDocument } from "~/domain/accounting";
import { mapOrderToInvoice } from "~/domain/mapping";
import { mappingSettingsSchema } from "~/domain/settings";
import { shopifyOrderSchema } from "~/domain/shopify-order";

// Golden scenarios: realistic Shopify orders/paid payloads with the accounting document, the
// Fortnox invoice and the Fortnox customer each one must become, all worked out by hand from the
// business rules (see test/fixtures/scenarios/*.json), never pasted from the engine's output.

interface Scenario {
  file: string;
  title: string;
  settings?: unknown;
  order: { total_price: string } & Record<string, unknown>;
  expected:
    | { ok: true; document: AccountingDocument; fortnoxInvoice: unknown; fortnoxCustomer: unknown }
    | { ok: false; issueCodes: string[] };
}

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

describe("golden scenarios", () => {
  it("has the scenario files", () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(14);
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

    const invoice = fortnoxInvoiceBody(document, "100");
    expect(invoice).toEqual(expected.fortnoxInvoice);
    expect(fortnoxCustomerBody(document.customer)).toEqual(expected.fortnoxCustomer);

    // What Fortnox will total for the rows as sent (the document's rows plus any rounding row) is
    // exactly what the customer paid in Shopify.
    const sent = invoice.InvoiceRows.map((r) => ({
      unitPrice: Math.round(r.Price * 100),
      quantity: r.DeliveredQuantity,
      discount: Math.round(((r as { Discount?: number }).Discount ?? 0) * 100),
      vatRate: r.VAT,
    }));
    expect(fortnoxTotal(sent, invoice.VATIncluded)).toBe(ore(scenario.order.total_price));
  });
});
