import { describe, expect, it } from "vitest";
import { articlePrice, articlesFromProduct, type ArticlePolicy } from "~/domain/product";

// Shopify's product as articles: the price both ways in whole öre, whatever the rate and whether
// the shop's prices include VAT; the shop's rate and account on every article.

describe("articlePrice", () => {
  it.each([
    ["199.00", 25, true, { net: 15_920, gross: 19_900 }],
    ["125.50", 25, true, { net: 10_040, gross: 12_550 }],
    ["349.00", 12, true, { net: 31_161, gross: 34_900 }], // 311.607… rounds up
    ["99.90", 6, true, { net: 9_425, gross: 9_990 }], // 94.245… rounds half away from zero
    ["0.01", 25, true, { net: 1, gross: 1 }],
    ["100.00", 0, true, { net: 10_000, gross: 10_000 }],
    ["159.20", 25, false, { net: 15_920, gross: 19_900 }],
    ["10.05", 12, false, { net: 1_005, gross: 1_126 }], // 11.256 → 11.26
  ] as const)("%s at %i %% (VAT included: %s)", (price, rate, included, expected) => {
    expect(articlePrice(price, rate, included)).toEqual(expected);
  });
});

describe("articlesFromProduct", () => {
  const product = {
    id: 1, admin_graphql_api_id: "gid://shopify/Product/1", title: "Bok",
    variants: [
      { id: 11, title: "Default Title", sku: "BOK-1", barcode: "9789100000001", price: "249.00", requires_shipping: true },
      { id: 12, title: "E-bok", sku: "BOK-1-E", price: "99.00", requires_shipping: false },
      { id: 13, title: "Ljudbok", sku: " ", price: "149.00" },
    ],
  };
  const policy: ArticlePolicy = { key: "sku", vatRate: 6, salesAccount: "3003", taxesIncluded: true };

  it("gives each keyed variant the shop's rate, account and price, and names the unkeyed", () => {
    const { articles, unkeyed } = articlesFromProduct(product, policy);
    expect(articles.map((a) => a.spec)).toEqual([
      { number: "BOK-1", description: "Bok", service: false, vatRate: 6, salesAccount: "3003", ean: "9789100000001", price: { net: 23_491, gross: 24_900 } },
      { number: "BOK-1-E", description: "Bok - E-bok", service: true, vatRate: 6, salesAccount: "3003", price: { net: 9_340, gross: 9_900 } },
    ]);
    expect(unkeyed).toEqual(["Bok - Ljudbok"]);
  });

  it("numbers the articles by the barcode when the EAN is the article key", () => {
    const { articles, unkeyed } = articlesFromProduct(product, { ...policy, key: "ean" });
    expect(articles.map((a) => a.spec.number)).toEqual(["9789100000001"]);
    expect(unkeyed).toEqual(["Bok - E-bok", "Bok - Ljudbok"]);
  });

  it("leaves prices out when the merchant keeps them in the accounting system", () => {
    expect(articlesFromProduct(product, { ...policy, taxesIncluded: null }).articles.every((a) => !("price" in a.spec))).toBe(true);
  });
});
