import { z } from "zod";
import type { ShopifyOrder } from "./shopify-order";

// An order read through the Admin GraphQL API (a backfill reads history; webhooks only bring what
// happens from now on) turned into the REST-shaped webhook payload the rest of the pipeline
// consumes. One converter for both ways of reading: a page of `orders` and a bulk operation's
// JSONL (where line items and shipping lines arrive as lines of their own).

/** Decimal as GraphQL serialises it ("49.0") → as the REST payload does ("49.00"). String work only: no floats. */
export function restDecimal(value: string): string {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(value.trim());
  if (!m) throw new Error(`not a decimal amount: ${JSON.stringify(value)}`);
  const frac = (m[3] ?? "").replace(/0+$/, "");
  if (frac.length > 2) throw new Error(`amount with more than 2 decimals: ${value}`);
  return `${m[1]}${m[2]}.${frac.padEnd(2, "0")}`;
}

const moneyV2 = z.object({ amount: z.string(), currencyCode: z.string() });
const moneyBag = z.object({ shopMoney: moneyV2, presentmentMoney: moneyV2 });
const taxLine = z.object({ title: z.string().nullish(), rate: z.number().nullable(), priceSet: moneyBag });
const allocation = z.object({ allocatedAmountSet: moneyBag });
const address = z
  .object({
    firstName: z.string().nullish(), lastName: z.string().nullish(), name: z.string().nullish(), company: z.string().nullish(),
    address1: z.string().nullish(), address2: z.string().nullish(), zip: z.string().nullish(), city: z.string().nullish(),
    countryCodeV2: z.string().nullish(), phone: z.string().nullish(),
  })
  .nullable();

export const graphqlLineItemSchema = z.object({
  id: z.string().regex(/^gid:\/\/shopify\/LineItem\/\d+$/),
  title: z.string(),
  variantTitle: z.string().nullish(),
  sku: z.string().nullish(),
  quantity: z.number().int(),
  isGiftCard: z.boolean(),
  originalUnitPriceSet: moneyBag,
  totalDiscountSet: moneyBag,
  taxLines: z.array(taxLine),
  discountAllocations: z.array(allocation),
});

export const graphqlShippingLineSchema = z.object({
  title: z.string(),
  originalPriceSet: moneyBag,
  taxLines: z.array(taxLine),
  discountAllocations: z.array(allocation),
});

/** The order's own fields (without its line and shipping connections). */
export const graphqlOrderCoreSchema = z.object({
  id: z.string().regex(/^gid:\/\/shopify\/Order\/\d+$/),
  legacyResourceId: z.string().regex(/^\d+$/),
  name: z.string(),
  email: z.string().nullish(),
  createdAt: z.string(),
  processedAt: z.string().nullish(),
  updatedAt: z.string().nullish(),
  cancelledAt: z.string().nullish(),
  test: z.boolean(),
  tags: z.array(z.string()),
  currencyCode: z.string(),
  presentmentCurrencyCode: z.string(),
  taxesIncluded: z.boolean(),
  displayFinancialStatus: z.string().nullable(),
  displayFulfillmentStatus: z.string(),
  paymentGatewayNames: z.array(z.string()),
  totalPriceSet: moneyBag,
  totalTaxSet: moneyBag.nullable(),
  totalTipReceivedSet: moneyBag,
  customer: z.object({ id: z.string().regex(/^gid:\/\/shopify\/Customer\/\d+$/), email: z.string().nullish(), firstName: z.string().nullish(), lastName: z.string().nullish(), phone: z.string().nullish() }).nullable(),
  billingAddress: address,
  shippingAddress: address,
  customAttributes: z.array(z.object({ key: z.string(), value: z.string().nullable() })),
});

const pageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });

/** An order as a page of `orders` returns it (ORDER_SELECTION with connections). */
export const graphqlOrderSchema = graphqlOrderCoreSchema.extend({
  lineItems: z.object({ pageInfo, nodes: z.array(graphqlLineItemSchema) }),
  shippingLines: z.object({ nodes: z.array(graphqlShippingLineSchema) }),
});
export type GraphqlOrder = z.infer<typeof graphqlOrderSchema>;
export type GraphqlOrderCore = z.infer<typeof graphqlOrderCoreSchema>;
export type GraphqlLineItem = z.infer<typeof graphqlLineItemSchema>;
export type GraphqlShippingLine = z.infer<typeof graphqlShippingLineSchema>;

const MONEY = "{ shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }";
const TAX_LINES = `taxLines { title rate priceSet ${MONEY} }`;
const ALLOCATIONS = `discountAllocations { allocatedAmountSet ${MONEY} }`;
const ADDRESS = "{ firstName lastName name company address1 address2 zip city countryCodeV2 phone }";
export const LINE_ITEM_FIELDS = `id title variantTitle sku quantity isGiftCard originalUnitPriceSet ${MONEY} totalDiscountSet ${MONEY} ${TAX_LINES} ${ALLOCATIONS}`;
export const SHIPPING_LINE_FIELDS = `title originalPriceSet ${MONEY} ${TAX_LINES} ${ALLOCATIONS}`;
export const ORDER_CORE_FIELDS = [
  "id legacyResourceId name email createdAt processedAt updatedAt cancelledAt test tags",
  "currencyCode presentmentCurrencyCode taxesIncluded displayFinancialStatus displayFulfillmentStatus paymentGatewayNames",
  `totalPriceSet ${MONEY} totalTaxSet ${MONEY} totalTipReceivedSet ${MONEY}`,
  "customer { id email firstName lastName phone }",
  `billingAddress ${ADDRESS} shippingAddress ${ADDRESS}`,
  "customAttributes { key value }",
].join("\n");

/**
 * The selection for a page of orders. Nested connections multiply the query's cost, so lines
 * come 10 at a time; an order with more is completed with ORDER_LINES_QUERY.
 */
export const LINES_PER_PAGE = 10;
export const ORDER_PAGE_SELECTION = `${ORDER_CORE_FIELDS}
lineItems(first: ${LINES_PER_PAGE}) { pageInfo { hasNextPage endCursor } nodes { ${LINE_ITEM_FIELDS} } }
shippingLines(first: 5) { nodes { ${SHIPPING_LINE_FIELDS} } }`;

/** The bulk query: no page sizes (a bulk operation reads everything); __typename tells the JSONL lines apart. */
export function bulkOrdersQuery(search: string): string {
  return `{ orders(query: ${JSON.stringify(search)}, sortKey: CREATED_AT) { edges { node {
${ORDER_CORE_FIELDS}
lineItems { edges { node { __typename ${LINE_ITEM_FIELDS} } } }
shippingLines { edges { node { __typename ${SHIPPING_LINE_FIELDS} } } }
} } } }`;
}

/** ISO instant → the same instant in the shop's time zone, with its offset, as REST payloads carry it. */
export function inTimeZone(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not a timestamp: ${iso}`);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offset = Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const numericId = (gid: string) => Number(gid.slice(gid.lastIndexOf("/") + 1));
const set = (bag: z.infer<typeof moneyBag>) => ({
  shop_money: { amount: restDecimal(bag.shopMoney.amount), currency_code: bag.shopMoney.currencyCode },
  presentment_money: { amount: restDecimal(bag.presentmentMoney.amount), currency_code: bag.presentmentMoney.currencyCode },
});
const taxLines = (lines: z.infer<typeof taxLine>[]) =>
  lines.map((t) => ({ title: t.title ?? undefined, rate: t.rate ?? 0, price: restDecimal(t.priceSet.shopMoney.amount), price_set: set(t.priceSet) }));
const allocations = (list: z.infer<typeof allocation>[]) =>
  list.map((a) => ({ amount: restDecimal(a.allocatedAmountSet.shopMoney.amount), amount_set: set(a.allocatedAmountSet) }));
const restAddress = (a: z.infer<typeof address>) =>
  a && { first_name: a.firstName, last_name: a.lastName, name: a.name, company: a.company, address1: a.address1, address2: a.address2, zip: a.zip, city: a.city, country_code: a.countryCodeV2, phone: a.phone };

const FULFILLMENT: Record<string, string | null> = { UNFULFILLED: null, FULFILLED: "fulfilled", PARTIALLY_FULFILLED: "partial", RESTOCKED: "restocked" };

/**
 * The REST webhook payload for an order read through GraphQL. Times are put back into the shop's
 * time zone: the invoice is dated by the order's local date, as the webhook's payload dates it.
 */
export function restOrderFromGraphql(order: GraphqlOrderCore, lines: GraphqlLineItem[], shipping: GraphqlShippingLine[], timeZone: string): ShopifyOrder {
  const local = (iso: string | null | undefined) => (iso ? inTimeZone(iso, timeZone) : null);
  return {
    id: Number(order.legacyResourceId),
    admin_graphql_api_id: order.id,
    name: order.name,
    email: order.email ?? null,
    currency: order.currencyCode,
    presentment_currency: order.presentmentCurrencyCode,
    taxes_included: order.taxesIncluded,
    financial_status: order.displayFinancialStatus?.toLowerCase() ?? null,
    fulfillment_status: FULFILLMENT[order.displayFulfillmentStatus] ?? order.displayFulfillmentStatus.toLowerCase(),
    cancelled_at: local(order.cancelledAt),
    created_at: local(order.createdAt)!,
    processed_at: local(order.processedAt),
    updated_at: local(order.updatedAt),
    total_price: restDecimal(order.totalPriceSet.shopMoney.amount),
    total_price_set: set(order.totalPriceSet),
    ...(order.totalTaxSet ? { total_tax: restDecimal(order.totalTaxSet.shopMoney.amount), total_tax_set: set(order.totalTaxSet) } : {}),
    total_tip_received: restDecimal(order.totalTipReceivedSet.shopMoney.amount),
    payment_gateway_names: order.paymentGatewayNames,
    tags: order.tags.join(", "),
    test: order.test,
    customer: order.customer && {
      id: numericId(order.customer.id),
      email: order.customer.email,
      first_name: order.customer.firstName,
      last_name: order.customer.lastName,
      phone: order.customer.phone,
    },
    billing_address: restAddress(order.billingAddress),
    shipping_address: restAddress(order.shippingAddress),
    note_attributes: order.customAttributes.map((a) => ({ name: a.key, value: a.value })),
    line_items: lines.map((l) => ({
      id: numericId(l.id),
      admin_graphql_api_id: l.id,
      sku: l.sku ?? null,
      title: l.title,
      variant_title: l.variantTitle ?? null,
      quantity: l.quantity,
      price: restDecimal(l.originalUnitPriceSet.shopMoney.amount),
      price_set: set(l.originalUnitPriceSet),
      total_discount: restDecimal(l.totalDiscountSet.shopMoney.amount),
      total_discount_set: set(l.totalDiscountSet),
      gift_card: l.isGiftCard,
      tax_lines: taxLines(l.taxLines),
      discount_allocations: allocations(l.discountAllocations),
    })),
    shipping_lines: shipping.map((s) => ({
      title: s.title,
      price: restDecimal(s.originalPriceSet.shopMoney.amount),
      price_set: set(s.originalPriceSet),
      tax_lines: taxLines(s.taxLines),
      discount_allocations: allocations(s.discountAllocations),
    })),
  };
}

/** A bulk operation's JSONL, one line at a time, reassembled into orders. */
export class BulkOrderAssembler {
  private current: { core: GraphqlOrderCore; lines: GraphqlLineItem[]; shipping: GraphqlShippingLine[] } | null = null;

  constructor(private readonly timeZone: string) {}

  /**
   * Feeds one line; returns the order it completed, if any. Shopify writes a parent before its
   * children, and the simulator (like Shopify's examples) writes the children right after it, so
   * an order is complete when the next order's line arrives (or at the end: flush).
   */
  push(line: string): ShopifyOrder | null {
    const raw: unknown = JSON.parse(line);
    const parent = z.object({ __parentId: z.string().optional(), __typename: z.string().optional() }).passthrough().parse(raw);
    if (!parent.__parentId) {
      const done = this.flush();
      this.current = { core: graphqlOrderCoreSchema.parse(raw), lines: [], shipping: [] };
      return done;
    }
    if (!this.current || parent.__parentId !== this.current.core.id) throw new Error(`bulk line for ${parent.__parentId} arrived outside its order`);
    if (parent.__typename === "LineItem") this.current.lines.push(graphqlLineItemSchema.parse(raw));
    else if (parent.__typename === "ShippingLine") this.current.shipping.push(graphqlShippingLineSchema.parse(raw));
    else throw new Error(`unexpected bulk line of type ${parent.__typename ?? "(none)"}`);
    return null;
  }

  flush(): ShopifyOrder | null {
    const c = this.current;
    this.current = null;
    return c ? restOrderFromGraphql(c.core, c.lines, c.shipping, this.timeZone) : null;
  }
}
