import { z } from "zod";
import type { ShopifyCustomer } from "./customer";
import type { ShopifyProduct } from "./product";

// Shopify's customers and products as the Admin GraphQL API gives them, turned into the
// customers/* and products/* webhook payloads Kontera already reads: the initial import writes
// each one through the same ingest and jobs as its webhook would.

export const REGISTER_SUBJECTS = ["customers", "products"] as const;
export type RegisterSubject = (typeof REGISTER_SUBJECTS)[number];

const legacyId = z.string().regex(/^\d+$/).transform(Number);

export const CUSTOMER_SELECTION = `id legacyResourceId firstName lastName updatedAt
defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber }
defaultAddress { firstName lastName company address1 address2 city zip province provinceCode countryCodeV2 phone }`;

export const graphqlCustomerSchema = z.object({
  id: z.string().regex(/^gid:\/\/shopify\/Customer\/\d+$/),
  legacyResourceId: legacyId,
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  updatedAt: z.string(),
  defaultEmailAddress: z.object({ emailAddress: z.string().nullable() }).nullable(),
  defaultPhoneNumber: z.object({ phoneNumber: z.string() }).nullable(),
  defaultAddress: z
    .object({
      firstName: z.string().nullable(), lastName: z.string().nullable(), company: z.string().nullable(),
      address1: z.string().nullable(), address2: z.string().nullable(), city: z.string().nullable(), zip: z.string().nullable(),
      province: z.string().nullable(), provinceCode: z.string().nullable(), countryCodeV2: z.string().nullable(), phone: z.string().nullable(),
    })
    .nullable(),
});
export type GraphqlCustomer = z.infer<typeof graphqlCustomerSchema>;

/**
 * The customers/update payload for a GraphQL customer. Its currency (REST: the last order's) is
 * left out, as for a customer who never ordered: the job books such customers in SEK.
 */
export function restCustomerFromGraphql(c: GraphqlCustomer): ShopifyCustomer {
  const a = c.defaultAddress;
  return {
    id: c.legacyResourceId,
    admin_graphql_api_id: c.id,
    email: c.defaultEmailAddress?.emailAddress ?? null,
    first_name: c.firstName,
    last_name: c.lastName,
    phone: c.defaultPhoneNumber?.phoneNumber ?? null,
    updated_at: c.updatedAt,
    default_address: a && {
      first_name: a.firstName, last_name: a.lastName, company: a.company, address1: a.address1, address2: a.address2,
      city: a.city, zip: a.zip, province: a.province, province_code: a.provinceCode, country_code: a.countryCodeV2, phone: a.phone,
    },
  };
}

/** Variants read with a product on a page; a product with more is read on (each costs its `first`). */
export const VARIANTS_PER_PRODUCT = 20;

export const VARIANT_FIELDS = "id legacyResourceId title sku barcode price inventoryItem { requiresShipping }";
export const PRODUCT_CORE_FIELDS = "id legacyResourceId title updatedAt";

export const graphqlVariantSchema = z.object({
  id: z.string(),
  legacyResourceId: legacyId,
  title: z.string().nullable(),
  sku: z.string().nullable(),
  barcode: z.string().nullable(),
  price: z.string(),
  inventoryItem: z.object({ requiresShipping: z.boolean() }).nullable(),
});
export type GraphqlVariant = z.infer<typeof graphqlVariantSchema>;

export const graphqlProductCoreSchema = z.object({
  id: z.string().regex(/^gid:\/\/shopify\/Product\/\d+$/),
  legacyResourceId: legacyId,
  title: z.string(),
  updatedAt: z.string(),
});
export type GraphqlProductCore = z.infer<typeof graphqlProductCoreSchema>;

export function restProductFromGraphql(p: GraphqlProductCore, variants: GraphqlVariant[]): ShopifyProduct {
  return {
    id: p.legacyResourceId,
    admin_graphql_api_id: p.id,
    title: p.title,
    updated_at: p.updatedAt,
    variants: variants.map((v) => ({
      id: v.legacyResourceId, title: v.title, sku: v.sku, barcode: v.barcode, price: v.price,
      requires_shipping: v.inventoryItem?.requiresShipping ?? null,
    })),
  };
}

export const BULK_QUERIES: Record<RegisterSubject, string> = {
  customers: `{ customers(sortKey: ID) { edges { node { ${CUSTOMER_SELECTION} } } } }`,
  products: `{ products(sortKey: ID) { edges { node { ${PRODUCT_CORE_FIELDS} variants { edges { node { __typename ${VARIANT_FIELDS} } } } } } } }`,
};

/**
 * Customers or products from a bulk result's lines, each returned once complete. A product's
 * variants follow it as lines of their own (`__parentId`), so a product is complete when the
 * next one starts (or at the end: flush).
 */
export class BulkRegisterAssembler {
  private product: { core: GraphqlProductCore; variants: GraphqlVariant[] } | null = null;

  constructor(private readonly subject: RegisterSubject) {}

  push(line: string): ShopifyCustomer | ShopifyProduct | null {
    const raw: unknown = JSON.parse(line);
    if (this.subject === "customers") return restCustomerFromGraphql(graphqlCustomerSchema.parse(raw));
    const parent = z.object({ __parentId: z.string().optional() }).passthrough().parse(raw);
    if (!parent.__parentId) {
      const done = this.flush();
      this.product = { core: graphqlProductCoreSchema.parse(raw), variants: [] };
      return done;
    }
    if (!this.product || parent.__parentId !== this.product.core.id) throw new Error(`bulk line for ${parent.__parentId} arrived outside its product`);
    this.product.variants.push(graphqlVariantSchema.parse(raw));
    return null;
  }

  flush(): ShopifyProduct | null {
    const p = this.product;
    this.product = null;
    return p ? restProductFromGraphql(p.core, p.variants) : null;
  }
}
