// The Admin GraphQL slice for reading a whole order (what a backfill reads instead of a webhook):
// line items and shipping lines as connections, their tax lines and discount allocations,
// addresses, the customer and custom attributes. Projected from the stored REST-shaped payload.
import type { AdminContext } from "./admin-schema";
import { GqlFieldError, objectType, type FieldSpec, type TypeDef } from "./gql-exec";
import { graphqlDecimal, type JsonObject } from "./state";
import { orderCustomer } from "./catalog";
import { connectionTypes } from "./search";

type Json = Record<string, any>;

/** A REST `*_set` (or a plain amount in the order's currencies) as a GraphQL MoneyBag. */
export function restMoneyBag(order: JsonObject, set: Json | null | undefined, plain: unknown): unknown {
  const currency = String(order.currency ?? "SEK");
  const presentment = String(order.presentment_currency ?? currency);
  if (set?.shop_money) {
    return {
      shopMoney: { amount: graphqlDecimal(set.shop_money.amount), currencyCode: String(set.shop_money.currency_code ?? currency) },
      presentmentMoney: { amount: graphqlDecimal(set.presentment_money?.amount ?? set.shop_money.amount), currencyCode: String(set.presentment_money?.currency_code ?? presentment) },
    };
  }
  if (plain === undefined || plain === null) return null;
  return { shopMoney: { amount: graphqlDecimal(plain), currencyCode: currency }, presentmentMoney: { amount: graphqlDecimal(plain), currencyCode: presentment } };
}

/** What the resolvers of these types receive: the REST object and its order (for currencies). */
interface Part {
  order: JsonObject;
  rest: Json;
}
const part = (order: JsonObject) => (rest: Json): Part => ({ order, rest });
const get = <T>(fn: (p: Part) => T) => (p: Part) => fn(p);

function encodeIndex(i: number): string {
  return Buffer.from(JSON.stringify({ i })).toString("base64url");
}
function decodeIndex(c: string): number {
  try {
    const v = JSON.parse(Buffer.from(c, "base64url").toString("utf8")) as { i?: unknown };
    if (typeof v.i === "number" && Number.isInteger(v.i) && v.i >= 0) return v.i;
  } catch {
    // fall through
  }
  throw new GqlFieldError("Invalid cursor for current pagination sort.", { code: "BAD_REQUEST" });
}

/**
 * A forward-only connection over a list, as Shopify's nested connections are: `first` is required
 * (1..250) outside a bulk operation, where it is optional and unlimited.
 */
export function listConnection<T>(items: T[], args: { first?: number | null; after?: string | null }, ctx: AdminContext, field: string) {
  if (args.first == null && !ctx.bulk) throw new GqlFieldError(`you must provide one of first or last`, { code: "BAD_REQUEST", field });
  if (args.first != null && (args.first < 0 || args.first > 250)) throw new GqlFieldError("first argument must be between 0 and 250", { code: "BAD_REQUEST" });
  const start = args.after ? decodeIndex(args.after) + 1 : 0;
  const end = args.first == null ? items.length : Math.min(items.length, start + args.first);
  const edges = items.slice(start, end).map((node, k) => ({ cursor: encodeIndex(start + k), node }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: { hasNextPage: end < items.length, hasPreviousPage: start > 0, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

export const connectionArgs = { first: "Int", after: "String" };
export const connectionCost = (args: Record<string, any>, child: number) => 2 + Number(args.first ?? 1) * Math.max(1, child);

const address = (a: Json | null | undefined) => (a && typeof a === "object" ? a : null);

/** Fields added to Order. */
export function orderDetailFields(orderOf: (src: unknown) => JsonObject): Record<string, FieldSpec<AdminContext>> {
  return {
    lineItems: {
      type: "LineItemConnection!",
      args: connectionArgs,
      resolve: (src, args, ctx) => {
        const o = orderOf(src);
        return listConnection(((o.line_items as Json[]) ?? []).map(part(o)), args, ctx, "lineItems");
      },
      staticCost: connectionCost,
    },
    shippingLines: {
      type: "ShippingLineConnection!",
      args: { ...connectionArgs, includeRemovals: { type: "Boolean", defaultValue: false } },
      resolve: (src, args, ctx) => {
        const o = orderOf(src);
        const lines = ((o.shipping_lines as Json[]) ?? []).filter((l) => args.includeRemovals || l.is_removed !== true);
        return listConnection(lines.map(part(o)), args, ctx, "shippingLines");
      },
      staticCost: connectionCost,
    },
    customer: { type: "Customer", resolve: (src, _a, ctx) => orderCustomer(ctx, orderOf(src).customer as Json | null | undefined) },
    billingAddress: { type: "MailingAddress", resolve: (src) => address(orderOf(src).billing_address as Json) },
    shippingAddress: { type: "MailingAddress", resolve: (src) => address(orderOf(src).shipping_address as Json) },
    customAttributes: { type: "[Attribute!]!", resolve: (src) => ((orderOf(src).note_attributes as Json[]) ?? []).map((a) => ({ key: a.name, value: a.value ?? null })) },
    paymentGatewayNames: { type: "[String!]!", resolve: (src) => (orderOf(src).payment_gateway_names as string[]) ?? [] },
    totalTipReceivedSet: {
      type: "MoneyBag!",
      // Tips are in the shop's currency (the REST payload has no set for them).
      resolve: (src) => {
        const o = orderOf(src);
        const amount = graphqlDecimal(o.total_tip_received ?? "0");
        return { shopMoney: { amount, currencyCode: String(o.currency ?? "SEK") }, presentmentMoney: { amount, currencyCode: String(o.currency ?? "SEK") } };
      },
    },
  };
}

const taxLines = (p: Part) => ((p.rest.tax_lines as Json[]) ?? []).map(part(p.order));
const allocations = (p: Part) => ((p.rest.discount_allocations as Json[]) ?? []).map(part(p.order));
const gidNumber = (type: string, id: unknown) => `gid://shopify/${type}/${String(id)}`;

export function orderDetailTypes(): TypeDef<AdminContext>[] {
  return [
    ...connectionTypes("LineItem"),
    objectType<AdminContext>(
      "LineItem",
      {
        id: { type: "ID!", resolve: get((p) => p.rest.admin_graphql_api_id ?? gidNumber("LineItem", p.rest.id)) },
        title: { type: "String!", resolve: get((p) => p.rest.title) },
        name: { type: "String!", resolve: get((p) => p.rest.name ?? p.rest.title) },
        variantTitle: { type: "String", resolve: get((p) => p.rest.variant_title ?? null) },
        sku: { type: "String", resolve: get((p) => p.rest.sku ?? null) },
        vendor: { type: "String", resolve: get((p) => p.rest.vendor ?? null) },
        quantity: { type: "Int!", resolve: get((p) => p.rest.quantity) },
        currentQuantity: { type: "Int!", resolve: get((p) => p.rest.current_quantity ?? p.rest.quantity) },
        isGiftCard: { type: "Boolean!", resolve: get((p) => p.rest.gift_card === true) },
        taxable: { type: "Boolean!", resolve: get((p) => p.rest.taxable !== false) },
        requiresShipping: { type: "Boolean!", resolve: get((p) => p.rest.requires_shipping !== false) },
        originalUnitPriceSet: { type: "MoneyBag!", resolve: get((p) => restMoneyBag(p.order, p.rest.price_set, p.rest.price)) },
        totalDiscountSet: { type: "MoneyBag!", resolve: get((p) => restMoneyBag(p.order, p.rest.total_discount_set, p.rest.total_discount ?? "0.00")) },
        taxLines: { type: "[TaxLine!]!", args: { first: "Int" }, resolve: (p: Part) => taxLines(p) },
        discountAllocations: { type: "[DiscountAllocation!]!", resolve: (p: Part) => allocations(p) },
      },
      ["Node"],
    ),
    ...connectionTypes("ShippingLine"),
    objectType<AdminContext>("ShippingLine", {
      id: { type: "ID", resolve: get((p) => (p.rest.id == null ? null : gidNumber("ShippingLine", p.rest.id))) },
      title: { type: "String!", resolve: get((p) => p.rest.title) },
      code: { type: "String", resolve: get((p) => p.rest.code ?? null) },
      source: { type: "String", resolve: get((p) => p.rest.source ?? null) },
      isRemoved: { type: "Boolean!", resolve: get((p) => p.rest.is_removed === true) },
      originalPriceSet: { type: "MoneyBag!", resolve: get((p) => restMoneyBag(p.order, p.rest.price_set, p.rest.price)) },
      discountedPriceSet: { type: "MoneyBag!", resolve: get((p) => restMoneyBag(p.order, p.rest.discounted_price_set, p.rest.discounted_price ?? p.rest.price)) },
      taxLines: { type: "[TaxLine!]!", resolve: (p: Part) => taxLines(p) },
      discountAllocations: { type: "[DiscountAllocation!]!", resolve: (p: Part) => allocations(p) },
    }),
    objectType<AdminContext>("TaxLine", {
      title: { type: "String!", resolve: get((p) => p.rest.title ?? "") },
      // A fraction (0.25), as in the REST payload; ratePercentage is 25.0.
      rate: { type: "Float", resolve: get((p) => p.rest.rate ?? null) },
      ratePercentage: { type: "Float", resolve: get((p) => (typeof p.rest.rate === "number" ? Math.round(p.rest.rate * 1_000_000) / 10_000 : null)) },
      priceSet: { type: "MoneyBag!", resolve: get((p) => restMoneyBag(p.order, p.rest.price_set, p.rest.price)) },
      channelLiable: { type: "Boolean", resolve: get((p) => p.rest.channel_liable ?? null) },
    }),
    objectType<AdminContext>("DiscountAllocation", {
      allocatedAmountSet: { type: "MoneyBag!", resolve: get((p) => restMoneyBag(p.order, p.rest.amount_set, p.rest.amount)) },
    }),
    objectType<AdminContext>("MailingAddress", {
      firstName: { type: "String", resolve: (a: Json) => a.first_name ?? null },
      lastName: { type: "String", resolve: (a: Json) => a.last_name ?? null },
      name: { type: "String", resolve: (a: Json) => a.name ?? null },
      company: { type: "String", resolve: (a: Json) => a.company ?? null },
      address1: { type: "String", resolve: (a: Json) => a.address1 ?? null },
      address2: { type: "String", resolve: (a: Json) => a.address2 ?? null },
      zip: { type: "String", resolve: (a: Json) => a.zip ?? null },
      city: { type: "String", resolve: (a: Json) => a.city ?? null },
      province: { type: "String", resolve: (a: Json) => a.province ?? null },
      provinceCode: { type: "String", resolve: (a: Json) => a.province_code ?? null },
      country: { type: "String", resolve: (a: Json) => a.country ?? null },
      countryCodeV2: { type: "CountryCode", resolve: (a: Json) => a.country_code ?? null },
      phone: { type: "String", resolve: (a: Json) => a.phone ?? null },
    }),
    objectType<AdminContext>("Attribute", { key: "String!", value: "String" }),
  ];
}
