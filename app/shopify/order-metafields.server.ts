import { z } from "zod";
import { adminGraphql } from "./admin-graphql.server";
import { permanent, retryable } from "~/connectors/errors";

// The order metafields the shop's mapping rules read, and only those: one aliased
// `metafield(namespace, key)` per key, so the query's cost stays that of the rules.

const KEY = /^([A-Za-z0-9_-]{2,255})\.([A-Za-z0-9_-]{2,64})$/;

function query(count: number): string {
  const params = Array.from({ length: count }, (_, i) => `$ns${i}: String!, $key${i}: String!`).join(", ");
  const fields = Array.from({ length: count }, (_, i) => `m${i}: metafield(namespace: $ns${i}, key: $key${i}) { value }`).join("\n    ");
  return `#graphql
query KonteraOrderMetafields($id: ID!, ${params}) {
  order(id: $id) {
    id
    ${fields}
  }
}`;
}

const answer = z.object({
  data: z.object({ order: z.record(z.string(), z.union([z.string(), z.object({ value: z.string() }).nullable()])).nullable() }),
});

/** `namespace.key` → value for the keys the order has; keys it lacks are left out. */
export async function orderMetafields(shop: string, orderGid: string, keys: string[]): Promise<Record<string, string>> {
  const valid = keys.filter((k) => KEY.test(k));
  if (!valid.length) return {};
  const variables: Record<string, unknown> = { id: orderGid };
  valid.forEach((k, i) => {
    const [, ns, key] = KEY.exec(k)!;
    variables[`ns${i}`] = ns;
    variables[`key${i}`] = key;
  });
  let body: unknown;
  try {
    body = await adminGraphql(shop, query(valid.length), variables);
  } catch (e) {
    throw retryable(`reading the order's metafields from Shopify failed: ${(e as Error).message}`, "shopify_read");
  }
  const parsed = answer.safeParse(body);
  if (!parsed.success) throw retryable("Shopify answered the metafields query with an unexpected shape", "shopify_read");
  const order = parsed.data.data.order;
  if (!order) throw permanent(`Shopify no longer knows order ${orderGid}`, "order_not_found");
  const out: Record<string, string> = {};
  valid.forEach((k, i) => {
    const field = order[`m${i}`];
    if (field && typeof field === "object") out[k] = field.value;
  });
  return out;
}
