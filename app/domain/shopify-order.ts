import { z } from "zod";
import { isDecimal } from "./money";

// The part of Shopify's REST-shaped order webhook payload (API 2026-07) that Kontera reads.
// Unknown fields pass through untouched; what we read must have the shape we expect.

export const money = z.string().refine(isDecimal, "must be a decimal amount with at most 2 decimals");
/** Shopify's `*_set`: the amount in the shop's currency and in the currency the buyer saw. */
export const moneySet = z.object({
  shop_money: z.object({ amount: money, currency_code: z.string() }),
  presentment_money: z.object({ amount: money, currency_code: z.string() }),
});
const taxLine = z.object({ rate: z.number().min(0).max(1), price: money, price_set: moneySet.nullish(), title: z.string().optional() });
const allocation = z.object({ amount: money, amount_set: moneySet.nullish() });
/** A Shopify address (orders' billing and shipping, customers' default). */
export const shopifyAddressSchema = z
  .object({
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    name: z.string().nullish(),
    company: z.string().nullish(),
    address1: z.string().nullish(),
    address2: z.string().nullish(),
    zip: z.string().nullish(),
    city: z.string().nullish(),
    country_code: z.string().nullish(),
    country: z.string().nullish(),
    province: z.string().nullish(),
    province_code: z.string().nullish(),
    phone: z.string().nullish(),
  })
  .passthrough();

export const shopifyOrderSchema = z
  .object({
    id: z.number().int().positive(),
    admin_graphql_api_id: z.string().regex(/^gid:\/\/shopify\/Order\/\d+$/),
    name: z.string().min(1),
    order_number: z.number().int().optional(),
    email: z.string().nullish(),
    phone: z.string().nullish(),
    /** Read by mapping rules (templates, the sales-channel condition). */
    note: z.string().nullish(),
    source_name: z.string().nullish(),
    po_number: z.string().nullish(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    presentment_currency: z.string().regex(/^[A-Z]{3}$/).nullish(),
    taxes_included: z.boolean(),
    financial_status: z.string().nullish(),
    fulfillment_status: z.string().nullish(),
    cancelled_at: z.string().nullish(),
    created_at: z.string(),
    processed_at: z.string().nullish(),
    updated_at: z.string().nullish(),
    total_price: money,
    total_price_set: moneySet.nullish(),
    subtotal_price: money.optional(),
    total_discounts: money.optional(),
    total_tax: money.optional(),
    total_tax_set: moneySet.nullish(),
    /** Tips are in the shop's currency only (the REST payload has no `_set` for them). */
    total_tip_received: money.nullish(),
    payment_gateway_names: z.array(z.string()).default([]),
    tags: z.string().nullish(),
    test: z.boolean().optional(),
    customer: z
      .object({
        id: z.number().int(),
        email: z.string().nullish(),
        first_name: z.string().nullish(),
        last_name: z.string().nullish(),
        phone: z.string().nullish(),
      })
      .passthrough()
      .nullish(),
    billing_address: shopifyAddressSchema.nullish(),
    shipping_address: shopifyAddressSchema.nullish(),
    note_attributes: z.array(z.object({ name: z.string(), value: z.string().nullish() })).default([]),
    line_items: z
      .array(
        z
          .object({
            id: z.number().int(),
            sku: z.string().nullish(),
            variant_id: z.number().int().nullish(),
            /** Not in Shopify's payload: the variant's barcode, added before mapping when the article key is the EAN. */
            barcode: z.string().nullish(),
            title: z.string(),
            variant_title: z.string().nullish(),
            quantity: z.number().int().positive(),
            price: money,
            price_set: moneySet.nullish(),
            total_discount: money.default("0.00"),
            total_discount_set: moneySet.nullish(),
            gift_card: z.boolean().default(false),
            tax_lines: z.array(taxLine).default([]),
            discount_allocations: z.array(allocation).default([]),
          })
          .passthrough(),
      )
      .min(1),
    shipping_lines: z
      .array(
        z
          .object({
            title: z.string(),
            price: money,
            price_set: moneySet.nullish(),
            tax_lines: z.array(taxLine).default([]),
            discount_allocations: z.array(allocation).default([]),
          })
          .passthrough(),
      )
      .default([]),
  })
  .passthrough();

export type ShopifyOrder = z.infer<typeof shopifyOrderSchema>;

/** A readable, field-by-field account of what is wrong with a payload, without its values. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`)
    .join("; ");
}
