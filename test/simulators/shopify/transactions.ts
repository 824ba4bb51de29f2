// An order's payment transactions, as Order.transactions in the Admin API shows them.
//
// Where they come from, in order of precedence:
//   1. POST /__sim/transactions replaces an order's list (parseTransactionsInput);
//   2. otherwise a default derived from the stored order: a paid order was paid once, in full,
//      on its first gateway (defaultTransactions);
//   3. a refunds/create webhook appends the refund's transactions to whichever list applies,
//      so the list stays what Shopify would show after the refund (appendRefundTransactions).
// Amounts stay decimal strings end to end; the only arithmetic (a currency conversion for
// refunds) is done on integer cents.
import type { JsonObject, ShopState, SimState, StoredTransaction } from "./state";

export const TRANSACTION_KINDS = ["SALE", "CAPTURE", "AUTHORIZATION", "VOID", "REFUND", "CHANGE", "EMV_AUTHORIZATION", "SUGGESTED_REFUND"];
export const TRANSACTION_STATUSES = ["SUCCESS", "PENDING", "FAILURE", "ERROR", "AWAITING_RESPONSE", "UNKNOWN"];

/** Transaction ids come from the simulator's id sequence, in a range of their own. */
const TX_ID_BASE = 5_900_000_000_000;
/** Financial statuses of an order whose money was taken (a refund presupposes the sale). */
const PAID_STATUSES = new Set(["paid", "partially_refunded", "refunded"]);
const MONEY_RE = /^\d{1,15}(\.\d{1,2})?$/;
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export class TransactionInputError extends Error {}

export function transactionGid(id: number): string {
  return `gid://shopify/OrderTransaction/${id}`;
}

/** Shopify's display names for the gateways the app meets; others are humanised from their handle. */
const GATEWAY_NAMES: Record<string, string> = {
  shopify_payments: "Shopify Payments",
  gift_card: "Gift card",
  manual: "Manual",
  klarna: "Klarna",
  paypal: "PayPal",
  bogus: "(For Testing) Bogus Gateway",
};

export function formattedGateway(gateway: string): string {
  if (Object.hasOwn(GATEWAY_NAMES, gateway)) return GATEWAY_NAMES[gateway]!;
  const words = gateway.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function currencies(order: JsonObject): { shop: string; presentment: string } {
  const shop = String(order.currency ?? "SEK");
  return { shop, presentment: String(order.presentment_currency ?? shop) };
}

/** A non-negative decimal amount as text; numbers (from JSON.parse) only via their shortest form. */
function moneyText(v: unknown): string | null {
  const s = typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : null;
  return s !== null && MONEY_RE.test(s) ? s : null;
}

const toCents = (s: string): bigint => {
  const [int, frac = ""] = s.split(".");
  return BigInt(int!) * 100n + BigInt(frac.padEnd(2, "0"));
};
const centsText = (c: bigint): string => `${c / 100n}.${String(c % 100n).padStart(2, "0")}`;

/** amount × num / den in cents, rounded half away from zero (amounts are never negative here). */
function convert(amount: string, num: string, den: string): string | null {
  const d = toCents(den);
  if (d === 0n) return null;
  return centsText((toCents(amount) * toCents(num) * 2n + d) / (2n * d));
}

// ---------------------------------------------------------------------------------------------
// reading

/** The order's transactions: the stored list if there is one, else the default derived from the order. */
export function orderTransactions(state: SimState, shop: ShopState, gid: string, order: JsonObject): StoredTransaction[] {
  return shop.transactions.get(gid) ?? defaultTransactions(state, shop, gid, order);
}

function defaultTransactions(state: SimState, shop: ShopState, gid: string, order: JsonObject): StoredTransaction[] {
  if (!PAID_STATUSES.has(String(order.financial_status ?? ""))) return [];
  const set = order.total_price_set as { shop_money?: JsonObject; presentment_money?: JsonObject } | undefined;
  const shopAmount = moneyText(order.total_price) ?? moneyText(set?.shop_money?.amount);
  if (!shopAmount) return [];
  const cur = currencies(order);
  const names = order.payment_gateway_names;
  const first = Array.isArray(names) && typeof names[0] === "string" && names[0] ? names[0] : "manual";
  let id = shop.defaultTransactionIds.get(gid);
  if (id === undefined) {
    id = state.nextId(TX_ID_BASE);
    shop.defaultTransactionIds.set(gid, id);
  }
  const processedAt = typeof (order.processed_at ?? order.created_at) === "string" ? String(order.processed_at ?? order.created_at) : null;
  return [
    {
      id,
      kind: "SALE",
      status: "SUCCESS",
      gateway: first,
      shopAmount,
      shopCurrency: cur.shop,
      presentmentAmount: moneyText(set?.presentment_money?.amount) ?? shopAmount,
      presentmentCurrency: typeof set?.presentment_money?.currency_code === "string" ? set.presentment_money.currency_code : cur.presentment,
      processedAt,
      createdAt: processedAt ?? new Date().toISOString(),
      test: order.test === true,
      parentId: null,
    },
  ];
}

/** Shopify: an authorization that succeeded and has not been captured or voided yet. */
export function isCapturable(tx: StoredTransaction, list: StoredTransaction[]): boolean {
  if (!["AUTHORIZATION", "EMV_AUTHORIZATION"].includes(tx.kind) || tx.status !== "SUCCESS") return false;
  return !list.some((t) => t.parentId === tx.id && (t.kind === "CAPTURE" || t.kind === "VOID") && t.status === "SUCCESS");
}

/** ASSUMED: the merchant can resolve by hand what the gateway left undecided. */
export function isManuallyResolvable(tx: StoredTransaction): boolean {
  return ["PENDING", "AWAITING_RESPONSE", "UNKNOWN"].includes(tx.status);
}

// ---------------------------------------------------------------------------------------------
// POST /__sim/transactions

const INPUT_KEYS = new Set(["kind", "status", "gateway", "amount", "presentment_amount", "processed_at", "id", "parent_id", "test"]);

/**
 * Validates the control input for `order` (REST-style lower-case values) into stored transactions.
 * Every problem is reported with its path, so a test author sees what to fix.
 */
export function parseTransactionsInput(state: SimState, raw: unknown, order: JsonObject): StoredTransaction[] {
  if (!Array.isArray(raw)) throw new TransactionInputError("transactions must be an array");
  const cur = currencies(order);
  const fallbackAt = typeof (order.processed_at ?? order.created_at) === "string" ? String(order.processed_at ?? order.created_at) : null;
  const ids = new Set<number>();

  const out = raw.map((item, i): StoredTransaction & { parentRef?: number } => {
    const where = `transactions[${i}]`;
    const fail = (what: string): never => {
      throw new TransactionInputError(`${where}.${what}`);
    };
    if (!item || typeof item !== "object" || Array.isArray(item)) throw new TransactionInputError(`${where} must be an object`);
    const t = item as JsonObject;
    for (const k of Object.keys(t)) if (!INPUT_KEYS.has(k)) fail(`${k} is not a transaction field (allowed: ${[...INPUT_KEYS].join(", ")})`);

    const kind = typeof t.kind === "string" && TRANSACTION_KINDS.includes(t.kind.toUpperCase()) && t.kind === t.kind.toLowerCase() ? t.kind.toUpperCase() : null;
    if (!kind) fail(`kind must be one of ${TRANSACTION_KINDS.map((k) => k.toLowerCase()).join(", ")}`);
    const status = typeof t.status === "string" && TRANSACTION_STATUSES.includes(t.status.toUpperCase()) && t.status === t.status.toLowerCase() ? t.status.toUpperCase() : null;
    if (!status) fail(`status must be one of ${TRANSACTION_STATUSES.map((s) => s.toLowerCase()).join(", ")}`);
    if (typeof t.gateway !== "string" || !/^\S(.*\S)?$/.test(t.gateway)) fail("gateway must be a non-empty string such as shopify_payments");

    // Strings only: a JSON number here has already been through a float.
    const amount = typeof t.amount === "string" && MONEY_RE.test(t.amount) ? t.amount : null;
    if (!amount) fail('amount must be a decimal string with at most 2 decimals, like "123.45"');
    let presentment = amount!;
    if (t.presentment_amount !== undefined) {
      if (typeof t.presentment_amount !== "string" || !MONEY_RE.test(t.presentment_amount)) fail('presentment_amount must be a decimal string like "11.00"');
      presentment = t.presentment_amount as string;
      if (cur.shop === cur.presentment && toCents(presentment) !== toCents(amount!)) {
        fail(`presentment_amount must equal amount: the order is in ${cur.shop} in both shop and presentment currency`);
      }
    } else if (cur.shop !== cur.presentment) {
      fail(`presentment_amount is required: the order is paid in ${cur.presentment} but the shop currency is ${cur.shop}`);
    }

    let processedAt = fallbackAt;
    if (t.processed_at !== undefined) {
      if (typeof t.processed_at !== "string" || !ISO_RE.test(t.processed_at) || Number.isNaN(Date.parse(t.processed_at))) {
        fail("processed_at must be an ISO 8601 timestamp with an offset, like 2026-05-02T10:00:00+02:00");
      }
      processedAt = t.processed_at as string;
    }
    if (t.test !== undefined && typeof t.test !== "boolean") fail("test must be a boolean");

    let id: number | undefined;
    if (t.id !== undefined) {
      if (typeof t.id !== "number" || !Number.isSafeInteger(t.id) || t.id < 1) fail("id must be a positive integer");
      id = t.id as number;
      if (ids.has(id)) fail(`id ${id} is used twice`);
      ids.add(id);
    }
    if (t.parent_id !== undefined && t.parent_id !== null && (typeof t.parent_id !== "number" || !Number.isSafeInteger(t.parent_id))) {
      fail("parent_id must be the id of another transaction in this list");
    }
    return {
      id: id ?? 0,
      kind: kind!,
      status: status!,
      gateway: t.gateway as string,
      shopAmount: amount!,
      shopCurrency: cur.shop,
      presentmentAmount: presentment,
      presentmentCurrency: cur.presentment,
      processedAt,
      createdAt: processedAt ?? new Date().toISOString(),
      test: t.test === undefined ? order.test === true : (t.test as boolean),
      parentId: null,
      parentRef: (t.parent_id as number | null | undefined) ?? undefined,
    };
  });

  // Parents refer to ids in the same list, so they are resolved once every id is known.
  for (const [i, tx] of out.entries()) {
    if (tx.id === 0) tx.id = state.nextId(TX_ID_BASE);
    if (tx.parentRef !== undefined) {
      if (!ids.has(tx.parentRef) || tx.parentRef === tx.id) {
        throw new TransactionInputError(`transactions[${i}].parent_id ${tx.parentRef} is not the id of another transaction in this list`);
      }
      tx.parentId = tx.parentRef;
    }
    delete tx.parentRef;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// refunds/create

/**
 * Places a REST transaction of a refund payload in both currencies. REST gives one `amount` in
 * `currency` (the presentment currency unless stated); the other side is converted at the
 * order's own rate (total_price_set), which is what Shopify's shop-currency figures use.
 */
function fromRestTransaction(state: SimState, t: unknown, order: JsonObject): StoredTransaction | null {
  if (!t || typeof t !== "object" || Array.isArray(t)) return null;
  const x = t as JsonObject;
  const kind = String(x.kind ?? "refund").toUpperCase();
  const status = String(x.status ?? "success").toUpperCase();
  const amount = moneyText(x.amount);
  if (!TRANSACTION_KINDS.includes(kind) || !TRANSACTION_STATUSES.includes(status) || !amount) return null;
  if (typeof x.gateway !== "string" || !x.gateway) return null;

  const cur = currencies(order);
  const txCurrency = typeof x.currency === "string" ? x.currency : cur.presentment;
  const total = order.total_price_set as { shop_money?: JsonObject; presentment_money?: JsonObject } | undefined;
  const shopTotal = moneyText(total?.shop_money?.amount) ?? moneyText(order.total_price);
  const presTotal = moneyText(total?.presentment_money?.amount) ?? shopTotal;
  let shopAmount: string | null;
  let presentmentAmount: string | null;
  if (txCurrency === cur.shop && cur.shop === cur.presentment) {
    shopAmount = presentmentAmount = amount;
  } else if (txCurrency === cur.presentment) {
    presentmentAmount = amount;
    shopAmount = shopTotal && presTotal ? convert(amount, shopTotal, presTotal) : null;
  } else if (txCurrency === cur.shop) {
    shopAmount = amount;
    presentmentAmount = shopTotal && presTotal ? convert(amount, presTotal, shopTotal) : null;
  } else return null;
  if (!shopAmount || !presentmentAmount) return null;

  const at = (v: unknown) => (typeof v === "string" && !Number.isNaN(Date.parse(v)) ? v : null);
  const processedAt = at(x.processed_at) ?? at(x.created_at);
  const gidId = typeof x.admin_graphql_api_id === "string" ? /\/OrderTransaction\/(\d+)$/.exec(x.admin_graphql_api_id)?.[1] : undefined;
  const id = typeof x.id === "number" && Number.isSafeInteger(x.id) && x.id > 0 ? x.id : gidId ? Number(gidId) : state.nextId(TX_ID_BASE);
  return {
    id,
    kind,
    status,
    gateway: x.gateway,
    shopAmount,
    shopCurrency: cur.shop,
    presentmentAmount,
    presentmentCurrency: cur.presentment,
    processedAt,
    createdAt: at(x.created_at) ?? processedAt ?? new Date().toISOString(),
    test: x.test === true,
    parentId: typeof x.parent_id === "number" && Number.isSafeInteger(x.parent_id) ? x.parent_id : null,
  };
}

/**
 * Appends a refund payload's transactions to its order (matched by numeric `order_id`). A
 * repeated delivery of the same refund adds nothing (transactions are matched by id). A payload
 * that cannot be read, or names an unknown order, leaves the state alone: the webhook itself is
 * still sent, because tests also send malformed payloads on purpose.
 */
export function appendRefundTransactions(state: SimState, shop: ShopState, payload: JsonObject): number {
  const orderId = payload.order_id;
  if ((typeof orderId !== "number" && typeof orderId !== "string") || !/^\d+$/.test(String(orderId))) return 0;
  const gid = `gid://shopify/Order/${orderId}`;
  const order = shop.orders.get(gid);
  if (!order || !Array.isArray(payload.transactions)) return 0;
  const incoming = payload.transactions.map((t) => fromRestTransaction(state, t, order));
  if (incoming.some((t) => t === null)) return 0;

  const list = [...orderTransactions(state, shop, gid, order)];
  let added = 0;
  for (const tx of incoming as StoredTransaction[]) {
    if (list.some((t) => t.id === tx.id)) continue;
    list.push(tx);
    added += 1;
  }
  shop.transactions.set(gid, list);
  return added;
}
