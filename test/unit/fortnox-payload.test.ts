import { describe, expect, it } from "vitest";
import { fortnoxArticleNumber, fortnoxCustomerBody, fortnoxInvoiceBody, fortnoxTotal } from "~/connectors/fortnox/payload";
import type { AccountingDocument } from "~/domain/accounting";
import { mapOrderToInvoice } from "~/domain/mapping";
import { mappingSettingsSchema } from "~/domain/settings";
import { shopifyOrderSchema } from "~/domain/shopify-order";
import { generateOrders } from "../fixtures/shopify/orders";
import { toNetPrices } from "../helpers/orders";

const settings = mappingSettingsSchema.parse({});

function doc(overrides: Partial<AccountingDocument> = {}): AccountingDocument {
  return {
    kind: "invoice", reference: "gid://shopify/Order/1", orderName: "#1001", date: "2026-11-20", currency: "SEK",
    pricesIncludeVat: false, regime: "domestic", vat: 0, roundingAccount: "3740", total: 0,
    customer: { key: "k", type: "PRIVATE", name: "Anna", currency: "SEK", regime: "domestic" },
    rows: [], ...overrides,
  };
}

describe("the Fortnox payload", () => {
  it("adds an explicit rounding row when Fortnox's per-rate VAT differs from Shopify's per-line VAT", () => {
    // Three lines of 0.33 net at 25 %: Shopify taxes each line (0.08 × 3 = 0.24); Fortnox taxes the
    // rate group (0.99 × 25 % = 0.2475 → 0.25). The customer paid 1.23.
    const rows = [1, 2, 3].map((i) => ({ kind: "item" as const, articleNumber: `A${i}`, description: "x", quantity: 1, unitPrice: 33, discount: 0, vatRate: 25, account: "3001" }));
    const d = doc({ rows, vat: 24, total: 123 });
    expect(fortnoxTotal(rows, false)).toBe(124);
    const body = fortnoxInvoiceBody(d, "7");
    expect(body.InvoiceRows).toHaveLength(4);
    expect(body.InvoiceRows[3]).toEqual({ Description: "Öresavrundning", DeliveredQuantity: 1, Price: -0.01, VAT: 0, AccountNumber: "3740" });
    expect(fortnoxTotal([...rows, { unitPrice: -1, quantity: 1, discount: 0, vatRate: 0 }], false)).toBe(123);
  });

  it("marks reverse-charge invoices for the EU quarterly report and the customer's VAT type", () => {
    const d = doc({ regime: "eu_reverse_charge", customer: { key: "k", type: "COMPANY", name: "Oy Ab", currency: "EUR", regime: "eu_reverse_charge", vatNumber: "FI12345678", countryCode: "FI" } });
    expect(fortnoxInvoiceBody(d, "9")).toMatchObject({ EUQuarterlyReport: true, CustomerNumber: "9" });
    expect(fortnoxCustomerBody(d.customer)).toMatchObject({ VATType: "EUREVERSEDVAT", VATNumber: "FI12345678", Type: "COMPANY", CountryCode: "FI" });
    expect(fortnoxCustomerBody({ ...d.customer, regime: "export" }).VATType).toBe("EXPORT");
  });

  it("keeps every generated order's Fortnox total equal to Shopify's total, to the öre and its VAT per rate within the rounding rule (property, 500 orders, gross and net prices)", () => {
    let rounding = 0;
    let worstVatDrift = 0;
    const gross = generateOrders(500, { seed: 20261122, startOrderNumber: 1, shop: "p.myshopify.com" });
    for (const raw of [...gross, ...gross.map(toNetPrices)]) {
      const order = shopifyOrderSchema.parse(raw);
      const mapped = mapOrderToInvoice(order, settings);
      expect(mapped.ok, order.name).toBe(true);
      if (!mapped.ok) continue;
      const body = fortnoxInvoiceBody(mapped.document, "1");
      const sent = body.InvoiceRows.map((r) => ({ unitPrice: Math.round(r.Price * 100), quantity: r.DeliveredQuantity, discount: Math.round(((r as { Discount?: number }).Discount ?? 0) * 100), vatRate: r.VAT }));
      expect(fortnoxTotal(sent, body.VATIncluded), order.name).toBe(mapped.document.total);
      if (body.InvoiceRows.some((r) => r.Description === "Öresavrundning")) rounding++;

      // VAT per rate. The documented rule: Shopify rounds VAT per line, Fortnox per rate, so at
      // each rate they may differ by at most half an öre per line at that rate, never more.
      const shopify = new Map<number, { vat: number; lines: number }>();
      for (const line of [...order.line_items, ...order.shipping_lines]) {
        const rate = Math.round(line.tax_lines.reduce((a, t) => a + t.rate, 0) * 10_000) / 100;
        const at = shopify.get(rate) ?? { vat: 0, lines: 0 };
        at.vat += line.tax_lines.reduce((a, t) => a + Math.round(Number(t.price) * 100), 0);
        at.lines += 1;
        shopify.set(rate, at);
      }
      for (const [rate, at] of shopify) {
        const base = sent.filter((r) => r.vatRate === rate && rate > 0).reduce((a, r) => a + r.unitPrice * r.quantity - r.discount, 0);
        const fortnoxVat = body.VATIncluded ? Math.round((base * rate) / (100 + rate)) : Math.round((base * rate) / 100);
        expect(Math.abs(fortnoxVat - at.vat), `${order.name} VAT at ${rate} %`).toBeLessThanOrEqual(Math.ceil(at.lines / 2));
        worstVatDrift = Math.max(worstVatDrift, Math.abs(fortnoxVat - at.vat));
      }
    }
    console.log(`[figures] 1000 generated orders (500 gross, 500 net): totals equal to the öre; ${rounding} needed a rounding row; VAT per rate within ${worstVatDrift} öre of Shopify's tax lines`);
    expect(rounding).toBeGreaterThan(0); // the net variants do exercise the rounding row
  });
});

describe("what Fortnox refuses, made acceptable without losing the sale", () => {
  it("turns a SKU with spaces and Swedish letters into an article number Fortnox takes, and refuses one too long to shorten safely", () => {
    expect(fortnoxArticleNumber("KON-HD-L")).toBe("KON-HD-L");
    expect(fortnoxArticleNumber("Kaffe mörk 500g")).toBe("Kaffe-mork-500g");
    expect(fortnoxArticleNumber("ÅÄÖ/é+1")).toBe("AAO/e+1");
    expect(() => fortnoxArticleNumber("X".repeat(51))).toThrow(/50 characters.*50 tecken/);
    const body = fortnoxInvoiceBody(doc({ rows: [{ kind: "item", articleNumber: "Te grön", description: "Te", quantity: 1, unitPrice: 100, discount: 0, vatRate: 12, account: "3002" }], total: 112 }), "7");
    expect(body.InvoiceRows[0].ArticleNumber).toBe("Te-gron");
  });

  it("cleans customer fields: control characters become spaces, an address Fortnox would refuse is left off", () => {
    const body = fortnoxCustomerBody({
      key: "k", type: "PRIVATE", name: "Anna\nLind", currency: "SEK", email: "anna@localhost", address1: "Storgatan 1\r\nLgh 1101", city: "  ",
    });
    expect(body).toEqual({ Name: "Anna Lind", Type: "PRIVATE", Address1: "Storgatan 1 Lgh 1101", Currency: "SEK" });
    expect(fortnoxCustomerBody({ key: "k", type: "PRIVATE", name: "A", currency: "SEK", email: "a@example.se" }).Email).toBe("a@example.se");
  });
});
