import { z } from "zod";
import {
  graphqlLineItemSchema,
  graphqlOrderSchema,
  LINE_ITEM_FIELDS,
  ORDER_PAGE_SELECTION,
  restOrderFromGraphql,
} from "~/domain/graphql-order";
import type { ShopifyOrder } from "~/domain/shopify-order";
import { shopFacts } from "./shop-facts.server";
import { throttledRead, wholeConnection } from "./throttled-graphql.server";

// The backfill's reads of order history: a count and pages of whole orders (bulk reads are in
// bulk-operations.server.ts). GraphQL only; every answer is parsed with zod.

/** Orders per page: each costs about 200 points (its 10 lines and their money), a query at most 1000. */
export const ORDERS_PER_PAGE = 4;

export const shopTimezone = async (shop: string): Promise<string> => (await shopFacts(shop)).ianaTimezone;

/** How many orders match (Shopify counts exactly up to its limit; null asks for no limit). */
export async function countOrders(shop: string, search: string): Promise<number> {
  const data = await throttledRead(shop, "ordersCount", "query($q: String) { ordersCount(query: $q, limit: null) { count precision } }", { q: search },
    z.object({ ordersCount: z.object({ count: z.number().int().nonnegative(), precision: z.string() }).nullable() }));
  return data.ordersCount?.count ?? 0;
}

const PAGE_QUERY = `query KonteraBackfillPage($q: String!, $after: String) {
  orders(first: ${ORDERS_PER_PAGE}, after: $after, query: $q, sortKey: CREATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { ${ORDER_PAGE_SELECTION} }
  }
}`;
const pageAnswer = z.object({
  orders: z.object({ pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }), nodes: z.array(graphqlOrderSchema) }),
});

const LINES_QUERY = `query KonteraOrderLines($id: ID!, $after: String) {
  order(id: $id) { lineItems(first: 50, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${LINE_ITEM_FIELDS} } } }
}`;
const linesAnswer = z.object({
  order: z.object({ lineItems: z.object({ pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }), nodes: z.array(graphqlLineItemSchema) }) }).nullable(),
});

export interface OrdersPage {
  orders: ShopifyOrder[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export async function ordersPage(shop: string, search: string, after: string | null, timeZone: string): Promise<OrdersPage> {
  const { orders } = await throttledRead(shop, "backfillPage", PAGE_QUERY, { q: search, after }, pageAnswer);
  const out: ShopifyOrder[] = [];
  for (const order of orders.nodes) {
    // An order with more lines than a page carries: the rest, 50 at a time.
    const lines = await wholeConnection(order.lineItems, async (after) =>
      (await throttledRead(shop, "orderLines", LINES_QUERY, { id: order.id, after }, linesAnswer)).order?.lineItems ?? null);
    out.push(restOrderFromGraphql(order, lines, order.shippingLines.nodes, timeZone));
  }
  return { orders: out, endCursor: orders.pageInfo.endCursor, hasNextPage: orders.pageInfo.hasNextPage };
}

