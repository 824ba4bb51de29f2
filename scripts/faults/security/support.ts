import { createHmac } from "node:crypto";
import type { Stack } from "../../../test/helpers/stack";

// What the security checks share: the seed of a run (a failing case can be replayed), and dumps of
// everything the product keeps, the database and Redis, as text to search for values that must
// not be there. The dumps read the stores directly, table by table and key by key, so a table or
// key added later is searched without anyone remembering to add it here.

/** FAULTS_SEED replays a run; otherwise every run draws new cases and says which seed it used. */
export function seedFromEnv(): number {
  const given = Number(process.env.FAULTS_SEED);
  return Number.isInteger(given) && given > 0 ? given : (Date.now() % 2_147_483_647) || 1;
}

export const randomHex = (rnd: () => number, n: number) => Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(rnd() * 16)]).join("");

const jsonSafe = (_k: string, v: unknown) =>
  typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v;

async function tableNames(stack: Stack): Promise<string[]> {
  const db = stack.db.client;
  if (stack.db.kind === "sqlite") {
    const rows = await db.$queryRawUnsafe<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    return rows.map((r) => r.name);
  }
  const rows = await db.$queryRawUnsafe<{ tablename: string }[]>("SELECT tablename::text AS tablename FROM pg_tables WHERE schemaname = current_schema()");
  return rows.map((r) => r.tablename);
}

export interface DumpedRow {
  table: string;
  text: string;
}

/** Every row of every table (Prisma's own bookkeeping included), each as one line of JSON. */
export async function dumpDatabase(stack: Stack): Promise<DumpedRow[]> {
  const out: DumpedRow[] = [];
  for (const table of await tableNames(stack)) {
    const rows = await stack.db.client.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${table.replace(/"/g, '""')}"`);
    for (const row of rows) out.push({ table, text: JSON.stringify(row, jsonSafe) });
  }
  return out;
}

export interface DumpedKey {
  key: string;
  type: string;
  text: string;
}

/** Every Redis key with its value, whatever its type (strings, hashes, lists, sets, sorted sets, streams). */
export async function dumpRedis(stack: Stack): Promise<DumpedKey[]> {
  const r = stack.redis.client;
  const keys = new Set<string>();
  let cursor = "0";
  do {
    const [next, batch] = await r.scan(cursor, "COUNT", 1000);
    for (const k of batch) keys.add(k);
    cursor = next;
  } while (cursor !== "0");
  const out: DumpedKey[] = [];
  for (const key of keys) {
    const type = await r.type(key);
    let value: unknown;
    switch (type) {
      case "string": value = await r.get(key); break;
      case "hash": value = await r.hgetall(key); break;
      case "list": value = await r.lrange(key, 0, -1); break;
      case "set": value = await r.smembers(key); break;
      case "zset": value = await r.zrange(key, 0, -1, "WITHSCORES"); break;
      case "stream": value = await r.xrange(key, "-", "+"); break;
      case "none": continue; // expired between SCAN and TYPE
      default: value = `(unread type ${type})`;
    }
    out.push({ key, type, text: JSON.stringify(value) });
  }
  return out;
}

/** Case-insensitive: a value that was upper- or lower-cased on its way is still the value. */
export const contains = (haystack: string, needle: string) => haystack.toLowerCase().includes(needle.toLowerCase());

/** Where a needle occurs in a log, with a little context (never the whole log). */
export function around(text: string, needle: string, width = 80): string {
  const i = text.toLowerCase().indexOf(needle.toLowerCase());
  if (i < 0) return "";
  return text.slice(Math.max(0, i - width), i + needle.length + width).replace(/\s+/g, " ");
}

const columnsCache = new WeakMap<Stack, Promise<Map<string, string[]>>>();

/** Each table's columns, read once per stack. */
function columns(stack: Stack): Promise<Map<string, string[]>> {
  let cached = columnsCache.get(stack);
  if (!cached) {
    cached = (async () => {
      const db = stack.db.client;
      const out = new Map<string, string[]>();
      for (const table of await tableNames(stack)) {
        const rows = stack.db.kind === "sqlite"
          ? await db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM pragma_table_info('${table.replace(/'/g, "''")}')`)
          : await db.$queryRawUnsafe<{ name: string }[]>("SELECT column_name::text AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1", table);
        out.set(table, rows.map((r) => r.name));
      }
      return out;
    })();
    columnsCache.set(stack, cached);
  }
  return cached;
}

/**
 * Every row that belongs to the shop, as one text to compare before and after a request: the rows
 * of each table with a shop column, and the rows of each table that hangs off a job (syncJobId).
 * Found by column, so a table added later is compared without anyone remembering to add it.
 */
export async function shopState(stack: Stack, shop: string): Promise<string> {
  const db = stack.db.client;
  const p = (n: number) => (stack.db.kind === "sqlite" ? "?" : `$${n}`);
  const parts: string[] = [];
  const jobIds: string[] = [];
  const tables = [...(await columns(stack))].sort(([a], [b]) => a.localeCompare(b));
  for (const [table, cols] of tables) {
    if (!cols.includes("shop")) continue;
    const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${table.replace(/"/g, '""')}" WHERE "shop" = ${p(1)}`, shop);
    const texts = rows.map((r) => JSON.stringify(r, jsonSafe)).sort();
    if (table === "SyncJob") jobIds.push(...rows.map((r) => String(r.id)));
    parts.push(`${table}: ${texts.join("\n")}`);
  }
  for (const [table, cols] of tables) {
    if (!cols.includes("syncJobId") || !jobIds.length) continue;
    const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${table.replace(/"/g, '""')}" WHERE "syncJobId" IN (${jobIds.map((_, i) => p(i + 1)).join(", ")})`, ...jobIds);
    parts.push(`${table}: ${rows.map((r) => JSON.stringify(r, jsonSafe)).sort().join("\n")}`);
  }
  return parts.join("\n");
}

/** The first line that differs between two shopState texts (for a failure message). */
export function firstDifference(before: string, after: string): string {
  const a = before.split("\n");
  const b = after.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `was ${(a[i] ?? "(nothing)").slice(0, 160)} / now ${(b[i] ?? "(nothing)").slice(0, 160)}`;
  }
  return "(no difference)";
}

/** The headers of a genuine Shopify webhook delivery of `body`, signed with the app secret. */
export function webhookHeaders(body: Buffer | string, secret: string, shop: string, topic: string, eventId: string): Record<string, string> {
  return {
    "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(body).digest("base64"), "X-Shopify-Topic": topic,
    "X-Shopify-Shop-Domain": shop, "X-Shopify-Webhook-Id": eventId, "X-Shopify-Event-Id": eventId, "X-Shopify-API-Version": "2026-07",
  };
}
