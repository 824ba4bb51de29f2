import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import IORedis from "ioredis";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { PrismaClient } from "@prisma/client";

// Real parts for tests: a redis-server process, a fresh SQLite file or PostgreSQL database with
// the migrations applied, free ports. TEST_DB=postgres (with TEST_POSTGRES_URL pointing at a
// server, see scripts/test.sh) runs the same tests on PostgreSQL.

export const ROOT = path.resolve(import.meta.dirname, "../..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export interface RedisServer {
  url: string;
  client: IORedis;
  /** SIGKILL, as a crash or an OOM kill would: nothing is saved (no RDB, no AOF). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** `args`: more redis-server options, e.g. ["--maxmemory-policy", "allkeys-lru"]. */
export async function startRedis(opts: { args?: string[] } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "kontera-redis-"));
  const spawnServer = async () => {
    const p = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, ...(opts.args ?? [])], { stdio: "ignore" });
    await waitFor("redis-server to listen", () => new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1", () => { s.end(); resolve(true); });
      s.on("error", () => resolve(false));
    }), 10_000, 50);
    return p;
  };
  let proc = await spawnServer();
  const url = `redis://127.0.0.1:${port}`;
  const client = new IORedis(url, { maxRetriesPerRequest: 3 });
  client.on("error", () => undefined); // reconnects on its own when a test restarts the server
  const kill = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGKILL");
    await exited;
  };
  return {
    url,
    client,
    kill,
    async restart() {
      await kill();
      proc = await spawnServer();
    },
    async stop() {
      client.disconnect();
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type DbKind = "sqlite" | "postgres";
export const dbKind = (): DbKind => (process.env.TEST_DB === "postgres" ? "postgres" : "sqlite");

export interface TestDatabase {
  url: string;
  kind: DbKind;
  client: PrismaClient;
  drop(): Promise<void>;
}

export function migrate(url: string): void {
  const r = spawnSync("npx", ["prisma", "migrate", "deploy"], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`prisma migrate deploy failed:\n${r.stdout}\n${r.stderr}`);
}

export function openDb(url: string): PrismaClient {
  const load = createRequire(import.meta.url);
  if (url.startsWith("file:")) {
    const { PrismaClient: Client } = load("@prisma/client");
    return new Client({ adapter: new PrismaBetterSQLite3({ url, timeout: 15_000 }) });
  }
  const { PrismaClient: Client } = load(path.join(ROOT, "generated/postgres/index.js"));
  return new Client({ adapter: new PrismaPg({ connectionString: url, max: 4 }) });
}

export async function createDatabase(kind: DbKind = dbKind()): Promise<TestDatabase> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(path.join(os.tmpdir(), "kontera-db-"));
    const url = `file:${path.join(dir, "test.sqlite")}`;
    migrate(url);
    const client = openDb(url);
    await client.$queryRawUnsafe("PRAGMA journal_mode=WAL");
    return { url, kind, client, async drop() { await client.$disconnect(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const server = process.env.TEST_POSTGRES_URL;
  if (!server) throw new Error("TEST_DB=postgres needs TEST_POSTGRES_URL (scripts/test.sh starts a server)");
  const name = `kontera_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = openDb(server);
  await admin.$executeRawUnsafe(`CREATE DATABASE "${name}"`);
  const url = server.replace(/\/[^/?]*(\?.*)?$/, `/${name}$1`).replace(/undefined$/, "");
  migrate(url);
  const client = openDb(url);
  return {
    url, kind, client,
    async drop() {
      await client.$disconnect();
      await admin.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.$disconnect();
    },
  };
}

/** A child process whose output is kept (for failure messages) and can be waited on. */
export interface Child {
  proc: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function startChild(cmd: string, args: string[], env: Record<string, string>, name: string): Child {
  const proc = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const keep = (b: Buffer) => { out = (out + b.toString()).slice(-200_000); };
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  return {
    proc,
    output: () => `--- ${name} ---\n${out}`,
    async kill(signal: NodeJS.Signals = "SIGTERM") {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (proc.exitCode === null && proc.signalCode === null) { proc.kill("SIGKILL"); await exited; }
    },
  };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
