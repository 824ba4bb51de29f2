import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { randomUUID } from "node:crypto";

// Prisma 6.19 offline: the bundled wasm schema engine ("js") through a driver adapter, because the
// native engines cannot be downloaded here. DATABASE_URL picks SQLite (file:) or PostgreSQL.
// The patches below work around known bugs on that path; see README "Database".
const url = process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite";
const isPostgres = /^postgres(ql)?:/.test(url);

// The wasm engine leaves 10 s / 60 s timers behind that keep the CLI alive for a minute.
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((fn: any, ms?: number, ...a: any[]) => {
  const t: any = realSetTimeout(fn, ms, ...a);
  if ((ms ?? 0) >= 5_000) t?.unref?.();
  return t;
}) as typeof setTimeout;

// SQLite: migrate-dev's shadow replay sends multi-statement scripts that better-sqlite3 refuses.
function patchSqlite(adapter: any) {
  const q = Object.getPrototypeOf(Object.getPrototypeOf(adapter));
  if (q.__patched) return;
  const orig = q.executeIO;
  q.executeIO = function (query: any) {
    if (query.args.length === 0) {
      try { return orig.call(this, query); }
      catch (e: any) {
        if (!/more than one statement/i.test(String(e?.cause?.message ?? e?.message ?? JSON.stringify(e)))) throw e;
        this.client.exec(query.sql);
        return Promise.resolve({ changes: 0 });
      }
    }
    return orig.call(this, query);
  };
  q.__patched = true;
}

// PostgreSQL: prisma/orm#27403, catalog columns of type `name`/"char" fail to deserialize.
function patchPg(adapter: any) {
  const q = Object.getPrototypeOf(Object.getPrototypeOf(adapter));
  if (q.__patched) return;
  const orig = q.performIO;
  q.performIO = async function (query: any) {
    const r = await orig.call(this, query);
    for (const f of r?.fields ?? []) if (f.dataTypeID === 19 || f.dataTypeID === 18) f.dataTypeID = 25;
    return r;
  };
  q.__patched = true;
}

function pgConfig(database?: string) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password), database: database ?? u.pathname.slice(1),
    allowExitOnIdle: true, idleTimeoutMillis: 1000 };
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: isPostgres ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma",
  async adapter() {
    if (!isPostgres) {
      const factory = new PrismaBetterSQLite3({ url });
      const probe = await factory.connect(); patchSqlite(probe); await probe.dispose();
      return factory;
    }
    const factory: any = new PrismaPg(pgConfig());
    const probe = await factory.connect(); patchPg(probe); await probe.dispose();
    // The shadow database must be closed before it is dropped.
    factory.connectToShadowDb = async () => {
      const admin = await new PrismaPg(pgConfig()).connect();
      const name = `prisma_shadow_${randomUUID().replace(/-/g, "")}`;
      await admin.executeScript(`CREATE DATABASE "${name}"`);
      const shadow: any = await new PrismaPg(pgConfig(name)).connect();
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => { await dispose(); await admin.executeScript(`DROP DATABASE IF EXISTS "${name}"`); await admin.dispose(); };
      return shadow;
    };
    return factory;
  },
});
