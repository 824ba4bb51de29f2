import { createHash } from "node:crypto";
import { z } from "zod";
import { throttledRead } from "./throttled-graphql.server";

// Shopify's side of stock: the shop's locations, the available quantity of variants found by SKU
// at one location, and a compare-and-set write of a new available quantity (from API 2026-04
// every quantity names the one it replaces, and the mutation carries an idempotency key).

export interface Location { id: string; name: string }

export async function shopLocations(shop: string): Promise<Location[]> {
  const data = await throttledRead(shop, "locations", "{ locations(first: 50) { nodes { id name isActive } } }", {},
    z.object({ locations: z.object({ nodes: z.array(z.object({ id: z.string(), name: z.string(), isActive: z.boolean() })) }) }));
  return data.locations.nodes.filter((l) => l.isActive).map(({ id, name }) => ({ id, name }));
}

export interface VariantStock {
  inventoryItemId: string;
  /** null: the item is not stocked at the location. */
  available: number | null;
}

/** SKUs per query: a variant costs about 4 points, 50 of them about 200. */
const SKUS_PER_QUERY = 50;

const LEVELS_QUERY = `query KonteraStockLevels($q: String!, $location: ID!) {
  productVariants(first: ${SKUS_PER_QUERY * 2}, query: $q) {
    nodes { sku inventoryItem { id inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } } } }
  }
}`;
const levelsAnswer = z.object({
  productVariants: z.object({
    nodes: z.array(z.object({
      sku: z.string().nullable(),
      inventoryItem: z.object({
        id: z.string(),
        inventoryLevel: z.object({ quantities: z.array(z.object({ name: z.string(), quantity: z.number().int() })) }).nullable(),
      }),
    })),
  }),
});

/** Shopify's search quotes a value with spaces or quotes in it. */
const skuTerm = (sku: string) => `sku:${/^[^\s"'():]+$/.test(sku) ? sku : JSON.stringify(sku)}`;

/**
 * The variants whose SKU is one of `skus`, with their available quantity at `locationId`. An SKU
 * that two variants share is left out (`ambiguous`): one article's stock cannot be both.
 */
export async function stockBySku(shop: string, skus: string[], locationId: string): Promise<{ found: Map<string, VariantStock>; ambiguous: string[] }> {
  const found = new Map<string, VariantStock>();
  const ambiguous = new Set<string>();
  for (let i = 0; i < skus.length; i += SKUS_PER_QUERY) {
    const batch = skus.slice(i, i + SKUS_PER_QUERY);
    const wanted = new Set(batch);
    const data = await throttledRead(shop, "stockLevels", LEVELS_QUERY, { q: batch.map(skuTerm).join(" OR "), location: locationId }, levelsAnswer);
    for (const v of data.productVariants.nodes) {
      // Shopify's search matches SKUs without regard to case; an article number is exact.
      if (!v.sku || !wanted.has(v.sku)) continue;
      if (found.has(v.sku)) ambiguous.add(v.sku);
      const level = v.inventoryItem.inventoryLevel;
      found.set(v.sku, { inventoryItemId: v.inventoryItem.id, available: level ? (level.quantities.find((q) => q.name === "available")?.quantity ?? 0) : null });
    }
  }
  for (const sku of ambiguous) found.delete(sku);
  return { found, ambiguous: [...ambiguous] };
}

const SET_MUTATION = `mutation KonteraStockWrite($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) { userErrors { field message code } }
}`;
const setAnswer = z.object({
  inventorySetQuantities: z.object({ userErrors: z.array(z.object({ message: z.string(), code: z.string().nullable() })) }).nullable(),
});

export type StockWrite = "written" | "stale" | { refused: string };

/**
 * Sets the available quantity of one item at one location, only if it is still `from` (a sale
 * in between makes it stale, and nothing is written). The key is the write within its run
 * (`run`), so a retry of a write whose answer was lost is applied once, and the same change in
 * a later run is a write of its own.
 */
export async function setAvailable(shop: string, run: string, w: { inventoryItemId: string; locationId: string; from: number; to: number }): Promise<StockWrite> {
  const key = createHash("sha256").update(JSON.stringify(["kontera-stock", run, w.inventoryItemId, w.locationId, w.from, w.to])).digest("hex").slice(0, 40);
  const input = {
    name: "available", reason: "correction", referenceDocumentUri: "kontera://stock-sync",
    quantities: [{ inventoryItemId: w.inventoryItemId, locationId: w.locationId, quantity: w.to, changeFromQuantity: w.from }],
  };
  const data = await throttledRead(shop, "stockWrite", SET_MUTATION, { input, key }, setAnswer);
  const errors = data.inventorySetQuantities?.userErrors ?? [{ message: "Shopify did not answer the write", code: null }];
  if (!errors.length) return "written";
  if (errors.some((e) => e.code === "CHANGE_FROM_QUANTITY_STALE")) return "stale";
  return { refused: errors.map((e) => e.message).join("; ") };
}
