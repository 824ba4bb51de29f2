// The control API's catalog routes (no auth): products, customers, inventory and locations.
// Bodies are checked with zod; a bad one answers 400 with the offending path.
import { z } from "zod";
import {
  DEFAULT_LOCATION_ID,
  MAX_QUANTITY,
  addLocation,
  batchSchema,
  catalogOf,
  describeZodError,
  inventorySnapshot,
  markProductChanged,
  restCustomerSchema,
  restProductSchema,
  setQuantity,
  storeCustomer,
  storeProduct,
  type CatalogState,
} from "./catalog-store";
import type { JsonObject, SimState } from "./state";

export interface ControlAnswer {
  status: number;
  body: unknown;
  /** The shop and the products whose stock changed: the server sends products/update for each. */
  changed?: { shop: string; products: JsonObject[] };
}

const SHOP = z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be a <handle>.myshopify.com domain");
const productsBody = batchSchema("product", "products", restProductSchema);
const customersBody = batchSchema("customer", "customers", restCustomerSchema);
const gidOrNumber = (type: string) =>
  z.union([z.number().int().positive(), z.string().regex(new RegExp(`^gid://shopify/${type}/\\d+$`), `must be a gid://shopify/${type}/N`)]).transform((v) => (typeof v === "number" ? v : Number(v.split("/").pop())));
const itemTarget = {
  shop: SHOP,
  sku: z.string().min(1).optional(),
  inventoryItemId: gidOrNumber("InventoryItem").optional(),
  locationId: gidOrNumber("Location").optional(),
};
const oneTarget = (b: { sku?: string; inventoryItemId?: number }) => (b.sku === undefined) !== (b.inventoryItemId === undefined);
const quantity = z.number().int().min(-MAX_QUANTITY).max(MAX_QUANTITY);
const inventoryBody = z.strictObject({ ...itemTarget, available: quantity }).refine(oneTarget, { message: "give either sku or inventoryItemId" });
const adjustBody = z.strictObject({ ...itemTarget, delta: quantity }).refine(oneTarget, { message: "give either sku or inventoryItemId" });
const locationBody = z.strictObject({ shop: SHOP, name: z.string().min(1).max(100) });

const bad = (message: string): ControlAnswer => ({ status: 400, body: { error: message } });

function findItem(c: CatalogState, b: { sku?: string; inventoryItemId?: number }): number | null {
  if (b.inventoryItemId !== undefined) return c.levels.has(b.inventoryItemId) ? b.inventoryItemId : null;
  for (const [itemId, ref] of c.items) if (ref.variant.sku === b.sku) return itemId;
  return null;
}

/**
 * Answers a catalog control route, or null when `route` is none of them. `body` reads the JSON body
 * (only called for POST routes).
 */
export async function catalogControl(state: SimState, route: string, url: URL, body: () => Promise<JsonObject>): Promise<ControlAnswer | null> {
  switch (route) {
    case "POST /__sim/products":
    case "POST /__sim/customers": {
      const isProducts = route.endsWith("products");
      const parsed = (isProducts ? productsBody : customersBody).safeParse(await body());
      if (!parsed.success) return bad(describeZodError(parsed.error));
      const b = parsed.data as Record<string, unknown> & { shop: string };
      const shopParsed = SHOP.safeParse(b.shop);
      if (!shopParsed.success) return bad(`shop: ${shopParsed.error.issues[0]!.message}`);
      const list = (b[isProducts ? "products" : "customers"] ?? [b[isProducts ? "product" : "customer"]]) as JsonObject[];
      const shop = state.shop(b.shop);
      let stored = 0;
      // zod's output is a fresh copy of the parsed body: stored as it is, without another clone
      for (const item of list) if (isProducts ? storeProduct(shop, item, true) : storeCustomer(shop, item, true)) stored += 1;
      return { status: 200, body: { stored, stale: list.length - stored } };
    }
    case "GET /__sim/products":
    case "GET /__sim/customers": {
      const shop = SHOP.safeParse(url.searchParams.get("shop"));
      if (!shop.success) return bad(`shop: ${shop.error.issues[0]!.message}`);
      const c = catalogOf(state.shop(shop.data));
      return route.endsWith("products") ? { status: 200, body: { products: [...c.products.values()] } } : { status: 200, body: { customers: [...c.customers.values()] } };
    }
    case "GET /__sim/inventory": {
      const shop = SHOP.safeParse(url.searchParams.get("shop"));
      if (!shop.success) return bad(`shop: ${shop.error.issues[0]!.message}`);
      return { status: 200, body: inventorySnapshot(state.shop(shop.data)) };
    }
    case "POST /__sim/inventory":
    case "POST /__sim/inventory/adjust": {
      // The merchant's stock count, or a sale elsewhere: a change the app did not make.
      const isAdjust = route.endsWith("adjust");
      const parsed = (isAdjust ? adjustBody : inventoryBody).safeParse(await body());
      if (!parsed.success) return bad(describeZodError(parsed.error));
      const b = parsed.data as z.infer<typeof inventoryBody> & { delta?: number };
      const shop = state.shop(b.shop);
      const c = catalogOf(shop);
      const itemId = findItem(c, b);
      if (itemId === null) return { status: 404, body: { error: `unknown inventory item (${b.sku !== undefined ? `sku ${b.sku}` : `id ${b.inventoryItemId}`})` } };
      const locationId = b.locationId ?? DEFAULT_LOCATION_ID;
      const before = c.levels.get(itemId)!.get(locationId);
      if (before === undefined) return { status: 404, body: { error: `item ${itemId} is not stocked at location ${locationId}` } };
      const after = isAdjust ? before + b.delta! : b.available;
      const product = setQuantity(shop, itemId, locationId, after);
      const changed = new Set<string>();
      if (product) markProductChanged(product, changed);
      const level = { inventoryItemId: `gid://shopify/InventoryItem/${itemId}`, locationId: `gid://shopify/Location/${locationId}`, available: after, before };
      return { status: 200, body: { level }, changed: product ? { shop: b.shop, products: [product] } : undefined };
    }
    case "POST /__sim/locations": {
      const parsed = locationBody.safeParse(await body());
      if (!parsed.success) return bad(describeZodError(parsed.error));
      const loc = addLocation(state.shop(parsed.data.shop), parsed.data.name);
      return { status: 200, body: { location: { id: `gid://shopify/Location/${loc.id}`, name: loc.name } } };
    }
    default:
      return null;
  }
}
