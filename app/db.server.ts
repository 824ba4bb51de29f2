import { createRequire } from "node:module";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { PrismaClient } from "@prisma/client";
import { env } from "~/env.server";

// One Prisma client per process. DATABASE_URL picks the flavour: SQLite (embedded default) or
// PostgreSQL. Both clients are generated from the same schema source (prisma/schema.prisma) and
// expose the same model API, so the rest of the app sees a single PrismaClient type.

export type Db = PrismaClient;
export const isPostgres = (url: string) => /^postgres(ql)?:/.test(url);

function create(): Db {
  const url = env().DATABASE_URL;
  // Loaded at run time so the bundler leaves the generated clients (and their wasm) alone.
  const load = createRequire(import.meta.url);
  if (isPostgres(url)) {
    const { PrismaClient: Client } = load(path.resolve(process.cwd(), "generated/postgres/index.js"));
    return new Client({ adapter: new PrismaPg({ connectionString: url, max: 10 }) });
  }
  const { PrismaClient: Client } = load("@prisma/client");
  // Web and worker are separate processes writing one file: wait for the lock instead of failing.
  return new Client({ adapter: new PrismaBetterSQLite3({ url, timeout: 15_000 }) });
}

declare global {
  // eslint-disable-next-line no-var
  var __kontera_db: Db | undefined;
  // eslint-disable-next-line no-var
  var __kontera_db_ready: Promise<void> | undefined;
}

export function db(): Db {
  globalThis.__kontera_db ??= create();
  return globalThis.__kontera_db;
}

/** WAL lets the worker read while the web process writes; call once at process start. */
export function dbReady(): Promise<void> {
  globalThis.__kontera_db_ready ??= isPostgres(env().DATABASE_URL)
    ? Promise.resolve()
    : db().$queryRawUnsafe("PRAGMA journal_mode=WAL").then(() => undefined);
  return globalThis.__kontera_db_ready;
}

export function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002";
}
