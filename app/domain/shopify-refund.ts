import { z } from "zod";
import { money, moneySet } from "./shopify-order";

// The part of Shopify's refunds/create payload (REST-shaped, API 2026-07) that Kontera reads.
// refund_line_items[].subtotal and total_tax are JSON numbers in this payload (their `_set`s are
// strings); numbers are read through their decimal text, never computed with as floats.

const amount = z.union([z.string(), z.number()]).transform((v) => (typeof v === "number" ? String(v) : v)).pipe(money);

const refundLineItem = z
  .object({
    line_item_id: z.number().int(),
    quantity: z.number().int().min(0),
    subtotal: amount,
    subtotal_set: moneySet.nullish(),
    total_tax: amount.default("0"),
    total_tax_set: moneySet.nullish(),
  })
  .passthrough();

const adjustment = z
  .object({
    kind: z.string(),
    amount: amount,
    amount_set: moneySet.nullish(),
    tax_amount: amount.default("0"),
    tax_amount_set: moneySet.nullish(),
  })
  .passthrough();

const refundShippingLine = z
  .object({
    shipping_line_id: z.number().int().nullish(),
    subtotal_amount_set: moneySet,
    tax_amount_set: moneySet.nullish(),
  })
  .passthrough();

const transaction = z
  .object({
    kind: z.string(),
    status: z.string().nullish(),
    gateway: z.string().nullish(),
    amount: amount,
    currency: z.string().nullish(),
    processed_at: z.string().nullish(),
  })
  .passthrough();

export const shopifyRefundSchema = z
  .object({
    id: z.number().int().positive(),
    admin_graphql_api_id: z.string().regex(/^gid:\/\/shopify\/Refund\/\d+$/),
    order_id: z.number().int().positive(),
    created_at: z.string(),
    processed_at: z.string().nullish(),
    note: z.string().nullish(),
    refund_line_items: z.array(refundLineItem).default([]),
    order_adjustments: z.array(adjustment).default([]),
    refund_shipping_lines: z.array(refundShippingLine).default([]),
    transactions: z.array(transaction).default([]),
  })
  .passthrough();

export type ShopifyRefund = z.infer<typeof shopifyRefundSchema>;

export const orderGidOf = (refund: Pick<ShopifyRefund, "order_id">) => `gid://shopify/Order/${refund.order_id}`;
