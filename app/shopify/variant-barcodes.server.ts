import { z } from "zod";
import type { MappingSettings } from "~/domain/settings";
import type { ShopifyOrder } from "~/domain/shopify-order";
import { throttledRead } from "./throttled-graphql.server";

// Orders booked on articles numbered by EAN: Shopify's order payload has each line's variant but
// not its barcode, so the barcodes are read (one query per order) and put on the lines before
// mapping. Other shops pay nothing.

const answer = z.object({ nodes: z.array(z.object({ legacyResourceId: z.string().optional(), barcode: z.string().nullish() }).nullable()) });

export async function withBarcodes(shop: string, order: ShopifyOrder, settings: MappingSettings): Promise<ShopifyOrder> {
  if (settings.articleKey !== "ean") return order;
  const ids = [...new Set(order.line_items.map((l) => l.variant_id).filter((id): id is number => !!id))];
  if (!ids.length) return order;
  const data = await throttledRead(shop, "variantBarcodes", "query KonteraBarcodes($ids: [ID!]!) { nodes(ids: $ids) { ... on ProductVariant { legacyResourceId barcode } } }",
    { ids: ids.map((id) => `gid://shopify/ProductVariant/${id}`) }, answer);
  // A variant deleted since the order answers null: its line books on the default article.
  const barcodes = new Map(data.nodes.filter((n) => n?.legacyResourceId).map((n) => [Number(n!.legacyResourceId), n!.barcode ?? null]));
  return { ...order, line_items: order.line_items.map((l) => ({ ...l, barcode: l.variant_id ? (barcodes.get(l.variant_id) ?? null) : null })) };
}
