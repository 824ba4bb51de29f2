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
