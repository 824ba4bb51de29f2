import { z } from "zod";
import { adminGraphql } from "./admin-graphql.server";
import { permanent, retryable } from "~/connectors/errors";
import { orderTransactionSchema, type OrderTransaction } from "~/domain/payments";

// The order's transactions, read through the Admin API: the order webhook names the gateways
// but not how much each one took, which a split payment (gift card + card) needs.

const QUERY = `#graphql
query KonteraOrderTransactions($id: ID!) {
  order(id: $id) {
    id
    transactions(first: 100) { id kind status gateway processedAt test amountSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } } }
  }
}`;

const answer = z.object({
  data: z.object({ order: z.object({ transactions: z.array(orderTransactionSchema) }).nullable() }),
});

export async function orderTransactions(shop: string, orderGid: string): Promise<OrderTransaction[]> {
  let body: unknown;
  try {
    body = await adminGraphql(shop, QUERY, { id: orderGid });
  } catch (e) {
    throw retryable(`reading the order's transactions from Shopify failed: ${(e as Error).message}`, "shopify_read");
  }
  const parsed = answer.safeParse(body);
  if (!parsed.success) throw retryable("Shopify answered the transactions query with an unexpected shape", "shopify_read");
  if (!parsed.data.data.order) throw permanent(`Shopify no longer knows order ${orderGid}`, "order_not_found");
  return parsed.data.data.order.transactions;
}
