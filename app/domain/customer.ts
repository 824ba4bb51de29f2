import { z } from "zod";
import type { DocumentCustomer } from "./accounting";
import { clean, customerAddress } from "./mapping";
import { shopifyAddressSchema } from "./shopify-order";

// A Shopify customer (the customers/create and customers/update payload) as the accounting
// customer Kontera keeps in step with it. The key is the one order mapping gives the same buyer
// (shopify:<id>, per currency), so a customer made for an order and one synced here are one.

export const shopifyCustomerSchema = z.object({
  id: z.number().int().positive(),
  admin_graphql_api_id: z.string().regex(/^gid:\/\/shopify\/Customer\/\d+$/),
  email: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  phone: z.string().nullish(),
  currency: z.string().regex(/^[A-Z]{3}$/).nullish(),
  updated_at: z.string().nullish(),
  default_address: shopifyAddressSchema.nullish(),
});
export type ShopifyCustomer = z.infer<typeof shopifyCustomerSchema>;

/** customers/delete carries the id alone. */
export const deletedCustomerSchema = z.object({ id: z.number().int().positive() });

export { CUSTOMER_FIELDS, type CustomerField } from "./settings";

export const customerGid = (id: number) => `gid://shopify/Customer/${id}`;

export function customerKey(id: number, currency: string): string {
  return `shopify:${id}${currency === "SEK" ? "" : `:${currency}`}`;
}

export function customerFromShopify(c: ShopifyCustomer, shopCurrency: string): DocumentCustomer {
  const a = c.default_address ?? undefined;
  const currency = c.currency ?? shopCurrency;
  const company = clean(a?.company);
  const person = [c.first_name, c.last_name].map(clean).filter(Boolean).join(" ");
  const email = clean(c.email)?.toLowerCase();
  return {
    key: customerKey(c.id, currency),
    type: company ? "COMPANY" : "PRIVATE",
    name: company ?? (person || email || `Shopify customer ${c.id}`),
    email,
    phone: clean(c.phone ?? a?.phone),
    ...customerAddress(a),
    currency,
  };
}
