import { randomBytes } from "node:crypto";
import path from "node:path";
import { startFortnoxSimulator, type FortnoxSim } from "../simulators/fortnox/server";
import { startShopifySimulator, type ShopifySim } from "../simulators/shopify/server";
import { startVismaSimulator, type VismaSim } from "../simulators/visma/server";
import { createDatabase, freePort, ROOT, startChild, startRedis, waitFor, type Child, type DbKind, type RedisServer, type TestDatabase } from "./services";

// The whole product on real parts, as separate processes talking HTTP: redis-server, a database,
// the Fortnox, Visma and Shopify simulators, the Remix app (remix-serve of the production build) and the
// worker. Used by the integration tests and by `npm run demo`.

export interface StackOptions {
  db?: DbKind;
  /** Extra environment for the app and worker (tuning like SWEEPER_INTERVAL_MS). */
  env?: Record<string, string>;
  startWorker?: boolean;
  /** Use an already running Fortnox (API + OAuth base URLs) instead of starting the simulator. */
  fortnox?: { apiUrl: string; authUrl: string; clientId: string; clientSecret: string };
  fortnoxAccessTokenTtlSeconds?: number;
  fortnoxRateLimit?: { max: number; windowMs: number };
  vismaRateLimit?: { max: number; windowMs: number };
}

export type Target = "fortnox" | "visma";

export interface ConnectOptions {
  /** Which system (default Fortnox). */
  provider?: Target;
  /** Fortnox: the tenant to approve as (default the simulator's 1001). */
  tenant?: number;
  /** Visma: the company to approve as (default the simulator's seeded one). */
  company?: string;
  /** Switching systems with unbooked orders: the merchant's answer. */
  onSwitch?: "move" | "keep" | "cancel";
}

export interface Stack {
  redis: RedisServer;
  db: TestDatabase;
  fortnoxSim: FortnoxSim | null;
  vismaSim: VismaSim;
  shopifySim: ShopifySim;
  appUrl: string;
  env: Record<string, string>;
  app: Child;
  worker: Child | null;
  startWorker(extraEnv?: Record<string, string>): Promise<Child>;
  /** Another web process on the same database and Redis (as behind a load balancer); returns its origin. */
  startApp(): Promise<string>;
  stopWorker(signal?: NodeJS.Signals): Promise<void>;
  sessionToken(shop: string): Promise<string>;
  /** A request from the embedded admin: browser user agent, App Bridge session token. */
  adminFetch(shop: string, path: string, init?: RequestInit): Promise<Response>;
  /**
   * A merchant's browser up to Fortnox or Visma sending it back: the app opened (token exchange
   * installs it), Connect clicked, our start address opened (it sets the cookie that binds the
   * state), approved there. Returns the callback address and the cookie the browser holds;
   * installAndConnect opens the one with the other.
   */
  approveConnect(shop: string, opts?: ConnectOptions): Promise<{ callback: string; cookie: string }>;
  installAndConnect(shop: string, opts?: ConnectOptions): Promise<void>;
  sendWebhook(shop: string, topic: string, payload: unknown, opts?: { deliveries?: number }): Promise<{ deliveries: { status: number }[] }>;
  output(): string;
  stop(): Promise<void>;
}

// shopify-app-remix answers bots (which includes Node's default user agent) with 410.
export const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

export const bin = (name: string) => path.join(ROOT, "node_modules/.bin", name);

/** What Kontera wrote back onto an order in the Shopify simulator: its status metafield (JSON) and its tags. */
export async function writtenBack(stack: Stack, shop: string, orderGid: string): Promise<{ status?: string; documentNumber?: string | null; tags: string[] }> {
  const writes = await (await fetch(`${stack.shopifySim.url}/__sim/writes?shop=${shop}`)).json();
  const metafield = Object.entries(writes.metafields[orderGid] ?? {}).find(([k]) => k.endsWith(".accounting_sync"))?.[1] as { value: string } | undefined;
  return { ...(metafield ? JSON.parse(metafield.value) : {}), tags: writes.tags[orderGid] ?? [] };
}

export async function postJson(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const redis = await startRedis();
  const db = await createDatabase(opts.db);
  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  const apiKey = `kontera-test-${randomBytes(4).toString("hex")}`;
  const apiSecret = randomBytes(24).toString("hex");
  const fortnoxClient = opts.fortnox ?? { clientId: `fx-${randomBytes(4).toString("hex")}`, clientSecret: randomBytes(16).toString("hex") };

  const fortnoxSim = opts.fortnox
    ? null
    : await startFortnoxSimulator({
        clients: [{ ...fortnoxClient, redirectUris: [`${appUrl}/oauth/fortnox/callback`] }],
        accessTokenTtlSeconds: opts.fortnoxAccessTokenTtlSeconds,
        rateLimit: opts.fortnoxRateLimit,
      });
  const vismaClient = { clientId: `vi-${randomBytes(4).toString("hex")}`, clientSecret: randomBytes(16).toString("hex") };
  const vismaSim = await startVismaSimulator({
    clients: [{ ...vismaClient, redirectUris: [`${appUrl}/oauth/visma/callback`] }],
    rateLimit: opts.vismaRateLimit,
  });
  const shopifySim = await startShopifySimulator({ apiKey, apiSecret, appUrl, appTomlPath: path.join(ROOT, "shopify.app.toml") });

  const env: Record<string, string> = {
    NODE_ENV: "test",
    SHOPIFY_API_KEY: apiKey,
    SHOPIFY_API_SECRET: apiSecret,
    SHOPIFY_APP_URL: appUrl,
    SHOPIFY_ADMIN_ORIGIN: shopifySim.url,
    SCOPES: "read_orders,write_orders,read_customers,read_products,read_inventory,write_inventory,read_locations",
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    FORTNOX_CLIENT_ID: fortnoxClient.clientId,
    FORTNOX_CLIENT_SECRET: fortnoxClient.clientSecret,
    FORTNOX_API_URL: opts.fortnox?.apiUrl ?? fortnoxSim!.apiUrl,
    FORTNOX_AUTH_URL: opts.fortnox?.authUrl ?? fortnoxSim!.authUrl,
    VISMA_CLIENT_ID: vismaClient.clientId,
    VISMA_CLIENT_SECRET: vismaClient.clientSecret,
    VISMA_API_URL: vismaSim.apiUrl,
    VISMA_AUTH_URL: vismaSim.authUrl,
    SYNC_RETRY_BASE_MS: "500",
    SYNC_LOCK_MS: "5000",
    SWEEPER_INTERVAL_MS: "2000",
    SWEEPER_STALE_MS: "3000",
    LOG_LEVEL: "info",
    ...opts.env,
  };

  const serve = async (port: number, name: string) => {
    const child = startChild(bin("remix-serve"), ["build/server/index.js"], { ...env, PORT: String(port), HOST: "127.0.0.1" }, name);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitFor(`${name} to answer /healthz`, async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok, 60_000);
    } catch (e) {
      await child.kill("SIGKILL");
      throw new Error(`${(e as Error).message}\n${child.output()}`);
    }
    return child;
  };
  let app: Child;
  try {
    app = await serve(appPort, "app");
  } catch (e) {
    await Promise.all([shopifySim.close(), fortnoxSim?.close(), vismaSim.close(), db.drop(), redis.stop()]);
    throw e;
  }

  const workers: Child[] = [];
  const moreApps: Child[] = [];
  const stack: Stack = {
    redis, db, fortnoxSim, vismaSim, shopifySim, appUrl, env, app,
    worker: null,
    async startWorker(extraEnv = {}) {
      // node itself, with tsx as a loader: the tsx CLI would run the worker in a grandchild that
      // a SIGKILL of the child leaves running.
      const w = startChild(process.execPath, ["--import", "tsx", "app/queue/worker.ts"], { ...env, ...extraEnv }, `worker ${workers.length + 1}`);
      workers.push(w);
      stack.worker = w;
      return w;
    },
    async startApp() {
      const port = await freePort();
      moreApps.push(await serve(port, `app ${moreApps.length + 2}`));
      return `http://127.0.0.1:${port}`;
    },
    async stopWorker(signal = "SIGTERM") {
      await stack.worker?.kill(signal);
    },
    async sessionToken(shop) {
      return (await postJson(`${shopifySim.url}/__sim/session-token`, { shop })).idToken;
    },
    async adminFetch(shop, path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set("Authorization", `Bearer ${await stack.sessionToken(shop)}`);
      headers.set("User-Agent", BROWSER);
      return fetch(`${appUrl}${path}`, { ...init, headers });
    },
    async approveConnect(shop, o = {}) {
      const provider = o.provider ?? "fortnox";
      const res = await stack.adminFetch(shop, "/app/connection", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ intent: "connect", provider, ...(o.onSwitch ? { onSwitch: o.onSwitch } : {}) }),
      });
      const body = await res.text();
      if (!res.ok) throw new Error(`connect failed: ${res.status} ${body}\n${app.output()}`);
      const { authorizeUrl } = JSON.parse(body);
      const start = await fetch(authorizeUrl, { redirect: "manual" });
      const cookie = start.headers.get("set-cookie")?.split(";")[0];
      const toProvider = start.headers.get("location");
      if (start.status !== 302 || !cookie || !toProvider) throw new Error(`the connect start answered ${start.status} (cookie ${cookie ? "set" : "missing"}): ${await start.text()}`);
      const authorize = new URL(toProvider);
      if (o.tenant) authorize.searchParams.set("tenant", String(o.tenant));
      if (o.company) authorize.searchParams.set("company", o.company);
      const approve = await fetch(authorize, { redirect: "manual" });
      const callback = approve.headers.get("location");
      if (approve.status !== 302 || !callback) throw new Error(`${provider} authorize answered ${approve.status}: ${await approve.text()}`);
      return { callback, cookie };
    },
    async installAndConnect(shop, o = {}) {
      const { callback, cookie } = await stack.approveConnect(shop, o);
      const done = await fetch(callback, { redirect: "manual", headers: { Cookie: cookie } });
      if (done.status !== 302) throw new Error(`callback answered ${done.status}: ${await done.text()}\n${app.output()}`);
    },
    async sendWebhook(shop, topic, payload, o = {}) {
      return postJson(`${shopifySim.url}/__sim/webhooks`, { shop, topic, payload, deliveries: o.deliveries ?? 1 });
    },
    output: () => [app.output(), ...moreApps.map((a) => a.output()), ...workers.map((w) => w.output())].join("\n"),
    async stop() {
      // KONTERA_TEST_LOGS=dir keeps every process's output for a post-mortem.
      if (process.env.KONTERA_TEST_LOGS) {
        const { mkdirSync, writeFileSync } = await import("node:fs");
        mkdirSync(process.env.KONTERA_TEST_LOGS, { recursive: true });
        writeFileSync(path.join(process.env.KONTERA_TEST_LOGS, `stack-${Date.now()}.log`), stack.output());
      }
      await Promise.all(workers.map((w) => w.kill("SIGKILL")));
      await Promise.all([app, ...moreApps].map((a) => a.kill()));
      await shopifySim.close();
      await fortnoxSim?.close();
      await vismaSim.close();
      await db.drop();
      await redis.stop();
    },
  };
  if (opts.startWorker !== false) await stack.startWorker();
  return stack;
}

/**
 * Waits until the shop has `expected` invoice jobs and every job is settled: not pending, retrying
 * or running, and not waiting for an invoice that is booked (it is about to be released).
 */
export async function waitSettled(stack: Stack, shop: string, expected: number, timeoutMs = 120_000) {
  return waitFor(`${expected} settled jobs`, async () => {
    const all = await stack.db.client.syncJob.findMany({ where: { shop } });
    const invoices = all.filter((j) => j.kind === "invoice");
    const booked = new Set(invoices.filter((j) => j.status === "succeeded" || j.status === "cancelled").map((j) => j.subjectId));
    const open = all.filter((j) => ["pending", "retrying", "running"].includes(j.status) || (j.status === "waiting" && booked.has(j.orderId ?? "")));
    return invoices.length >= expected && open.length === 0 ? invoices : null;
  }, timeoutMs, 250).catch((e) => { throw new Error(`${e.message}\n${stack.output().slice(-6000)}`); });
}
