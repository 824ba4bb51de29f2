import { Readable } from "node:stream";
import { createInterface } from "node:readline";
import { z } from "zod";
import {
  bulkOrdersQuery,
  graphqlLineItemSchema,
  graphqlOrderSchema,
  LINE_ITEM_FIELDS,
  ORDER_PAGE_SELECTION,
  restOrderFromGraphql,
} from "~/domain/graphql-order";
import type { ShopifyOrder } from "~/domain/shopify-order";
import { shopFacts } from "./shop-facts.server";
import { throttledRead } from "./throttled-graphql.server";

// The backfill's reads of order history: a count, pages of whole orders, and bulk operations
// (start, poll, cancel, stream the result). GraphQL only; every answer is parsed with zod.

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
    const lines = [...order.lineItems.nodes];
    // An order with more lines than a page carries: the rest, 50 at a time.
    for (let page = order.lineItems.pageInfo; page.hasNextPage; ) {
      const more = await throttledRead(shop, "orderLines", LINES_QUERY, { id: order.id, after: page.endCursor }, linesAnswer);
      if (!more.order) break;
      lines.push(...more.order.lineItems.nodes);
      page = more.order.lineItems.pageInfo;
    }
    out.push(restOrderFromGraphql(order, lines, order.shippingLines.nodes, timeZone));
  }
  return { orders: out, endCursor: orders.pageInfo.endCursor, hasNextPage: orders.pageInfo.hasNextPage };
}

const bulkOperation = z.object({
  id: z.string(),
  status: z.enum(["CANCELED", "CANCELING", "COMPLETED", "CREATED", "EXPIRED", "FAILED", "RUNNING"]),
  errorCode: z.string().nullable(),
  objectCount: z.string(),
  url: z.string().url().nullable(),
});
export type BulkOperation = z.infer<typeof bulkOperation>;
const BULK_FIELDS = "id status errorCode objectCount url";

export type BulkStart = { started: string } | { busy: string } | { refused: string };

export async function startBulkOrders(shop: string, search: string): Promise<BulkStart> {
  const data = await throttledRead(shop, "bulkRun",
    `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { ${BULK_FIELDS} } userErrors { field message code } } }`,
    { q: bulkOrdersQuery(search) },
    z.object({ bulkOperationRunQuery: z.object({ bulkOperation: bulkOperation.nullable(), userErrors: z.array(z.object({ message: z.string(), code: z.string().nullish() })) }) }));
  const { bulkOperation: op, userErrors } = data.bulkOperationRunQuery;
  if (op) return { started: op.id };
  const busy = userErrors.find((e) => e.code === "OPERATION_IN_PROGRESS");
  if (busy) return { busy: busy.message };
  return { refused: userErrors.map((e) => e.message).join("; ") || "Shopify did not start the bulk operation" };
}

export async function bulkStatus(shop: string, id: string): Promise<BulkOperation | null> {
  const data = await throttledRead(shop, "bulkStatus", `query($id: ID!) { node(id: $id) { ... on BulkOperation { ${BULK_FIELDS} } } }`, { id },
    z.object({ node: bulkOperation.nullable() }));
  return data.node;
}

export async function cancelBulk(shop: string, id: string): Promise<void> {
  await throttledRead(shop, "bulkCancel", "mutation($id: ID!) { bulkOperationCancel(id: $id) { userErrors { message } } }", { id },
    z.object({ bulkOperationCancel: z.object({ userErrors: z.array(z.object({ message: z.string() })) }).nullable() }));
}

/** The result file, line by line, without holding it in memory (a year of orders is large). */
export async function* bulkLines(url: string): AsyncGenerator<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10 * 60_000) });
  if (!res.ok || !res.body) throw new Error(`downloading the bulk result answered ${res.status}`);
  const lines = createInterface({ input: Readable.fromWeb(res.body as never), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim()) yield line;
}
