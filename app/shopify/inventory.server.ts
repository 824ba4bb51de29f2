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
  variantId: number;
  inventoryItemId: string;
  /** null: the item is not stocked at the location. */
  available: number | null;
}

/** Keys per query: a variant costs about 4 points, 50 of them about 200. */
const KEYS_PER_QUERY = 50;

const LEVELS_QUERY = `query KonteraStockLevels($q: String!, $location: ID!) {
  productVariants(first: ${KEYS_PER_QUERY * 2}, query: $q) {
    nodes { legacyResourceId sku barcode inventoryItem { id inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } } } }
  }
}`;
const levelsAnswer = z.object({
  productVariants: z.object({
    nodes: z.array(z.object({
      legacyResourceId: z.string().regex(/^\d+$/).transform(Number),
      sku: z.string().nullable(),
      barcode: z.string().nullable(),
      inventoryItem: z.object({
        id: z.string(),
        inventoryLevel: z.object({ quantities: z.array(z.object({ name: z.string(), quantity: z.number().int() })) }).nullable(),
      }),
    })),
  }),
});

/** Shopify's search quotes a value with spaces or quotes in it. */
const term = (field: string, value: string) => `${field}:${/^[^\s"'():]+$/.test(value) ? value : JSON.stringify(value)}`;

/**
 * The variants whose article key (SKU, or barcode for the EAN) is one of `keys`, with their
 * available quantity at `locationId`. A key that two variants share is left out: one article's
 * stock cannot be both.
 */
export async function stockByKey(shop: string, key: "sku" | "ean", keys: string[], locationId: string): Promise<Map<string, VariantStock>> {
  const field = key === "ean" ? "barcode" : "sku";
  const found = new Map<string, VariantStock>();
  const ambiguous = new Set<string>();
  for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
    const batch = keys.slice(i, i + KEYS_PER_QUERY);
    const wanted = new Set(batch);
    const data = await throttledRead(shop, "stockLevels", LEVELS_QUERY, { q: batch.map((k) => term(field, k)).join(" OR "), location: locationId }, levelsAnswer);
    for (const v of data.productVariants.nodes) {
      // Shopify's search matches without regard to case; an article number is exact.
      const value = v[field];
      if (!value || !wanted.has(value)) continue;
      if (found.has(value)) ambiguous.add(value);
      const level = v.inventoryItem.inventoryLevel;
      found.set(value, { variantId: v.legacyResourceId, inventoryItemId: v.inventoryItem.id, available: level ? (level.quantities.find((q) => q.name === "available")?.quantity ?? 0) : null });
    }
  }
  for (const k of ambiguous) found.delete(k);
  return found;
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
