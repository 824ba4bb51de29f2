import { z } from "zod";
import type { ShopifyCustomer } from "~/domain/customer";
import {
  CUSTOMER_SELECTION,
  graphqlCustomerSchema,
  graphqlProductCoreSchema,
  graphqlVariantSchema,
  PRODUCT_CORE_FIELDS,
  restCustomerFromGraphql,
  restProductFromGraphql,
  VARIANT_FIELDS,
  VARIANTS_PER_PRODUCT,
  type RegisterSubject,
} from "~/domain/graphql-register";
import type { ShopifyProduct } from "~/domain/product";
import { throttledRead, wholeConnection } from "./throttled-graphql.server";

// The initial import's reads of the customer and product registers: a count and pages, sized
// so a page costs well under Shopify's 1000-point query maximum. Large registers are read with a
// bulk operation instead (bulk-operations.server.ts, BULK_QUERIES).

/** A customer costs about 4 points (itself, e-mail, phone, address). */
const CUSTOMERS_PER_PAGE = 100;
/** A product costs about 2 + 2 × VARIANTS_PER_PRODUCT points (its variants and their inventory items). */
const PRODUCTS_PER_PAGE = 10;

const pageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });

export async function countRegister(shop: string, subject: RegisterSubject): Promise<number> {
  const field = subject === "customers" ? "customersCount" : "productsCount";
  const data = await throttledRead(shop, field, `{ ${field}(limit: null) { count precision } }`, {},
    z.object({ [field]: z.object({ count: z.number().int().nonnegative() }).nullable() }));
  return (data[field] as { count: number } | null)?.count ?? 0;
}

export interface RegisterPage {
  items: (ShopifyCustomer | ShopifyProduct)[];
  endCursor: string | null;
  hasNextPage: boolean;
}

const CUSTOMERS_QUERY = `query KonteraImportCustomers($after: String) {
  customers(first: ${CUSTOMERS_PER_PAGE}, after: $after, sortKey: ID) { pageInfo { hasNextPage endCursor } nodes { ${CUSTOMER_SELECTION} } }
}`;
const customersAnswer = z.object({ customers: z.object({ pageInfo, nodes: z.array(graphqlCustomerSchema) }) });

const variantConnection = z.object({ pageInfo, nodes: z.array(graphqlVariantSchema) });
const PRODUCTS_QUERY = `query KonteraImportProducts($after: String) {
  products(first: ${PRODUCTS_PER_PAGE}, after: $after, sortKey: ID) {
    pageInfo { hasNextPage endCursor }
    nodes { ${PRODUCT_CORE_FIELDS} variants(first: ${VARIANTS_PER_PRODUCT}) { pageInfo { hasNextPage endCursor } nodes { ${VARIANT_FIELDS} } } }
  }
}`;
const productsAnswer = z.object({ products: z.object({ pageInfo, nodes: z.array(graphqlProductCoreSchema.extend({ variants: variantConnection })) }) });

const MORE_VARIANTS_QUERY = `query KonteraProductVariants($id: ID!, $after: String) {
  product(id: $id) { variants(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${VARIANT_FIELDS} } } }
}`;
const moreVariantsAnswer = z.object({ product: z.object({ variants: variantConnection }).nullable() });

export async function registerPage(shop: string, subject: RegisterSubject, after: string | null): Promise<RegisterPage> {
  if (subject === "customers") {
    const { customers } = await throttledRead(shop, "importCustomers", CUSTOMERS_QUERY, { after }, customersAnswer);
    return { items: customers.nodes.map(restCustomerFromGraphql), ...customers.pageInfo };
  }
  const { products } = await throttledRead(shop, "importProducts", PRODUCTS_QUERY, { after }, productsAnswer);
  const items: ShopifyProduct[] = [];
  for (const product of products.nodes) {
    // A product with more variants than a page carries: the rest, 100 at a time.
    const variants = await wholeConnection(product.variants, async (after) =>
      (await throttledRead(shop, "productVariants", MORE_VARIANTS_QUERY, { id: product.id, after }, moreVariantsAnswer)).product?.variants ?? null);
    items.push(restProductFromGraphql(product, variants));
  }
  return { items, ...products.pageInfo };
}
