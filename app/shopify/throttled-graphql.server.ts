import { z } from "zod";
import { log } from "~/lib/log.server";
import { adminGraphql } from "./admin-graphql.server";
import { waitFor, type Bucket } from "./cost-bucket";

// Admin GraphQL reads that stay inside Shopify's cost bucket. Every answer reports the bucket
// (extensions.cost.throttleStatus); before the next query we wait until it holds what that query
// cost last time, instead of sending it and being THROTTLED. A THROTTLED answer anyway (another
// process spent the bucket) waits as long as the bucket says and goes again.

const throttleStatus = z.object({ maximumAvailable: z.number(), currentlyAvailable: z.number(), restoreRate: z.number().positive() });
const costExtension = z.object({
  cost: z.object({ requestedQueryCost: z.number().nullish(), actualQueryCost: z.number().nullish(), throttleStatus }).optional(),
}).passthrough();

const buckets = new Map<string, Bucket>();
const lastCost = new Map<string, number>();
const MAX_THROTTLED_RETRIES = 8;
const MAX_QUERY_COST = 1000;

export class ShopifyReadError extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function remember(shop: string, extensions: unknown): z.infer<typeof costExtension>["cost"] {
  const parsed = costExtension.safeParse(extensions);
  const cost = parsed.success ? parsed.data.cost : undefined;
  if (cost) buckets.set(shop, { available: cost.throttleStatus.currentlyAvailable, max: cost.throttleStatus.maximumAvailable, restoreRate: cost.throttleStatus.restoreRate, at: Date.now() });
  return cost;
}

/** The GraphQL errors in what shopify-api throws for an answer with `errors` (GraphqlQueryError). */
function graphqlErrorsOf(e: unknown): { errors: { message?: string; extensions?: { code?: string } }[]; extensions?: unknown } | null {
  const body = (e as { body?: { errors?: { graphQLErrors?: unknown }; extensions?: unknown } })?.body;
  const list = body?.errors?.graphQLErrors;
  return Array.isArray(list) ? { errors: list, extensions: body?.extensions } : null;
}

/**
 * One read, parsed by `schema` (the `data` part). `key` names the query, so its cost is known
 * next time; a query whose answer has `errors` other than THROTTLED fails with their messages.
 */
export async function throttledRead<T>(shop: string, key: string, query: string, variables: Record<string, unknown>, schema: z.ZodType<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    // A query not yet seen is assumed to cost the most any query may (Shopify checks the requested cost).
    const wait = waitFor(buckets.get(shop), lastCost.get(key) ?? MAX_QUERY_COST);
    if (wait > 0) {
      log.debug("waiting for Shopify's cost bucket", { shop, ms: wait });
      await sleep(wait);
    }
    let body: unknown;
    try {
      body = await adminGraphql(shop, query, variables);
    } catch (e) {
      const gql = graphqlErrorsOf(e);
      if (!gql) throw e;
      const cost = remember(shop, gql.extensions);
      if (gql.errors.some((x) => x.extensions?.code === "THROTTLED") && attempt < MAX_THROTTLED_RETRIES) {
        if (cost?.requestedQueryCost) lastCost.set(key, cost.requestedQueryCost);
        const ms = Math.max(500, waitFor(buckets.get(shop), cost?.requestedQueryCost ?? 100));
        log.info("Shopify throttled a read; waiting", { shop, ms });
        await sleep(ms);
        continue;
      }
      throw new ShopifyReadError(`Shopify refused the ${key} query: ${gql.errors.map((x) => x.message).join("; ")}`);
    }
    const envelope = z.object({ data: z.unknown(), extensions: z.unknown().optional() }).safeParse(body);
    if (!envelope.success) throw new ShopifyReadError(`Shopify answered the ${key} query with an unexpected shape`);
    const cost = remember(shop, envelope.data.extensions);
    if (cost?.requestedQueryCost) lastCost.set(key, cost.requestedQueryCost);
    const data = schema.safeParse(envelope.data.data);
    if (!data.success) throw new ShopifyReadError(`Shopify answered the ${key} query with an unexpected shape: ${data.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    return data.data;
  }
}

interface Connection<T> { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: T[] }

/**
 * A nested connection read whole: the nodes a page carried, then the rest through `more` (its
 * next page after a cursor; null when the parent is gone meanwhile).
 */
export async function wholeConnection<T>(first: Connection<T>, more: (after: string | null) => Promise<Connection<T> | null>): Promise<T[]> {
  const nodes = [...first.nodes];
  for (let page = first.pageInfo; page.hasNextPage; ) {
    const next = await more(page.endCursor);
    if (!next) break;
    nodes.push(...next.nodes);
    page = next.pageInfo;
  }
  return nodes;
}
