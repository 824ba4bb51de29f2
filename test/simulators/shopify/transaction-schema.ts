// The Admin GraphQL slice for order transactions: OrderTransaction, its enums, and the
// Order.transactions list field (a plain list, not a connection, as in API 2026-07).
import type { AdminContext } from "./admin-schema";
import { GqlFieldError, enumType, objectType, type FieldSpec, type TypeDef } from "./gql-exec";
import { graphqlDecimal, toUtcIso, type JsonObject, type ShopState, type SimState, type StoredTransaction } from "./state";
import {
  TRANSACTION_KINDS,
  TRANSACTION_STATUSES,
  formattedGateway,
  isCapturable,
  isManuallyResolvable,
  orderTransactions,
  transactionGid,
} from "./transactions";

/** An OrderTransaction with its order's list, which parentTransaction and the filters need. */
export interface TransactionSource {
  kind: "OrderTransaction";
  tx: StoredTransaction;
  siblings: StoredTransaction[];
}

const source = (tx: StoredTransaction, siblings: StoredTransaction[]): TransactionSource => ({ kind: "OrderTransaction", tx, siblings });

function moneyBag(tx: StoredTransaction) {
  return {
    shopMoney: { amount: graphqlDecimal(tx.shopAmount), currencyCode: tx.shopCurrency },
    presentmentMoney: { amount: graphqlDecimal(tx.presentmentAmount), currencyCode: tx.presentmentCurrency },
  };
}

export function transactionTypes(): TypeDef<AdminContext>[] {
  const tx = <T>(fn: (t: StoredTransaction) => T) => (s: TransactionSource) => fn(s.tx);
  return [
    enumType("OrderTransactionKind", TRANSACTION_KINDS),
    enumType("OrderTransactionStatus", TRANSACTION_STATUSES),
    objectType<AdminContext>(
      "OrderTransaction",
      {
        id: { type: "ID!", resolve: tx((t) => transactionGid(t.id)) },
        kind: { type: "OrderTransactionKind!", resolve: tx((t) => t.kind) },
        status: { type: "OrderTransactionStatus!", resolve: tx((t) => t.status) },
        gateway: { type: "String", resolve: tx((t) => t.gateway) },
        formattedGateway: { type: "String", resolve: tx((t) => formattedGateway(t.gateway)) },
        processedAt: { type: "DateTime", resolve: tx((t) => toUtcIso(t.processedAt)) },
        createdAt: { type: "DateTime!", resolve: tx((t) => toUtcIso(t.createdAt)) },
        test: { type: "Boolean!", resolve: tx((t) => t.test) },
        amountSet: { type: "MoneyBag!", resolve: tx(moneyBag) },
        parentTransaction: {
          type: "OrderTransaction",
          resolve: (s: TransactionSource) => {
            const parent = s.tx.parentId === null ? undefined : s.siblings.find((t) => t.id === s.tx.parentId);
            return parent ? source(parent, s.siblings) : null;
          },
        },
      },
      ["Node"],
    ),
  ];
}

/** Order.transactions(first, capturable, manuallyResolvable): [OrderTransaction!]! */
export function orderTransactionsField(orderOf: (src: unknown) => JsonObject): FieldSpec<AdminContext> {
  return {
    type: "[OrderTransaction!]!",
    args: { first: "Int", capturable: "Boolean", manuallyResolvable: "Boolean" },
    resolve: (src: unknown, args, ctx: AdminContext) => {
      const order = orderOf(src);
      if (typeof args.first === "number" && args.first < 0) throw new GqlFieldError("first argument must be a non-negative integer", { code: "BAD_REQUEST" });
      const list = orderTransactions(ctx.state, ctx.shop, String(order.admin_graphql_api_id), order);
      const picked = list.filter(
        (t) =>
          (typeof args.capturable !== "boolean" || isCapturable(t, list) === args.capturable) &&
          (typeof args.manuallyResolvable !== "boolean" || isManuallyResolvable(t) === args.manuallyResolvable),
      );
      return (typeof args.first === "number" ? picked.slice(0, args.first) : picked).map((t) => source(t, list));
    },
    // Sized by `first` like a connection (each transaction 1 + what is selected inside it).
    // ASSUMED: without `first` the list is costed as one transaction.
    staticCost: (args, child) => (typeof args.first === "number" ? Math.max(0, args.first) : 1) * (1 + child),
  };
}

/** node(id: "gid://shopify/OrderTransaction/N"): searched across the shop's orders (derived lists included). */
export function findTransaction(state: SimState, shop: ShopState, id: number): TransactionSource | null {
  for (const [gid, order] of shop.orders) {
    const list = orderTransactions(state, shop, gid, order);
    const tx = list.find((t) => t.id === id);
    if (tx) return source(tx, list);
  }
  return null;
}
