import { describe, expect, it } from "vitest";
import { mapOrderToInvoice } from "~/domain/mapping";
import { mappingSettingsSchema } from "~/domain/settings";
import { fixtureOrder, zeroRatedAbroad } from "../helpers/orders";
import { shopifyOrderSchema } from "~/domain/shopify-order";

const settings = mappingSettingsSchema.parse({});

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
      { kind: "item", articleNumber: "TS-RED-M", lineItemId: 1, description: "T-shirt - Röd / M", quantity: 2, unitPrice: 25000, discount: 5000, vatRate: 25, account: "3001" },
      { kind: "item", articleNumber: "SHOPIFY", generic: true, lineItemId: 2, description: "Bok", quantity: 1, unitPrice: 19900, discount: 0, vatRate: 6, account: "3003" },
      { kind: "shipping", articleNumber: "FRAKT", generic: true, description: "PostNord", quantity: 1, unitPrice: 4900, discount: 0, vatRate: 25, account: "3001" },
    ]);
    expect(doc.regime).toBe("domestic");
    expect(doc.vat).toBe(9000 + 1126 + 980);
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

  it("books consumers on one shared web-shop customer per currency when the shop chooses so, never companies", () => {
    const webshop = mappingSettingsSchema.parse({ privateCustomers: "webshop" });
    const consumer = mapOrderToInvoice(order(), webshop);
    expect(consumer.ok && consumer.document.customer).toEqual({ key: "webshop:SEK", type: "PRIVATE", name: "Webbkund", currency: "SEK", regime: "domestic" });
    const euro = mapOrderToInvoice(order({ currency: "EUR" }), webshop);
    expect(euro.ok && euro.document.customer.name).toBe("Webbkund EUR");
    const company = mapOrderToInvoice(order({ billing_address: { company: "Bolaget AB", country_code: "SE" } }), webshop);
    expect(company.ok && company.document.customer).toMatchObject({ key: "shopify:77", type: "COMPANY", name: "Bolaget AB" });
    // A Fortnox customer has one VAT type: consumers abroad share another web-shop customer.
    const abroad = mapOrderToInvoice(shopifyOrderSchema.parse(zeroRatedAbroad(fixtureOrder("simple-1001.json"), "NO")), webshop);
    expect(abroad.ok && abroad.document.customer).toMatchObject({ key: "webshop:SEK:export", name: "Webbkund export", regime: "export" });
  });

  it("sends only a Swedish organisation number, in Fortnox's format", () => {
    const withOrg = (value: string) => mapOrderToInvoice(order({ note_attributes: [{ name: "Organisationsnummer", value }] }), settings);
    expect(withOrg("5561234567").ok && (withOrg("5561234567") as any).document.customer.orgNumber).toBe("556123-4567");
    expect(withOrg("19800101 1234").ok && (withOrg("19800101 1234") as any).document.customer.orgNumber).toBe("19800101-1234");
    const foreign = withOrg("FI-2345678-9");
    expect(foreign.ok && foreign.document.customer).toMatchObject({ type: "COMPANY", orgNumber: undefined });
  });

  it("reports an unsupported VAT rate and a total that does not add up instead of guessing", () => {
    const result = mapOrderToInvoice(order({ total_price: "700.00", line_items: [
      { id: 1, sku: "X", title: "Odd", quantity: 1, price: "601.00", tax_lines: [{ rate: 0.19, price: "95.96" }] },
    ] }), settings);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.code).sort()).toEqual(["total_mismatch", "vat_rate_unsupported"]);
    // Every issue speaks to the merchant in English and Swedish.
    for (const i of result.issues) { expect(i.message.length).toBeGreaterThan(10); expect(i.messageSv.length).toBeGreaterThan(10); }
    expect(result.issues.find((i) => i.code === "vat_rate_unsupported")!.messageSv).toContain("svensk moms");
  });

  it("books prices without VAT as net rows whose sum plus Shopify's VAT is the total", () => {
    const result = mapOrderToInvoice(order({
      taxes_included: false, total_price: "872.50", total_tax: "174.50",
      line_items: [{ id: 1, sku: "TS", title: "T-shirt", quantity: 2, price: "200.00", tax_lines: [{ rate: 0.25, price: "100.00" }] },
        { id: 2, sku: "BOK", title: "Bok", quantity: 1, price: "250.00", tax_lines: [{ rate: 0.06, price: "15.00" }] }],
      shipping_lines: [{ title: "PostNord", price: "48.00", tax_lines: [{ rate: 0.25, price: "12.00" }] }],
    }), settings);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.document.pricesIncludeVat).toBe(false);
    expect(result.document.vat).toBe(17450);
    expect(result.document.total).toBe(87250);
  });
});

describe("VAT regimes", () => {
  const abroad = (country: string, extra: Record<string, unknown> = {}) => order({
    shipping_address: { country_code: country }, billing_address: { country_code: country, company: extra.company ?? null },
    ...extra,
  });
  const zeroRated = {
    total_price: "450.00", total_tax: "0.00",
    line_items: [{ id: 1, sku: "TS", title: "T-shirt", quantity: 2, price: "225.00", tax_lines: [] }],
    shipping_lines: [],
  };

  it("sells to consumers in another EU country under OSS at the rate Shopify charged, on the OSS account", () => {
    const result = mapOrderToInvoice(abroad("DE", {
      total_price: "476.00", total_tax: "76.00",
      line_items: [{ id: 1, sku: "TS", title: "T-shirt", quantity: 2, price: "238.00", tax_lines: [{ rate: 0.19, price: "76.00" }] }],
      shipping_lines: [],
    }), settings);
    expect(result.ok && result.document.regime).toBe("eu_oss");
    expect(result.ok && result.document.rows[0]).toMatchObject({ vatRate: 19, account: "3106" });
    expect(result.ok && result.document.customer.regime).toBe("eu_oss");
  });

  it("applies reverse charge to a company in Finland with a VAT number, at 0 % on 3108", () => {
    const result = mapOrderToInvoice(abroad("FI", { company: "Oy Ab", note_attributes: [{ name: "vat_number", value: "FI 1234 5678" }], ...zeroRated }), settings);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.document.regime).toBe("eu_reverse_charge");
    expect(result.document.customer).toMatchObject({ type: "COMPANY", vatNumber: "FI12345678" });
    expect(result.document.rows[0]).toMatchObject({ vatRate: 0, account: "3108" });
  });

  it("asks for the VAT number when a company abroad was charged no VAT without one", () => {
    const result = mapOrderToInvoice(abroad("FI", { company: "Oy Ab", ...zeroRated }), settings);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]).toMatchObject({ code: "vat_number_missing" });
    expect(!result.ok && result.issues[0].messageSv).toContain("momsregistreringsnummer");
  });

  it("exports outside the EU at 0 % on 3105", () => {
    const result = mapOrderToInvoice(abroad("NO", zeroRated), settings);
    expect(result.ok && result.document.regime).toBe("export");
    expect(result.ok && result.document.rows[0]).toMatchObject({ vatRate: 0, account: "3105" });
  });

  it("uses the merchant's accounts when set, and reports a rate that has none", () => {
    const custom = mappingSettingsSchema.parse({ accounts: { domestic: { "25": "3011" }, euOssByCountry: { DE: "3116" } } });
    const se = mapOrderToInvoice(order(), custom);
    expect(se.ok).toBe(false);
    expect(!se.ok && se.issues.map((i) => i.code)).toContain("account_missing"); // 6 % has no account in this setting
    const onlyTshirt = mapOrderToInvoice(order({ total_price: "499.00", line_items: [order().line_items[0]] }), custom);
    expect(onlyTshirt.ok && onlyTshirt.document.rows.map((r) => r.account)).toEqual(["3011", "3011"]);
  });
});
