import { z } from "zod";
import type { ArticleSpec } from "~/connectors/types";
import { clean } from "./mapping";

// A Shopify product (the products/create and products/update payload) as the articles Kontera
// keeps in step with it: one per variant, numbered by its SKU, the key orders are booked by, so
// an article synced here and one an order needs are the same article.

const variant = z.object({
  id: z.number().int().positive(),
  title: z.string().nullish(),
  sku: z.string().nullish(),
  barcode: z.string().nullish(),
  requires_shipping: z.boolean().nullish(),
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
  /** Variants without an SKU: no article can be numbered for them. */
  unkeyed: string[];
}

export function articlesFromProduct(p: ShopifyProduct): ProductArticles {
  const out: ProductArticles = { articles: [], unkeyed: [] };
  for (const v of p.variants) {
    const title = clean(v.title) && v.title !== "Default Title" ? `${p.title} - ${v.title}` : p.title;
    const sku = clean(v.sku);
    if (!sku) { out.unkeyed.push(title); continue; }
    const ean = clean(v.barcode);
    // A variant that ships is goods; one that does not (a service, a download) is a service.
    out.articles.push({ variantId: v.id, spec: { number: sku, description: title, service: v.requires_shipping === false, ...(ean ? { ean } : {}) } });
  }
  return out;
}
