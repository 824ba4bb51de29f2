// The Admin GraphQL slice for the catalog: products and their variants, customers, their root
// connections and counts, projected from the stored REST payloads (catalog-store.ts).
import type { AdminContext } from "./admin-schema";
import { catalogOf, type VariantRef } from "./catalog-store";
import { enumType, objectType, type FieldSpec, type TypeDef } from "./gql-exec";
import { inventoryItemSource } from "./inventory";
import { connectionArgs, connectionCost, listConnection } from "./order-detail-schema";
import { compareOp, connectionTypes, countOf, dateTerm, matchesQuery, sortedConnection, type ConnectionArgs, type SearchTerm, type SortValue } from "./search";
import { graphqlDecimal, splitTags, toUtcIso, type JsonObject } from "./state";

type Json = Record<string, any>;

export interface ProductSource {
  kind: "Product";
  product: JsonObject;
}
export interface VariantSource extends VariantRef {
  kind: "ProductVariant";
}
export interface CustomerSource {
  kind: "Customer";
  rest: Json;
}

export const productSource = (product: JsonObject): ProductSource => ({ kind: "Product", product });
export const variantSource = (ref: VariantRef): VariantSource => ({ kind: "ProductVariant", ...ref });
export const customerSource = (rest: Json): CustomerSource => ({ kind: "Customer", rest });

/** Order.customer: the stored customer when the shop knows it (Shopify answers with the live record), else the order's copy. */
export function orderCustomer(ctx: AdminContext, embedded: Json | null | undefined): CustomerSource | null {
  if (!embedded) return null;
  const gid = embedded.admin_graphql_api_id ?? `gid://shopify/Customer/${String(embedded.id)}`;
  return customerSource(catalogOf(ctx.shop).customers.get(gid) ?? embedded);
}

// ---------------------------------------------------------------------------------------------
// search and sort

const eqi = (a: unknown, b: string) => a != null && String(a).toLowerCase() === b.toLowerCase();

function commonTerm(rest: Json, t: SearchTerm): boolean | undefined {
  switch (t.field) {
    case "id":
      return compareOp(Number(rest.id), t.op, Number(t.value));
    case "updated_at":
    case "created_at":
      return dateTerm(rest[t.field], t);
    case "tag":
      return splitTags(rest.tags).some((x) => eqi(x, t.value));
    default:
      return undefined;
  }
}

const variantsOf = (p: Json): Json[] => (p.variants as Json[]) ?? [];

function productTerm(p: Json, t: SearchTerm): boolean | undefined {
  switch (t.field) {
    case "title":
    case "handle":
    case "vendor":
    case "product_type":
    case "status":
      return eqi(p[t.field], t.value);
    case "sku":
    case "barcode":
      return variantsOf(p).some((v) => eqi(v[t.field], t.value));
    default:
      return commonTerm(p, t);
  }
}

function variantTerm(ref: VariantRef, t: SearchTerm): boolean | undefined {
  switch (t.field) {
    case "sku":
    case "barcode":
    case "title":
      return eqi(ref.variant[t.field], t.value);
    case "product_id":
      return compareOp(Number(ref.product.id), t.op, Number(t.value));
    case "id":
      return compareOp(Number(ref.variant.id), t.op, Number(t.value));
    case "updated_at":
    case "created_at":
      return dateTerm(ref.variant[t.field] ?? ref.product[t.field], t);
    default:
      return undefined;
  }
}

function customerTerm(c: Json, t: SearchTerm): boolean | undefined {
  switch (t.field) {
    case "email":
    case "first_name":
    case "last_name":
    case "phone":
    case "state":
      return eqi(c[t.field], t.value);
    case "country":
      return eqi(c.default_address?.country, t.value) || eqi(c.default_address?.country_code, t.value);
    default:
      return commonTerm(c, t);
  }
}

const time = (v: unknown) => Date.parse(String(v ?? "")) || 0;

function productSortValue(p: Json, key: string): SortValue {
  switch (key) {
    case "TITLE":
    case "VENDOR":
    case "PRODUCT_TYPE":
      return String(p[key.toLowerCase()] ?? "");
    case "UPDATED_AT":
    case "CREATED_AT":
    case "PUBLISHED_AT":
      return time(p[key.toLowerCase()]);
    case "INVENTORY_TOTAL":
      return variantsOf(p).reduce((n, v) => n + Number(v.inventory_quantity ?? 0), 0);
    default:
      return Number(p.id);
  }
}

function customerSortValue(c: Json, key: string): SortValue {
  switch (key) {
    case "NAME":
      return displayName(c);
    case "UPDATED_AT":
    case "CREATED_AT":
      return time(c[key.toLowerCase()]);
    case "LOCATION":
      return String(c.default_address?.country ?? "");
    default:
      return Number(c.id);
  }
}

function displayName(c: Json): string {
  const name = [c.first_name, c.last_name].filter((x) => typeof x === "string" && x.trim()).join(" ");
  return name || String(c.email ?? c.phone ?? "");
}

type RootArgs = ConnectionArgs & { query?: string | null; sortKey?: string | null };

function productsConnection(ctx: AdminContext, args: RootArgs) {
  const key = args.sortKey ?? "ID";
  const rows = [...catalogOf(ctx.shop).products.values()].filter((p) => matchesQuery(args.query, (t) => productTerm(p, t)));
  return mapConnection(sortedConnection(rows, (p) => ({ v: productSortValue(p, key), id: Number(p.id) }), args, ctx), productSource);
}

function customersConnection(ctx: AdminContext, args: RootArgs) {
  const key = args.sortKey ?? "ID";
  const rows = [...catalogOf(ctx.shop).customers.values()].filter((c) => matchesQuery(args.query, (t) => customerTerm(c, t)));
  return mapConnection(sortedConnection(rows, (c) => ({ v: customerSortValue(c, key), id: Number(c.id) }), args, ctx), customerSource);
}

function variantsConnection(ctx: AdminContext, args: RootArgs) {
  const rows = [...catalogOf(ctx.shop).variants.values()].filter((ref) => matchesQuery(args.query, (t) => variantTerm(ref, t)));
  return mapConnection(sortedConnection(rows, (ref) => ({ v: Number(ref.variant.id), id: Number(ref.variant.id) }), args, ctx), variantSource);
}

function mapConnection<T, U>(conn: { edges: { cursor: string; node: T }[]; pageInfo: unknown }, fn: (t: T) => U) {
  const edges = conn.edges.map((e) => ({ cursor: e.cursor, node: fn(e.node) }));
  return { edges, nodes: edges.map((e) => e.node), pageInfo: conn.pageInfo };
}


const rootConnectionArgs = (sortKeys: string) => ({
  first: "Int",
  last: "Int",
  after: "String",
  before: "String",
  query: "String",
  sortKey: { type: sortKeys, defaultValue: "ID" },
  reverse: { type: "Boolean", defaultValue: false },
});
const rootConnectionCost = (args: Record<string, any>, child: number) => 2 + Number(args.first ?? args.last ?? 0) * Math.max(1, child);

// ---------------------------------------------------------------------------------------------
// schema

export function catalogRootFields(requireScope: (ctx: AdminContext, scope: string, field: string) => void): Record<string, FieldSpec<AdminContext>> {
  const count = (field: string, scope: string, n: (ctx: AdminContext, query: string | null) => number): FieldSpec<AdminContext> => ({
    type: "Count",
    args: { query: "String", limit: { type: "Int", defaultValue: 10000 } },
    resolve: (_s, args, ctx) => {
      requireScope(ctx, scope, field);
      return countOf(n(ctx, args.query as string | null), args.limit as number | null);
    },
  });
  const connection = (field: string, node: string, scope: string, resolve: (ctx: AdminContext, args: RootArgs) => unknown): FieldSpec<AdminContext> => ({
    type: `${node}Connection!`,
    args: rootConnectionArgs(`${node}SortKeys`),
    resolve: (_s, args, ctx) => {
      requireScope(ctx, scope, field);
      return resolve(ctx, args);
    },
    staticCost: rootConnectionCost,
  });
  return {
    products: connection("products", "Product", "read_products", productsConnection),
    productsCount: count("productsCount", "read_products", (ctx, q) => [...catalogOf(ctx.shop).products.values()].filter((p) => matchesQuery(q, (t) => productTerm(p, t))).length),
    productVariants: connection("productVariants", "ProductVariant", "read_products", variantsConnection),
    customers: connection("customers", "Customer", "read_customers", customersConnection),
    customersCount: count("customersCount", "read_customers", (ctx, q) => [...catalogOf(ctx.shop).customers.values()].filter((c) => matchesQuery(q, (t) => customerTerm(c, t))).length),
  };
}

const prod = <T>(fn: (p: Json) => T) => (s: ProductSource) => fn(s.product);
const vari = <T>(fn: (v: Json, p: Json) => T) => (s: VariantSource) => fn(s.variant, s.product);
const cust = <T>(fn: (c: Json) => T) => (s: CustomerSource) => fn(s.rest);
const gidOf = (type: string, rest: Json) => rest.admin_graphql_api_id ?? `gid://shopify/${type}/${String(rest.id)}`;

export function catalogTypes(): TypeDef<AdminContext>[] {
  return [
    enumType("ProductSortKeys", ["CREATED_AT", "ID", "INVENTORY_TOTAL", "PRODUCT_TYPE", "PUBLISHED_AT", "RELEVANCE", "TITLE", "UPDATED_AT", "VENDOR"]),
    enumType("ProductVariantSortKeys", ["FULL_TITLE", "ID", "INVENTORY_LEVELS_AVAILABLE", "INVENTORY_MANAGEMENT", "INVENTORY_POLICY", "NAME", "POPULAR", "POSITION", "RELEVANCE", "SKU", "TITLE"]),
    enumType("CustomerSortKeys", ["CREATED_AT", "ID", "LOCATION", "NAME", "RELEVANCE", "UPDATED_AT"]),
    enumType("ProductStatus", ["ACTIVE", "ARCHIVED", "DRAFT", "UNLISTED"]),
    enumType("CustomerState", ["DECLINED", "DISABLED", "ENABLED", "INVITED"]),
    ...connectionTypes("Product"),
    ...connectionTypes("ProductVariant"),
    ...connectionTypes("Customer"),
    objectType<AdminContext>(
      "Product",
      {
        id: { type: "ID!", resolve: prod((p) => gidOf("Product", p)) },
        legacyResourceId: { type: "UnsignedInt64!", resolve: prod((p) => String(p.id)) },
        title: { type: "String!", resolve: prod((p) => p.title) },
        handle: { type: "String!", resolve: prod((p) => p.handle ?? "") },
        status: { type: "ProductStatus!", resolve: prod((p) => String(p.status ?? "active").toUpperCase()) },
        vendor: { type: "String!", resolve: prod((p) => p.vendor ?? "") },
        productType: { type: "String!", resolve: prod((p) => p.product_type ?? "") },
        tags: { type: "[String!]!", resolve: prod((p) => splitTags(p.tags)) },
        createdAt: { type: "DateTime!", resolve: prod((p) => toUtcIso(p.created_at)) },
        updatedAt: { type: "DateTime!", resolve: prod((p) => toUtcIso(p.updated_at ?? p.created_at)) },
        totalInventory: { type: "Int!", resolve: prod((p) => variantsOf(p).reduce((n, v) => n + Number(v.inventory_quantity ?? 0), 0)) },
        variants: {
          type: "ProductVariantConnection!",
          args: connectionArgs,
          resolve: (s: ProductSource, args, ctx) => listConnection(variantsOf(s.product).map((variant) => variantSource({ product: s.product, variant })), args, ctx, "variants"),
          staticCost: connectionCost,
        },
        variantsCount: { type: "Count", resolve: prod((p) => ({ count: variantsOf(p).length, precision: "EXACT" })) },
      },
      ["Node"],
    ),
    // No requiresShipping: from API 2024-07 it is InventoryItem.requiresShipping.
    objectType<AdminContext>(
      "ProductVariant",
      {
        id: { type: "ID!", resolve: vari((v) => gidOf("ProductVariant", v)) },
        legacyResourceId: { type: "UnsignedInt64!", resolve: vari((v) => String(v.id)) },
        title: { type: "String!", resolve: vari((v) => v.title ?? "Default Title") },
        displayName: { type: "String!", resolve: vari((v, p) => `${p.title} - ${v.title ?? "Default Title"}`) },
        sku: { type: "String", resolve: vari((v) => v.sku ?? null) },
        barcode: { type: "String", resolve: vari((v) => v.barcode ?? null) },
        price: { type: "Money!", resolve: vari((v) => v.price) },
        compareAtPrice: { type: "Money", resolve: vari((v) => v.compare_at_price ?? null) },
        taxable: { type: "Boolean!", resolve: vari((v) => v.taxable !== false) },
        position: { type: "Int!", resolve: vari((v) => v.position ?? 1) },
        inventoryQuantity: { type: "Int", resolve: vari((v) => v.inventory_quantity ?? null) },
        createdAt: { type: "DateTime!", resolve: vari((v, p) => toUtcIso(v.created_at ?? p.created_at)) },
        updatedAt: { type: "DateTime!", resolve: vari((v, p) => toUtcIso(v.updated_at ?? p.updated_at)) },
        product: { type: "Product!", resolve: (s: VariantSource) => productSource(s.product) },
        inventoryItem: { type: "InventoryItem!", resolve: (s: VariantSource, _a, ctx) => inventoryItemSource(ctx, s) },
      },
      ["Node"],
    ),
    objectType<AdminContext>(
      "Customer",
      {
        id: { type: "ID!", resolve: cust((c) => gidOf("Customer", c)) },
        legacyResourceId: { type: "UnsignedInt64!", resolve: cust((c) => String(c.id)) },
        firstName: { type: "String", resolve: cust((c) => c.first_name ?? null) },
        lastName: { type: "String", resolve: cust((c) => c.last_name ?? null) },
        displayName: { type: "String!", resolve: cust(displayName) },
        // email and phone are deprecated in favour of defaultEmailAddress / defaultPhoneNumber, still served.
        email: { type: "String", resolve: cust((c) => c.email ?? null) },
        phone: { type: "String", resolve: cust((c) => c.phone ?? null) },
        defaultEmailAddress: { type: "CustomerEmailAddress", resolve: cust((c) => (c.email ? { emailAddress: c.email } : null)) },
        defaultPhoneNumber: { type: "CustomerPhoneNumber", resolve: cust((c) => (c.phone ? { phoneNumber: c.phone } : null)) },
        defaultAddress: { type: "MailingAddress", resolve: cust((c) => c.default_address ?? null) },
        addresses: { type: "[MailingAddress!]!", args: { first: "Int" }, resolve: cust((c) => (c.addresses as Json[]) ?? (c.default_address ? [c.default_address] : [])) },
        taxExempt: { type: "Boolean!", resolve: cust((c) => c.tax_exempt === true) },
        note: { type: "String", resolve: cust((c) => c.note ?? null) },
        tags: { type: "[String!]!", resolve: cust((c) => splitTags(c.tags)) },
        state: { type: "CustomerState!", resolve: cust((c) => String(c.state ?? "disabled").toUpperCase()) },
        verifiedEmail: { type: "Boolean!", resolve: cust((c) => c.verified_email === true) },
        createdAt: { type: "DateTime!", resolve: cust((c) => toUtcIso(c.created_at)) },
        updatedAt: { type: "DateTime!", resolve: cust((c) => toUtcIso(c.updated_at ?? c.created_at)) },
        amountSpent: { type: "MoneyV2!", resolve: cust((c) => ({ amount: graphqlDecimal(c.total_spent ?? "0"), currencyCode: c.currency ?? "SEK" })) },
      },
      ["Node"],
    ),
    objectType<AdminContext>("CustomerEmailAddress", { emailAddress: "String!" }),
    objectType<AdminContext>("CustomerPhoneNumber", { phoneNumber: "String!" }),
  ];
}

/** node(id:) for Product, ProductVariant and Customer; undefined = not a catalog type. */
export function catalogNode(ctx: AdminContext, id: string, type: string, numeric: string, requireScope: (ctx: AdminContext, scope: string, field: string) => void): unknown {
  const c = catalogOf(ctx.shop);
  switch (type) {
    case "Product": {
      requireScope(ctx, "read_products", "node");
      const p = c.products.get(id);
      return p ? productSource(p) : null;
    }
    case "ProductVariant": {
      requireScope(ctx, "read_products", "node");
      const ref = /^\d+$/.test(numeric) ? c.variants.get(Number(numeric)) : undefined;
      return ref ? variantSource(ref) : null;
    }
    case "Customer": {
      requireScope(ctx, "read_customers", "node");
      const cu = c.customers.get(id);
      return cu ? customerSource(cu) : null;
    }
    default:
      return undefined;
  }
}
