import { Readable } from "node:stream";
import { createInterface } from "node:readline";
import { z } from "zod";
import { throttledRead } from "./throttled-graphql.server";

// Shopify's bulk operations, whatever they read (orders for a backfill, customers or products for
// the initial import): start one, poll it, cancel it, stream its result file.

const bulkOperation = z.object({
  id: z.string(),
  status: z.enum(["CANCELED", "CANCELING", "COMPLETED", "CREATED", "EXPIRED", "FAILED", "RUNNING"]),
  errorCode: z.string().nullable(),
  objectCount: z.string(),
  url: z.string().url().nullable(),
});
export type BulkOperation = z.infer<typeof bulkOperation>;
const BULK_FIELDS = "id status errorCode objectCount url";

export type BulkStart = { started: string } | { busy: string } | { refused: string };

export async function startBulk(shop: string, query: string): Promise<BulkStart> {
  const data = await throttledRead(shop, "bulkRun",
    `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { ${BULK_FIELDS} } userErrors { field message code } } }`,
    { q: query },
    z.object({ bulkOperationRunQuery: z.object({ bulkOperation: bulkOperation.nullable(), userErrors: z.array(z.object({ message: z.string(), code: z.string().nullish() })) }) }));
  const { bulkOperation: op, userErrors } = data.bulkOperationRunQuery;
  if (op) return { started: op.id };
  const busy = userErrors.find((e) => e.code === "OPERATION_IN_PROGRESS");
  if (busy) return { busy: busy.message };
  return { refused: userErrors.map((e) => e.message).join("; ") || "Shopify did not start the bulk operation" };
}

export async function bulkStatus(shop: string, id: string): Promise<BulkOperation | null> {
  const data = await throttledRead(shop, "bulkStatus", `query($id: ID!) { node(id: $id) { ... on BulkOperation { ${BULK_FIELDS} } } }`, { id },
    z.object({ node: bulkOperation.nullable() }));
  return data.node;
}

export async function cancelBulk(shop: string, id: string): Promise<void> {
  await throttledRead(shop, "bulkCancel", "mutation($id: ID!) { bulkOperationCancel(id: $id) { userErrors { message } } }", { id },
    z.object({ bulkOperationCancel: z.object({ userErrors: z.array(z.object({ message: z.string() })) }).nullable() }));
}

/** The result file, line by line, without holding it in memory (a year of orders is large). */
export async function* bulkLines(url: string): AsyncGenerator<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10 * 60_000) });
  if (!res.ok || !res.body) throw new Error(`downloading the bulk result answered ${res.status}`);
  const lines = createInterface({ input: Readable.fromWeb(res.body as never), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim()) yield line;
}
