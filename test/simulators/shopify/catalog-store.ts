// Products, customers and inventory per shop: what the simulated store holds of its catalog.
// Products and customers are REST webhook payloads (as last sent, or as the platform changed
// them); inventory is a quantity per (inventory item, location). Kept beside ShopState (a WeakMap
// keyed by it), so a reset that drops the shops drops the catalog too.
import { z } from "zod";
import { bumpUpdatedAt, type JsonObject, type ShopState } from "./state";

export const DEFAULT_LOCATION_ID = 1;
/** Shopify's bounds for an inventory quantity. */
export const MAX_QUANTITY = 1_000_000_000;

export interface StoredLocation {
  id: number;
  name: string;
  isActive: boolean;
}

/** One variant's place in the catalog: its product and itself (both the stored REST objects). */
export interface VariantRef {
  product: JsonObject;
  variant: JsonObject;
}

export interface InventoryChange {
  inventoryItemId: string;
  locationId: string;
  name: string;
  delta: number;
  quantityAfterChange: number;
}

export interface InventoryWrite {
  at: string;
  idempotencyKey: string | null;
  reason: string;
  referenceDocumentUri: string | null;
  changes: InventoryChange[];
}

export interface CatalogState {
  /** product gid -> REST product payload */
  products: Map<string, JsonObject>;
  /** customer gid -> REST customer payload */
  customers: Map<string, JsonObject>;
  /** variant id -> its product and variant */
  variants: Map<number, VariantRef>;
  /** inventory item id -> the variant it belongs to */
  items: Map<number, VariantRef>;
  locations: Map<number, StoredLocation>;
  /** inventory item id -> location id -> available (= on_hand; nothing is committed in this model) */
  levels: Map<number, Map<number, number>>;
  /** the app's inventorySetQuantities writes */
  writes: InventoryWrite[];
  /** @idempotent keys: the input they were first used with and the answer then given */
  idempotency: Map<string, { input: string; at: number; result: unknown }>;
  adjustmentGroups: number;
}

const catalogs = new WeakMap<ShopState, CatalogState>();

export function catalogOf(shop: ShopState): CatalogState {
  let c = catalogs.get(shop);
  if (!c) {
    c = {
      products: new Map(),
      customers: new Map(),
      variants: new Map(),
      items: new Map(),
      locations: new Map([[DEFAULT_LOCATION_ID, { id: DEFAULT_LOCATION_ID, name: "Shop location", isActive: true }]]),
      levels: new Map(),
      writes: [],
      idempotency: new Map(),
      adjustmentGroups: 0,
    };
    catalogs.set(shop, c);
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// payload shapes (what the simulator needs of Shopify's REST payloads; other fields are kept as sent)

const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO timestamp");
const decimal = z.string().regex(/^-?\d+(\.\d{1,2})?$/, "must be a decimal string like \"123.00\"");

export const restVariantSchema = z.looseObject({
  id: z.number().int().positive(),
  sku: z.string().nullish(),
  barcode: z.string().nullish(),
  price: decimal,
  compare_at_price: decimal.nullish(),
  inventory_item_id: z.number().int().positive().nullish(),
  inventory_quantity: z.number().int().nullish(),
});

export const restProductSchema = z.looseObject({
  id: z.number().int().positive(),
  admin_graphql_api_id: z.string().regex(/^gid:\/\/shopify\/Product\/\d+$/),
  title: z.string(),
  created_at: timestamp.nullish(),
  updated_at: timestamp.nullish(),
  variants: z.array(restVariantSchema).max(2048),
});

export const restCustomerSchema = z.looseObject({
  id: z.number().int().positive(),
  admin_graphql_api_id: z.string().regex(/^gid:\/\/shopify\/Customer\/\d+$/),
  email: z.string().nullish(),
  created_at: timestamp.nullish(),
  updated_at: timestamp.nullish(),
});

/** `{shop, product}` or `{shop, products: [...]}` (and the same for customers), checked by the control routes. */
export function batchSchema<T extends z.ZodType>(one: string, many: string, item: T) {
  return z
    .strictObject({ shop: z.string(), [one]: item.optional(), [many]: z.array(item).max(20_000).optional() })
    .refine((b) => (b[one] === undefined) !== (b[many] === undefined), { message: `give either ${one} or ${many}` });
}

/** The first problem zod found, with its path ("products.3.variants.0.price: ..."). */
export function describeZodError(e: z.ZodError): string {
  const issue = e.issues[0]!;
  return `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`;
}

// ---------------------------------------------------------------------------------------------
// storing

const isStale = (existing: JsonObject | undefined, incoming: JsonObject): boolean => {
  if (!existing) return false;
  const a = Date.parse(String(incoming.updated_at ?? ""));
  const b = Date.parse(String(existing.updated_at ?? ""));
  return !Number.isNaN(a) && !Number.isNaN(b) && a < b;
};

export function totalAvailable(c: CatalogState, itemId: number): number {
  let sum = 0;
  for (const q of c.levels.get(itemId)?.values() ?? []) sum += q;
  return sum;
}

/**
 * Stores a product payload unless it is older than what is stored. Its variants' inventory items
 * become known; a new item is stocked at every location, with the variant's `inventory_quantity`
 * at the default location. A later payload whose `inventory_quantity` differs from the item's total
 * moves the default location by the difference (the merchant changed stock in the admin).
 * `owned`: the payload is the caller's to give away (a freshly parsed body), so it is not copied.
 */
export function storeProduct(shop: ShopState, payload: JsonObject, owned = false): boolean {
  const c = catalogOf(shop);
  const gid = String(payload.admin_graphql_api_id);
  const existing = c.products.get(gid);
  if (isStale(existing, payload)) return false;
  if (existing) unindexProduct(c, existing);
  const product = owned ? payload : structuredClone(payload);
  c.products.set(gid, product);
  for (const variant of (product.variants as JsonObject[]) ?? []) {
    const ref = { product, variant };
    c.variants.set(Number(variant.id), ref);
    const itemId = variant.inventory_item_id;
    if (typeof itemId !== "number") continue;
    c.items.set(itemId, ref);
    const wanted = typeof variant.inventory_quantity === "number" ? variant.inventory_quantity : 0;
    let levels = c.levels.get(itemId);
    if (!levels) {
      levels = new Map([...c.locations.keys()].map((l) => [l, l === DEFAULT_LOCATION_ID ? wanted : 0]));
      c.levels.set(itemId, levels);
    } else {
      const diff = wanted - totalAvailable(c, itemId);
      if (diff !== 0) levels.set(DEFAULT_LOCATION_ID, (levels.get(DEFAULT_LOCATION_ID) ?? 0) + diff);
    }
  }
  return true;
}

function unindexProduct(c: CatalogState, product: JsonObject): void {
  for (const v of (product.variants as JsonObject[]) ?? []) {
    c.variants.delete(Number(v.id));
    if (typeof v.inventory_item_id === "number") c.items.delete(v.inventory_item_id);
  }
}

export function deleteProduct(shop: ShopState, id: unknown): void {
  const c = catalogOf(shop);
  const gid = `gid://shopify/Product/${String(id)}`;
  const existing = c.products.get(gid);
  if (!existing) return;
  unindexProduct(c, existing);
  for (const v of (existing.variants as JsonObject[]) ?? []) if (typeof v.inventory_item_id === "number") c.levels.delete(v.inventory_item_id);
  c.products.delete(gid);
}

export function storeCustomer(shop: ShopState, payload: JsonObject, owned = false): boolean {
  const c = catalogOf(shop);
  const gid = String(payload.admin_graphql_api_id);
  if (isStale(c.customers.get(gid), payload)) return false;
  c.customers.set(gid, owned ? payload : structuredClone(payload));
  return true;
}

export function deleteCustomer(shop: ShopState, id: unknown): void {
  catalogOf(shop).customers.delete(`gid://shopify/Customer/${String(id)}`);
}

/** What a products/* or customers/* webhook sent through the control API does to the store. */
export function applyCatalogWebhook(shop: ShopState, topic: string, payload: JsonObject): void {
  if (topic === "products/delete") return deleteProduct(shop, payload.id);
  if (topic === "customers/delete") return deleteCustomer(shop, payload.id);
  if (topic === "products/create" || topic === "products/update") {
    const p = restProductSchema.safeParse(payload);
    if (p.success) storeProduct(shop, payload);
  } else if (topic === "customers/create" || topic === "customers/update" || topic === "customers/enable" || topic === "customers/disable") {
    const p = restCustomerSchema.safeParse(payload);
    if (p.success) storeCustomer(shop, payload);
  }
}

// ---------------------------------------------------------------------------------------------
// inventory

export function addLocation(shop: ShopState, name: string): StoredLocation {
  const c = catalogOf(shop);
  const id = Math.max(...c.locations.keys()) + 1;
  const loc = { id, name, isActive: true };
  c.locations.set(id, loc);
  for (const levels of c.levels.values()) levels.set(id, 0);
  return loc;
}

/**
 * Sets an item's quantity at a location and mirrors it onto its variant's `inventory_quantity`
 * (the total over locations), bumping the product's `updated_at` as Shopify does. Returns the
 * product whose payload changed, or null when nothing changed.
 */
export function setQuantity(shop: ShopState, itemId: number, locationId: number, quantity: number): JsonObject | null {
  const c = catalogOf(shop);
  const levels = c.levels.get(itemId);
  const ref = c.items.get(itemId);
  if (!levels || !ref || !levels.has(locationId) || levels.get(locationId) === quantity) return null;
  levels.set(locationId, quantity);
  ref.variant.inventory_quantity = totalAvailable(c, itemId);
  return ref.product;
}

/** Bumps a changed product's `updated_at` once per request (or control call) and records its gid. */
export function markProductChanged(product: JsonObject, changed: Set<string>): void {
  const gid = String(product.admin_graphql_api_id);
  if (!changed.has(gid)) bumpUpdatedAt(product);
  changed.add(gid);
}

export function inventorySnapshot(shop: ShopState) {
  const c = catalogOf(shop);
  const levels: { inventoryItemId: string; sku: string | null; locationId: string; available: number }[] = [];
  for (const [itemId, byLocation] of c.levels) {
    const sku = (c.items.get(itemId)?.variant.sku as string | null | undefined) ?? null;
    for (const [locationId, available] of byLocation) {
      levels.push({ inventoryItemId: `gid://shopify/InventoryItem/${itemId}`, sku, locationId: `gid://shopify/Location/${locationId}`, available });
    }
  }
  return { levels, writes: c.writes, locations: [...c.locations.values()].map((l) => ({ id: `gid://shopify/Location/${l.id}`, name: l.name })) };
}
