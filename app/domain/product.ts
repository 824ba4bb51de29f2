import { z } from "zod";
import type { ArticleSpec } from "~/connectors/types";
import { clean } from "./mapping";
import { isDecimal, roundDiv, toMinor } from "./money";

// A Shopify product (the products/create and products/update payload) as the articles Kontera
// keeps in step with it: one per variant, numbered by its SKU or its EAN (the shop's article
// key, which orders are booked by), so an article synced here and one an order needs are the same.

const variant = z.object({
  id: z.number().int().positive(),
  title: z.string().nullish(),
  sku: z.string().nullish(),
  barcode: z.string().nullish(),
  requires_shipping: z.boolean().nullish(),
  /** In the shop's currency, including VAT when the shop's prices do (Shopify's taxes_included). */
  price: z.string().refine(isDecimal, "a decimal amount").nullish(),
});

export const shopifyProductSchema = z.object({
  id: z.number().int().positive(),
  admin_graphql_api_id: z.string().regex(/^gid:\/\/shopify\/Product\/\d+$/),
  title: z.string(),
  updated_at: z.string().nullish(),
  variants: z.array(variant).max(2048),
});
export type ShopifyProduct = z.infer<typeof shopifyProductSchema>;

/** products/delete carries the id alone. */
export const deletedProductSchema = z.object({ id: z.number().int().positive() });

export const productGid = (id: number) => `gid://shopify/Product/${id}`;

/** Where a variant's article is remembered (EntityMap kind "variant"): under its product, so a deletion finds them all. */
export const variantKey = (productId: number, variantId: number) => `${productGid(productId)}/${variantId}`;

export interface ProductArticles {
  articles: { variantId: number; spec: ArticleSpec }[];
  /** Variants without the key (SKU or EAN): no article can be numbered for them. */
  unkeyed: string[];
}

/** How the shop's products become articles beyond their own fields (the shop's settings and Shopify's). */
export interface ArticlePolicy {
  /** What numbers the article: the variant's SKU or its barcode (EAN), as orders are booked. */
  key: "sku" | "ean";
  /** The Swedish rate (percent) the products sell at, and the sales account for it. */
  vatRate: number;
  salesAccount: string;
  /** Whether Shopify's prices include VAT; null = prices are not written. */
  taxesIncluded: boolean | null;
}

/** A variant's price both ways, in öre: the accounting systems round the part they derive the same way. */
export function articlePrice(price: string, vatRate: number, taxesIncluded: boolean): { net: number; gross: number } {
  const minor = toMinor(price);
  return taxesIncluded
    ? { net: roundDiv(minor * 100, 100 + vatRate), gross: minor }
    : { net: minor, gross: minor + roundDiv(minor * vatRate, 100) };
}

export function articlesFromProduct(p: ShopifyProduct, policy: ArticlePolicy): ProductArticles {
  const out: ProductArticles = { articles: [], unkeyed: [] };
  for (const v of p.variants) {
    const title = clean(v.title) && v.title !== "Default Title" ? `${p.title} - ${v.title}` : p.title;
    const ean = clean(v.barcode);
    const number = policy.key === "ean" ? ean : clean(v.sku);
    if (!number) { out.unkeyed.push(title); continue; }
    const price = policy.taxesIncluded !== null && v.price ? articlePrice(v.price, policy.vatRate, policy.taxesIncluded) : undefined;
    out.articles.push({
      variantId: v.id,
      spec: {
        number, description: title,
        // A variant that ships is goods; one that does not (a service, a download) is a service.
        service: v.requires_shipping === false,
        vatRate: policy.vatRate, salesAccount: policy.salesAccount,
        ...(ean ? { ean } : {}), ...(price ? { price } : {}),
      },
    });
  }
  return out;
}
