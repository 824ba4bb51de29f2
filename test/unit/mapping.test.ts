import { describe, expect, it } from "vitest";
import { mapOrderToInvoice } from "~/domain/mapping";
import { shopifyOrderSchema } from "~/domain/shopify-order";

const settings = { defaultArticleNumber: "SHOPIFY", shippingArticleNumber: "FRAKT" };

function order(overrides: Record<string, unknown> = {}) {
  return shopifyOrderSchema.parse({
    id: 6600000000001,
    admin_graphql_api_id: "gid://shopify/Order/6600000000001",
    name: "#1001",
    email: "Anna.Svensson@example.se",
    currency: "SEK",
    taxes_included: true,
    financial_status: "paid",
    created_at: "2026-11-20T23:30:00+01:00",
    processed_at: "2026-11-20T23:30:00+01:00",
    total_price: "698.00",
    customer: { id: 77, email: "Anna.Svensson@example.se", first_name: "Anna", last_name: "Svensson" },
    billing_address: { first_name: "Anna", last_name: "Svensson", address1: "Storgatan 1", zip: "123 45", city: "Stockholm", country_code: "se" },
    line_items: [
      { id: 1, sku: "TS-RED-M", title: "T-shirt", variant_title: "Röd / M", quantity: 2, price: "250.00", total_discount: "50.00",
        tax_lines: [{ rate: 0.25, price: "90.00" }], discount_allocations: [{ amount: "50.00" }] },
      { id: 2, sku: "", title: "Bok", quantity: 1, price: "199.00", tax_lines: [{ rate: 0.06, price: "11.26" }] },
    ],
    shipping_lines: [{ title: "PostNord", price: "49.00", tax_lines: [{ rate: 0.25, price: "9.80" }] }],
    ...overrides,
  });
}

describe("mapping an order to an invoice", () => {
  it("books every line, the discount and shipping, with our reference and the order's local date", () => {
    const result = mapOrderToInvoice(order(), settings);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const doc = result.document;
    expect(doc.reference).toBe("gid://shopify/Order/6600000000001");
    expect(doc.orderName).toBe("#1001");
    expect(doc.date).toBe("2026-11-20");
    expect(doc.total).toBe(69800);
    expect(doc.rows).toEqual([
      { kind: "item", articleNumber: "TS-RED-M", description: "T-shirt - Röd / M", quantity: 2, unitPrice: 25000, discount: 5000, vatRate: 25 },
      { kind: "item", articleNumber: "SHOPIFY", description: "Bok", quantity: 1, unitPrice: 19900, discount: 0, vatRate: 6 },
      { kind: "shipping", articleNumber: "FRAKT", description: "PostNord", quantity: 1, unitPrice: 4900, discount: 0, vatRate: 25 },
    ]);
    expect(doc.customer).toMatchObject({ key: "shopify:77", type: "PRIVATE", name: "Anna Svensson", email: "anna.svensson@example.se", countryCode: "SE" });
  });

  it("treats a company with an organisation number as a company customer", () => {
    const result = mapOrderToInvoice(order({
      customer: null, email: "inkop@bolaget.se",
      billing_address: { company: "Bolaget AB", city: "Malmö", country_code: "SE" },
      note_attributes: [{ name: "org_nr", value: "556123-4567" }],
    }), settings);
    expect(result.ok && result.document.customer).toMatchObject({ key: "email:inkop@bolaget.se", type: "COMPANY", name: "Bolaget AB", orgNumber: "556123-4567" });
  });

  it("reports an unsupported VAT rate and a total that does not add up instead of guessing", () => {
    const result = mapOrderToInvoice(order({ total_price: "700.00", line_items: [
      { id: 1, sku: "X", title: "Odd", quantity: 1, price: "601.00", tax_lines: [{ rate: 0.19, price: "95.96" }] },
    ] }), settings);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.code).sort()).toEqual(["total_mismatch", "vat_rate_unsupported"]);
  });
});
