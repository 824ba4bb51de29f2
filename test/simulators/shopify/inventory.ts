// The Admin GraphQL slice for inventory: InventoryItem, InventoryLevel, Location, the locations
// root fields and the inventorySetQuantities mutation with its compare-and-swap and @idempotent rules:
//   API >= 2026-04: each quantity needs changeFromQuantity (null opts out), a mismatch is
//     CHANGE_FROM_QUANTITY_STALE; @idempotent(key:) is required.
//   API 2026-01: compareQuantity per quantity unless ignoreCompareQuantity, a mismatch is
//     COMPARE_QUANTITY_STALE (changeFromQuantity, when given, is checked as from 2026-04); @idempotent optional.
// Any user error and nothing is applied. A change bumps the product's updated_at and its variant's
// inventory_quantity; server.ts then sends products/update.
import type { AdminContext } from "./admin-schema";
import { parseGid } from "./admin-schema";
import {
  DEFAULT_LOCATION_ID,
  MAX_QUANTITY,
  catalogOf,
  markProductChanged,
  setQuantity,
  type CatalogState,
  type StoredLocation,
  type VariantRef,
} from "./catalog-store";
import { GqlFieldError, enumType, inputType, objectType, type FieldSpec, type ResolveInfo, type TypeDef } from "./gql-exec";
import { connectionArgs, connectionCost, listConnection } from "./order-detail-schema";
import { connectionTypes, sortedConnection } from "./search";
import { toUtcIso } from "./state";

/** The first API version where changeFromQuantity and @idempotent are mandatory. */
export const CAS_VERSION = "2026-04";
const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;
export const INVENTORY_REASONS = [
  "correction",
  "cycle_count_available",
  "damaged",
  "movement_canceled",
  "movement_created",
  "movement_received",
  "movement_updated",
  "other",
  "promotion",
  "quality_control",
  "received",
  "reservation_created",
  "reservation_deleted",
  "reservation_updated",
  "restock",
  "safety_stock",
  "shrinkage",
];
/** Quantity names InventoryLevel.quantities answers; only available and on_hand are nonzero here. */
const QUANTITY_NAMES = ["available", "committed", "damaged", "incoming", "on_hand", "quality_control", "reserved", "safety_stock"];

export interface ItemSource {
  kind: "InventoryItem";
  itemId: number;
  ref: VariantRef | null;
}
interface LevelSource {
  kind: "InventoryLevel";
  itemId: number;
  locationId: number;
}
interface LocationSource {
  kind: "Location";
  loc: StoredLocation;
}
interface ChangeSource {
  name: string;
  delta: number;
  quantityAfterChange: number;
  itemId: number;
  locationId: number;
}

const itemGid = (id: number) => `gid://shopify/InventoryItem/${id}`;
const locationGid = (id: number) => `gid://shopify/Location/${id}`;

export function inventoryItemSource(ctx: AdminContext, ref: VariantRef): ItemSource {
  const id = ref.variant.inventory_item_id;
  return { kind: "InventoryItem", itemId: typeof id === "number" ? id : Number(ref.variant.id), ref };
}

const itemSourceById = (c: CatalogState, itemId: number): ItemSource | null =>
  c.items.has(itemId) || c.levels.has(itemId) ? { kind: "InventoryItem", itemId, ref: c.items.get(itemId) ?? null } : null;

function numericGid(id: unknown, type: string): number | null {
  const g = typeof id === "string" ? parseGid(id) : null;
  return g && g.type === type && /^\d+$/.test(g.id) ? Number(g.id) : null;
}

type ScopeCheck = (ctx: AdminContext, scope: string, field: string) => void;
type ScopeTest = (ctx: AdminContext, scope: string) => boolean;

/** node(id:) for InventoryItem, InventoryLevel and Location; undefined = not an inventory type. */
export function inventoryNode(ctx: AdminContext, id: string, requireScope: ScopeCheck): unknown {
  const c = catalogOf(ctx.shop);
  const g = parseGid(id);
  if (g?.type === "InventoryItem") {
    // InventoryItem: read_inventory or read_products
    if (!ctx.scopes.has("read_inventory") && !ctx.scopes.has("write_inventory")) requireScope(ctx, "read_products", "node");
    const n = numericGid(id, "InventoryItem");
    return n === null ? null : itemSourceById(c, n);
  }
  if (g?.type === "Location") {
    requireScope(ctx, "read_locations", "node");
    const loc = c.locations.get(numericGid(id, "Location") ?? -1);
    return loc ? ({ kind: "Location", loc } satisfies LocationSource) : null;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// inventorySetQuantities

interface QuantityInput {
  inventoryItemId: string;
  locationId: string;
  quantity: number;
  changeFromQuantity?: number | null;
  compareQuantity?: number | null;
}
interface SetQuantitiesInput {
  name: string;
  reason: string;
  referenceDocumentUri?: string | null;
  ignoreCompareQuantity?: boolean | null;
  quantities: QuantityInput[];
}
type SetUserError = { field: string[] | null; message: string; code: string | null };

function setQuantities(ctx: AdminContext, input: SetQuantitiesInput, info: ResolveInfo, requireScope: ScopeCheck) {
  requireScope(ctx, "write_inventory", "inventorySetQuantities");
  const cas = (ctx.apiVersion ?? CAS_VERSION) >= CAS_VERSION;
  const key = (info.directives.idempotent?.key as string | undefined) ?? null;
  if (cas && key === null) {
    // ASSUMED wording: the docs say only that the call errors at runtime without the directive.
    throw new GqlFieldError("The @idempotent directive is required for this mutation.", { code: "BAD_REQUEST" });
  }
  const c = catalogOf(ctx.shop);
  const signature = JSON.stringify(input);
  if (key !== null) {
    const prior = c.idempotency.get(key);
    if (prior && Date.now() - prior.at < IDEMPOTENCY_WINDOW_MS) {
      if (prior.input === signature) return prior.result;
      return {
        inventoryAdjustmentGroup: null,
        userErrors: [{ field: null, code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH", message: "The same idempotency key cannot be used with different operation parameters." }],
      };
    }
  }
  const result = applySetQuantities(ctx, c, input, cas, key);
  if (key !== null) c.idempotency.set(key, { input: signature, at: Date.now(), result });
  return result;
}

function applySetQuantities(ctx: AdminContext, c: CatalogState, input: SetQuantitiesInput, cas: boolean, key: string | null) {
  const errors: SetUserError[] = [];
  if (input.name !== "available" && input.name !== "on_hand") {
    errors.push({ field: ["input", "name"], code: "INVALID_NAME", message: "The quantity name must be either 'available' or 'on_hand'." });
  }
  if (!INVENTORY_REASONS.includes(input.reason)) errors.push({ field: ["input", "reason"], code: "INVALID_REASON", message: "The specified reason is invalid." });
  const uri = input.referenceDocumentUri;
  if (uri != null && !/^[a-z][a-z0-9+.-]*:\/\/?\S+$/i.test(uri)) {
    errors.push({ field: ["input", "referenceDocumentUri"], code: "INVALID_REFERENCE_DOCUMENT", message: "The specified reference document is invalid." });
  }
  const plan: { itemId: number; locationId: number; quantity: number }[] = [];
  const seen = new Set<string>();
  input.quantities.forEach((q, i) => {
    const f = (name: string) => ["input", "quantities", String(i), name];
    const itemId = numericGid(q.inventoryItemId, "InventoryItem");
    const locationId = numericGid(q.locationId, "Location");
    const levels = itemId === null ? undefined : c.levels.get(itemId);
    if (!levels) return errors.push({ field: f("inventoryItemId"), code: "INVALID_INVENTORY_ITEM", message: "The specified inventory item could not be found." });
    if (locationId === null || !c.locations.has(locationId)) return errors.push({ field: f("locationId"), code: "INVALID_LOCATION", message: "The specified location could not be found." });
    if (!levels.has(locationId)) return errors.push({ field: f("locationId"), code: "ITEM_NOT_STOCKED_AT_LOCATION", message: "The specified inventory item is not stocked at the location." });
    const pair = `${itemId}/${locationId}`;
    if (seen.has(pair)) {
      return errors.push({ field: f("inventoryItemId"), code: "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR", message: "The combination of inventoryItemId and locationId must be unique." });
    }
    seen.add(pair);
    if (q.quantity > MAX_QUANTITY) return errors.push({ field: f("quantity"), code: "INVALID_QUANTITY_TOO_HIGH", message: "The total quantity can't be higher than 1,000,000,000." });
    if (q.quantity < -MAX_QUANTITY) return errors.push({ field: f("quantity"), code: "INVALID_QUANTITY_TOO_LOW", message: "The total quantity can't be lower than -1,000,000,000." });
    const current = levels.get(locationId)!;
    const hasChangeFrom = Object.prototype.hasOwnProperty.call(q, "changeFromQuantity");
    if (cas && !hasChangeFrom) {
      // ASSUMED: the docs name no code for an omitted changeFromQuantity, only that it errors.
      return errors.push({ field: f("changeFromQuantity"), code: null, message: "changeFromQuantity must be given for each quantity; pass null to skip the check." });
    }
    if (hasChangeFrom) {
      if (q.changeFromQuantity !== null && q.changeFromQuantity !== current) {
        return errors.push({ field: f("changeFromQuantity"), code: "CHANGE_FROM_QUANTITY_STALE", message: "The changeFromQuantity value does not match persisted value." });
      }
    } else if (input.ignoreCompareQuantity !== true) {
      if (q.compareQuantity == null) {
        return errors.push({ field: f("compareQuantity"), code: "COMPARE_QUANTITY_REQUIRED", message: "The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity." });
      }
      if (q.compareQuantity !== current) return errors.push({ field: f("compareQuantity"), code: "COMPARE_QUANTITY_STALE", message: "The compareQuantity value does not match persisted value." });
    }
    plan.push({ itemId: itemId!, locationId, quantity: q.quantity });
  });
  if (errors.length) return { inventoryAdjustmentGroup: null, userErrors: errors };

  const changes: ChangeSource[] = [];
  const changed = (ctx.changedProducts ??= new Set());
  for (const p of plan) {
    const before = c.levels.get(p.itemId)!.get(p.locationId)!;
    const product = setQuantity(ctx.shop, p.itemId, p.locationId, p.quantity);
    if (product) markProductChanged(product, changed);
    if (p.quantity === before) continue;
    // available = on_hand in this model (nothing committed), so both move together.
    for (const name of ["available", "on_hand"]) changes.push({ name, delta: p.quantity - before, quantityAfterChange: p.quantity, itemId: p.itemId, locationId: p.locationId });
  }
  const at = new Date().toISOString();
  c.adjustmentGroups += 1;
  c.writes.push({
    at,
    idempotencyKey: key,
    reason: input.reason,
    referenceDocumentUri: uri ?? null,
    changes: changes.map((ch) => ({ inventoryItemId: itemGid(ch.itemId), locationId: locationGid(ch.locationId), name: ch.name, delta: ch.delta, quantityAfterChange: ch.quantityAfterChange })),
  });
  const group = {
    id: `gid://shopify/InventoryAdjustmentGroup/${90_000_000 + c.adjustmentGroups}`,
    createdAt: toUtcIso(at),
    reason: input.reason,
    referenceDocumentUri: uri ?? null,
    changes,
  };
  return { inventoryAdjustmentGroup: group, userErrors: [] };
}

// ---------------------------------------------------------------------------------------------
// schema

export function inventoryRootFields(requireScope: ScopeCheck): Record<string, FieldSpec<AdminContext>> {
  return {
    locations: {
      type: "LocationConnection!",
      args: { first: "Int", last: "Int", after: "String", before: "String", reverse: { type: "Boolean", defaultValue: false }, includeInactive: { type: "Boolean", defaultValue: false } },
      resolve: (_s, args, ctx) => {
        requireScope(ctx, "read_locations", "locations");
        const locs = [...catalogOf(ctx.shop).locations.values()].filter((l) => l.isActive || args.includeInactive);
        const conn = sortedConnection(locs, (l) => ({ v: l.id, id: l.id }), args, ctx);
        const edges = conn.edges.map((e) => ({ cursor: e.cursor, node: { kind: "Location", loc: e.node } satisfies LocationSource }));
        return { edges, nodes: edges.map((e) => e.node), pageInfo: conn.pageInfo };
      },
      staticCost: (args, child) => 2 + Number(args.first ?? args.last ?? 0) * Math.max(1, child),
    },
    location: {
      type: "Location",
      args: { id: "ID" },
      resolve: (_s, args, ctx) => {
        requireScope(ctx, "read_locations", "location");
        const loc = catalogOf(ctx.shop).locations.get(args.id == null ? DEFAULT_LOCATION_ID : (numericGid(args.id, "Location") ?? -1));
        return loc ? ({ kind: "Location", loc } satisfies LocationSource) : null;
      },
    },
  };
}

export function inventoryMutationFields(requireScope: ScopeCheck): Record<string, FieldSpec<AdminContext>> {
  return {
    inventorySetQuantities: {
      type: "InventorySetQuantitiesPayload",
      args: { input: "InventorySetQuantitiesInput!" },
      flatCost: 10,
      resolve: (_s, args, ctx, info) => setQuantities(ctx, args.input as SetQuantitiesInput, info, requireScope),
    },
  };
}

export function inventoryTypes(version: string, hasScope: ScopeTest, requireScope: ScopeCheck): TypeDef<AdminContext>[] {
  const cas = version >= CAS_VERSION;
  const item = <T>(fn: (s: ItemSource) => T) => fn;
  const levelsOf = (ctx: AdminContext, itemId: number) => catalogOf(ctx.shop).levels.get(itemId) ?? new Map<number, number>();
  const locationField = (field: string) => (s: LocationSource, _a: unknown, ctx: AdminContext) => {
    requireScope(ctx, "read_locations", field);
    return s.loc;
  };
  return [
    objectType<AdminContext>(
      "InventoryItem",
      {
        id: { type: "ID!", resolve: item((s) => itemGid(s.itemId)) },
        legacyResourceId: { type: "UnsignedInt64!", resolve: item((s) => String(s.itemId)) },
        sku: { type: "String", resolve: item((s) => s.ref?.variant.sku ?? null) },
        tracked: { type: "Boolean!", resolve: item((s) => s.ref?.variant.inventory_management !== null) },
        requiresShipping: { type: "Boolean!", resolve: item((s) => s.ref?.variant.requires_shipping !== false) },
        inventoryLevel: {
          type: "InventoryLevel",
          args: { locationId: "ID!" },
          resolve: (s: ItemSource, args, ctx) => {
            requireScope(ctx, "read_inventory", "inventoryLevel");
            const locationId = numericGid(args.locationId, "Location");
            return locationId !== null && levelsOf(ctx, s.itemId).has(locationId) ? ({ kind: "InventoryLevel", itemId: s.itemId, locationId } satisfies LevelSource) : null;
          },
        },
        inventoryLevels: {
          type: "InventoryLevelConnection!",
          args: connectionArgs,
          resolve: (s: ItemSource, args, ctx) => {
            requireScope(ctx, "read_inventory", "inventoryLevels");
            const levels = [...levelsOf(ctx, s.itemId).keys()].map((locationId): LevelSource => ({ kind: "InventoryLevel", itemId: s.itemId, locationId }));
            return listConnection(levels, args, ctx, "inventoryLevels");
          },
          staticCost: connectionCost,
        },
      },
      ["Node"],
    ),
    ...connectionTypes("InventoryLevel"),
    objectType<AdminContext>(
      "InventoryLevel",
      {
        id: { type: "ID!", resolve: (s: LevelSource) => `gid://shopify/InventoryLevel/${s.locationId}?inventory_item_id=${s.itemId}` },
        item: { type: "InventoryItem!", resolve: (s: LevelSource, _a, ctx) => itemSourceById(catalogOf(ctx.shop), s.itemId) },
        location: { type: "Location!", resolve: (s: LevelSource, _a, ctx) => ({ kind: "Location", loc: catalogOf(ctx.shop).locations.get(s.locationId) }) },
        quantities: {
          type: "[InventoryQuantity!]!",
          args: { names: "[String!]!" },
          resolve: (s: LevelSource, args, ctx) =>
            (args.names as string[]).map((name) => {
              if (!QUANTITY_NAMES.includes(name)) throw new GqlFieldError(`Invalid quantity name: ${name}`, { code: "BAD_REQUEST" });
              const available = levelsOf(ctx, s.itemId).get(s.locationId) ?? 0;
              return { name, quantity: name === "available" || name === "on_hand" ? available : 0 };
            }),
        },
      },
      ["Node"],
    ),
    objectType<AdminContext>("InventoryQuantity", { name: "String!", quantity: "Int!" }),
    objectType<AdminContext>(
      "Location",
      {
        // id needs read_inventory or read_locations; every other field read_locations (Shopify, since 2024-07).
        id: {
          type: "ID!",
          resolve: (s: LocationSource, _a, ctx) => {
            if (!hasScope(ctx, "read_inventory")) requireScope(ctx, "read_locations", "id");
            return locationGid(s.loc.id);
          },
        },
        legacyResourceId: { type: "UnsignedInt64!", resolve: (s: LocationSource, a, ctx) => String(locationField("legacyResourceId")(s, a, ctx).id) },
        name: { type: "String!", resolve: (s: LocationSource, a, ctx) => locationField("name")(s, a, ctx).name },
        isActive: { type: "Boolean!", resolve: (s: LocationSource, a, ctx) => locationField("isActive")(s, a, ctx).isActive },
      },
      ["Node"],
    ),
    ...connectionTypes("Location"),
    objectType<AdminContext>("InventoryAdjustmentGroup", {
      id: "ID!",
      createdAt: "DateTime!",
      reason: "String!",
      referenceDocumentUri: "String",
      changes: {
        type: "[InventoryChange!]!",
        args: { inventoryItemIds: "[ID!]", locationIds: "[ID!]", quantityNames: "[String!]" },
        resolve: (g: { changes: ChangeSource[] }, args) =>
          g.changes.filter(
            (ch) =>
              (!args.inventoryItemIds || (args.inventoryItemIds as string[]).includes(itemGid(ch.itemId))) &&
              (!args.locationIds || (args.locationIds as string[]).includes(locationGid(ch.locationId))) &&
              (!args.quantityNames || (args.quantityNames as string[]).includes(ch.name)),
          ),
      },
    }),
    objectType<AdminContext>("InventoryChange", {
      name: "String!",
      delta: "Int!",
      quantityAfterChange: "Int",
      item: { type: "InventoryItem", resolve: (ch: ChangeSource, _a, ctx) => itemSourceById(catalogOf(ctx.shop), ch.itemId) },
      location: { type: "Location", resolve: (ch: ChangeSource, _a, ctx) => ({ kind: "Location", loc: catalogOf(ctx.shop).locations.get(ch.locationId) }) },
    }),
    objectType<AdminContext>("InventorySetQuantitiesPayload", { inventoryAdjustmentGroup: "InventoryAdjustmentGroup", userErrors: "[InventorySetQuantitiesUserError!]!" }),
    objectType<AdminContext>("InventorySetQuantitiesUserError", { field: "[String!]", message: "String!", code: "InventorySetQuantitiesUserErrorCode" }),
    enumType("InventorySetQuantitiesUserErrorCode", [
      "CHANGE_FROM_QUANTITY_STALE",
      "COMPARE_QUANTITY_REQUIRED",
      "COMPARE_QUANTITY_STALE",
      "IDEMPOTENCY_CONCURRENT_REQUEST",
      "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
      "INVALID_INVENTORY_ITEM",
      "INVALID_LOCATION",
      "INVALID_NAME",
      "INVALID_QUANTITY_NEGATIVE",
      "INVALID_QUANTITY_TOO_HIGH",
      "INVALID_QUANTITY_TOO_LOW",
      "INVALID_REASON",
      "INVALID_REFERENCE_DOCUMENT",
      "ITEM_NOT_STOCKED_AT_LOCATION",
      "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
      "NON_MUTABLE_INVENTORY_ITEM",
    ]),
    // The input as each API version has it: compareQuantity / ignoreCompareQuantity are gone from 2026-04.
    cas
      ? inputType("InventorySetQuantitiesInput", { name: "String!", reason: "String!", referenceDocumentUri: "String", quantities: "[InventoryQuantityInput!]!" })
      : inputType("InventorySetQuantitiesInput", { name: "String!", reason: "String!", referenceDocumentUri: "String", ignoreCompareQuantity: "Boolean", quantities: "[InventoryQuantityInput!]!" }),
    cas
      ? inputType("InventoryQuantityInput", { inventoryItemId: "ID!", locationId: "ID!", quantity: "Int!", changeFromQuantity: "Int" })
      : inputType("InventoryQuantityInput", { inventoryItemId: "ID!", locationId: "ID!", quantity: "Int!", changeFromQuantity: "Int", compareQuantity: "Int" }),
  ];
}
