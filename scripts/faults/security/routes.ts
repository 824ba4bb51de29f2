import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { generateOrders } from "../../../test/fixtures/shopify/orders";
import { ROOT } from "../../../test/helpers/services";
import { BROWSER, postJson, waitSettled, type Stack } from "../../../test/helpers/stack";
import { signHs256 } from "../../../test/simulators/shopify/jwt";
import type { SecurityCheck } from "../types";
import { around, contains, firstDifference, seedFromEnv, shopState } from "./support";

// Every loader and action of the app, called by someone who should not get in: no session token,
// an expired one, one signed with another secret, one minted for another app, an unsigned one,
// and a genuine token of another shop (B) asking for shop A's things. Each must be refused the
// way shopify-app-remix refuses (below), show nothing of shop A, and change nothing.
//
// The routes are read from app/routes when the check runs, and each must have an entry in ROUTES
// saying how it is called and whether it is public on purpose; a route without one, or a loader
// or action the entry does not call, fails the check instead of being skipped.

const SHOP_A = "sec-routes-a.myshopify.com";
const SHOP_B = "sec-routes-b.myshopify.com";
const TENANT_A = 7301; // A books into a Fortnox company of its own, so its company name is A's alone

type Variant = "no token" | "expired token" | "token signed with another secret" | "token for another app (aud)" | "unsigned token (alg none)" | "shop B's valid token";
const VARIANTS: Variant[] = ["no token", "expired token", "token signed with another secret", "token for another app (aud)", "unsigned token (alg none)", "shop B's valid token"];

/** What the check knows of shop A: the ids a caller could ask for, and the values that must not leak. */
interface ShopA {
  failedJobId: string;
  bookedJobId: string;
  orderName: string;
  /** A's orders by their number in Shopify (what the order page's extensions ask with). */
  bookedOrderId: string;
  failedOrderId: string;
  /** A paused backfill of A's (paused: the worker leaves it alone, so A's rows stay still). */
  backfillId: string;
  host: string;
  /** Values that are A's alone: finding one in an answer to anyone else is a leak. */
  needles: string[];
}

interface Sent {
  status: number;
  headers: Headers;
  body: string;
}

/** How the library answers; `check` adds what a particular answer to shop B must hold. */
interface Expect {
  status: number;
  /** The Location (or, for a data request, X-Remix-Redirect) must start with this. */
  redirect?: string;
  header?: [string, string];
  check?: (sent: Sent, stack: Stack) => Promise<string | null>;
}

interface Call {
  what: string;
  method: "GET" | "POST";
  /** bearer: Authorization header (App Bridge's fetches, webhooks' callers); id_token: the admin's first load of the iframe. */
  token: "bearer" | "id_token";
  url: (a: ShopA, token: string | null) => string;
  body?: (a: ShopA) => { type: string; text: string };
  /** A public route answers everyone alike; `why` says why it is public. */
  public?: { why: string; status: number };
  /** What shop B's genuine token gets from an admin route. */
  asB?: Expect;
}

interface Route {
  /** The exports of the route module that the calls exercise (checked against the file). */
  exports: ("loader" | "action")[];
  calls: Call[];
}

const form = (fields: Record<string, string>) => () => ({ type: "application/x-www-form-urlencoded", text: new URLSearchParams(fields).toString() });
const data = (url: string, route: string) => `${url}${url.includes("?") ? "&" : "?"}_data=${encodeURIComponent(`routes/${route}`)}`;
const json = (s: Sent) => { try { return JSON.parse(s.body); } catch { return undefined; } };
const jsonBody = (value: unknown) => () => ({ type: "application/json", text: JSON.stringify(value) });
const webhook = (topicPath: string): Call => ({
  what: `POST /webhooks/${topicPath}`, method: "POST", token: "bearer", url: () => `/webhooks/${topicPath}`,
  body: () => ({ type: "application/json", text: JSON.stringify({ id: 1, shop_domain: SHOP_A }) }),
  public: { why: "Shopify calls it; the HMAC over the body is the credential (the webhook-bodies check), a session token is not", status: 401 },
});

const ROUTES: Record<string, Route> = {
  _index: { exports: ["loader"], calls: [{ what: "GET /", method: "GET", token: "bearer", url: () => "/", public: { why: "the landing text for visitors", status: 200 } }] },
  healthz: { exports: ["loader"], calls: [{ what: "GET /healthz", method: "GET", token: "bearer", url: () => "/healthz", public: { why: "liveness for process managers", status: 200 } }] },
  app: {
    exports: ["loader"],
    calls: [{
      what: "GET /app (layout loader, data request naming shop A)", method: "GET", token: "bearer", url: (a) => data(`/app?shop=${SHOP_A}&host=${a.host}`, "app"),
      asB: { status: 200, check: async (s) => (json(s)?.apiKey ? null : `expected the layout's {apiKey}, got ${s.body.slice(0, 120)}`) },
    }],
  },
  "app._index": {
    exports: ["loader"],
    calls: [
      {
        what: "GET /app (overview, data request naming shop A)", method: "GET", token: "bearer", url: (a) => data(`/app?shop=${SHOP_A}&host=${a.host}`, "app._index"),
        asB: { status: 200, check: async (s) => (Array.isArray(json(s)?.connections) ? null : `expected B's overview, got ${s.body.slice(0, 120)}`) },
      },
      {
        what: "GET /app?embedded=1&shop=A (the admin's first load of the page)", method: "GET", token: "id_token",
        url: (a, t) => `/app?embedded=1&shop=${SHOP_A}&host=${a.host}${t ? `&id_token=${t}` : ""}`,
        asB: { status: 200, check: async (s) => (s.body.includes("<html") ? null : `expected B's page, got ${s.body.slice(0, 120)}`) },
      },
    ],
  },
  "app.connection": {
    exports: ["action"],
    calls: [
      {
        // The shop comes from the session token; a shop field in the form must not pick another.
        what: "POST /app/connection intent=connect&provider=fortnox&shop=A", method: "POST", token: "bearer", url: () => data("/app/connection", "app.connection"),
        body: form({ intent: "connect", provider: "fortnox", shop: SHOP_A }),
        asB: {
          status: 200,
          check: async (s, stack) => {
            const state = new URL(json(s)?.authorizeUrl ?? "http://x/").searchParams.get("state");
            const row = state ? await stack.db.client.oAuthState.findUnique({ where: { state } }) : null;
            return row?.shop === SHOP_B ? null : `the connection started is not shop B's (state row: ${row ? row.shop : "none"}; answer ${s.body.slice(0, 120)})`;
          },
        },
      },
      {
        what: "POST /app/connection intent=disconnect&provider=fortnox&shop=A", method: "POST", token: "bearer", url: () => data("/app/connection", "app.connection"),
        body: form({ intent: "disconnect", provider: "fortnox", shop: SHOP_A }),
        // B disconnects itself (its own right); A's connection is covered by "nothing of A changed".
        asB: { status: 200 },
      },
      {
        what: "POST /app/connection intent=test&provider=fortnox&shop=A", method: "POST", token: "bearer", url: () => data("/app/connection", "app.connection"),
        body: form({ intent: "test", provider: "fortnox", shop: SHOP_A }),
        // B tests its own connection (disconnected by the call above, so "not connected"); A's company never shows.
        asB: { status: 200, check: async (s) => (json(s)?.test ? null : `expected B's connection test, got ${s.body.slice(0, 120)}`) },
      },
    ],
  },
  "app.connections": {
    exports: ["loader"],
    calls: [{
      what: "GET /app/connections (data request naming shop A)", method: "GET", token: "bearer", url: (a) => data(`/app/connections?shop=${SHOP_A}&host=${a.host}`, "app.connections"),
      asB: { status: 200, check: async (s) => (Array.isArray(json(s)?.connections) ? null : `expected B's connections, got ${s.body.slice(0, 120)}`) },
    }],
  },
  "app.failures": {
    exports: ["loader", "action"],
    calls: [
      {
        what: "GET /app/failures (data request naming shop A)", method: "GET", token: "bearer", url: (a) => data(`/app/failures?shop=${SHOP_A}&host=${a.host}`, "app.failures"),
        asB: { status: 200, check: async (s) => (Array.isArray(json(s)?.groups) && json(s).total === 0 ? null : `expected B's (empty) failures, got ${s.body.slice(0, 120)}`) },
      },
      {
        what: "POST /app/failures intent=selected&ids=<A's failed job>", method: "POST", token: "bearer", url: () => data("/app/failures", "app.failures"),
        body: (a) => form({ intent: "selected", ids: a.failedJobId })(),
        asB: { status: 200, check: async (s) => (json(s)?.replayed === 0 ? null : `expected nothing replayed, got ${s.body.slice(0, 120)}`) },
      },
    ],
  },
  "app.mapping": {
    exports: ["loader", "action"],
    calls: [
      {
        what: "GET /app/mapping (data request naming shop A)", method: "GET", token: "bearer", url: (a) => data(`/app/mapping?shop=${SHOP_A}&host=${a.host}`, "app.mapping"),
        asB: { status: 200, check: async (s) => (Array.isArray(json(s)?.rules) && Array.isArray(json(s)?.orders) ? null : `expected B's rules and orders, got ${s.body.slice(0, 120)}`) },
      },
      {
        // A's order id in a preview request: B's preview does not find it.
        what: "POST /app/mapping {intent: preview, order: <A's order>}", method: "POST", token: "bearer", url: () => data("/app/mapping", "app.mapping"),
        body: (a) => jsonBody({ intent: "preview", order: a.orderName, rules: [] })(),
        asB: { status: 200, check: async (s) => (json(s)?.preview?.reason === "order_not_found" ? null : `expected A's order not found for B, got ${s.body.slice(0, 160)}`) },
      },
      {
        // Saving A's order as B's mapping test: not found, and nothing of A's order is stored for B.
        what: "POST /app/mapping {intent: saveTest, order: <A's order>}", method: "POST", token: "bearer", url: () => data("/app/mapping", "app.mapping"),
        body: (a) => jsonBody({ intent: "saveTest", order: a.orderName, rules: [] })(),
        asB: { status: 200, check: async (s) => (json(s)?.test?.reason === "order_not_found" ? null : `expected A's order not found for B, got ${s.body.slice(0, 160)}`) },
      },
      {
        what: "POST /app/mapping {intent: deleteTest, id: <A's failed job id>}", method: "POST", token: "bearer", url: () => data("/app/mapping", "app.mapping"),
        body: (a) => jsonBody({ intent: "deleteTest", id: a.failedJobId })(),
        asB: { status: 200, check: async (s) => (json(s)?.deleted === false ? null : `expected nothing deleted, got ${s.body.slice(0, 160)}`) },
      },
    ],
  },
  "app.orders": {
    exports: ["loader"],
    calls: [{
      what: "GET /app/orders?q=<A's order name>", method: "GET", token: "bearer", url: (a) => data(`/app/orders?q=${encodeURIComponent(a.orderName.replace("#", ""))}`, "app.orders"),
      asB: { status: 200, check: async (s) => (Array.isArray(json(s)?.orders) && json(s).orders.length === 0 ? null : `expected no orders for B, got ${s.body.slice(0, 120)}`) },
    }],
  },
  "app.settings": {
    exports: ["loader", "action"],
    calls: [
      {
        what: "GET /app/settings (data request naming shop A)", method: "GET", token: "bearer", url: (a) => data(`/app/settings?shop=${SHOP_A}&host=${a.host}`, "app.settings"),
        asB: { status: 200, check: async (s) => (json(s)?.settings?.accounts ? null : `expected B's settings, got ${s.body.slice(0, 120)}`) },
      },
      {
        // B saves its own settings; A's are covered by "nothing of A changed".
        what: "POST /app/settings {trigger: created, shop: A}", method: "POST", token: "bearer", url: () => data("/app/settings", "app.settings"),
        body: jsonBody({ trigger: "created", shop: SHOP_A }),
        asB: { status: 400, check: async (s) => (JSON.stringify(json(s)?.errors ?? "").includes("settings.error.unknown") ? null : `expected the unknown field refused, got ${s.body.slice(0, 120)}`) },
      },
    ],
  },
  "app.backfill": {
    exports: ["loader", "action"],
    calls: [
      {
        what: "GET /app/backfill (data request naming shop A)", method: "GET", token: "bearer", url: (a) => data(`/app/backfill?shop=${SHOP_A}&host=${a.host}`, "app.backfill"),
        // B has started none: it sees no backfill at all, not A's.
        asB: { status: 200, check: async (s) => (json(s) && json(s).backfill === null ? null : `expected B's (empty) backfill page, got ${s.body.slice(0, 120)}`) },
      },
      ...(["pause", "resume", "cancel"] as const).map((intent) => ({
        what: `POST /app/backfill intent=${intent}&id=<A's backfill>`, method: "POST" as const, token: "bearer" as const, url: () => data("/app/backfill", "app.backfill"),
        body: (a: ShopA) => form({ intent, id: a.backfillId })(),
        // 404 whatever A's backfill's state: B learns nothing of it.
        asB: { status: 404 },
      })),
      {
        // The shop comes from the session token: B's start is judged for B (its scopes: no
        // read_all_orders, so a range two years back is refused) and starts nothing.
        what: "POST /app/backfill intent=start&from=<2 years ago>&shop=A", method: "POST", token: "bearer", url: () => data("/app/backfill", "app.backfill"),
        body: () => form({ intent: "start", from: new Date(Date.now() - 730 * 86_400_000).toISOString().slice(0, 10), to: new Date().toISOString().slice(0, 10), shop: SHOP_A })(),
        asB: { status: 400, check: async (s) => (json(s)?.error?.key === "backfill.error.scope" ? null : `expected the scope refusal, got ${s.body.slice(0, 120)}`) },
      },
      {
        // An import is judged by B's settings (its customer sync is off), whatever shop the form names.
        what: "POST /app/backfill intent=import&subject=customers&shop=A", method: "POST", token: "bearer", url: () => data("/app/backfill", "app.backfill"),
        body: () => form({ intent: "import", subject: "customers", shop: SHOP_A })(),
        asB: { status: 400, check: async (s) => (json(s)?.error?.key === "import.error.off" ? null : `expected the sync-off refusal, got ${s.body.slice(0, 120)}`) },
      },
    ],
  },
  "app.jobs.$id.replay": {
    exports: ["action"],
    calls: [
      // 404 for both, not 409 ("a succeeded job cannot be replayed") for the booked one: that
      // would tell shop B that A's job exists and how it stands.
      { what: "POST /app/jobs/<A's failed job>/replay", method: "POST", token: "bearer", url: (a) => data(`/app/jobs/${a.failedJobId}/replay`, "app.jobs.$id.replay"), asB: { status: 404 } },
      // Not A's, but hostile: PostgreSQL refuses a NUL byte in text, which must not become a 500.
      { what: "POST /app/jobs/<an id with a NUL byte>/replay", method: "POST", token: "bearer", url: () => data(`/app/jobs/${encodeURIComponent("cm\u0000x")}/replay`, "app.jobs.$id.replay"), asB: { status: 404 } },
      { what: "POST /app/jobs/<A's booked job>/replay", method: "POST", token: "bearer", url: (a) => data(`/app/jobs/${a.bookedJobId}/replay`, "app.jobs.$id.replay"), asB: { status: 404 } },
    ],
  },
  // The order page's extensions: B asking for A's orders finds orders it does not know.
  "api.orders.$id": {
    exports: ["loader", "action"],
    calls: [
      {
        what: "GET /api/orders/<A's booked order>", method: "GET", token: "bearer", url: (a) => `/api/orders/${a.bookedOrderId}`,
        asB: { status: 200, check: async (s) => (json(s)?.state === "not_synced" && json(s)?.documents?.length === 0 ? null : `expected A's order unknown to B, got ${s.body.slice(0, 160)}`) },
      },
      {
        what: "GET /api/orders/<A's booked order>?view=preview", method: "GET", token: "bearer", url: (a) => `/api/orders/${a.bookedOrderId}?view=preview`,
        asB: { status: 200, check: async (s) => (json(s)?.document === null && json(s)?.view?.state === "not_synced" ? null : `expected no document for B, got ${s.body.slice(0, 160)}`) },
      },
      {
        what: "POST /api/orders/<A's failed order> (Replay / Sync now)", method: "POST", token: "bearer", url: (a) => `/api/orders/${a.failedOrderId}`,
        asB: { status: 200, check: async (s) => (json(s)?.outcome === "not_found" ? null : `expected A's order not found for B, got ${s.body.slice(0, 160)}`) },
      },
    ],
  },
  "api.orders.sync": {
    exports: ["action"],
    calls: [{
      what: "POST /api/orders/sync {ids: A's orders}", method: "POST", token: "bearer", url: () => "/api/orders/sync",
      body: (a) => jsonBody({ ids: [`gid://shopify/Order/${a.failedOrderId}`, `gid://shopify/Order/${a.bookedOrderId}`] })(),
      asB: { status: 200, check: async (s) => (json(s)?.counts?.not_found === 2 ? null : `expected both of A's orders not found for B, got ${s.body.slice(0, 160)}`) },
    }],
  },
  "auth.$": {
    exports: ["loader"],
    calls: [
      {
        what: "GET /auth/session-token", method: "GET", token: "bearer", url: () => "/auth/session-token",
        public: { why: "the library's bounce page: App Bridge's script and the public client id, nothing of any shop", status: 200 },
      },
      {
        what: "GET /auth/exit-iframe?exitIframe=<another site>", method: "GET", token: "bearer", url: () => "/auth/exit-iframe?exitIframe=https%3A%2F%2Fattacker.example%2F",
        public: { why: "the library's page that leaves the iframe; it must not send the browser to another site", status: 400 },
      },
      {
        what: "GET /auth/exit-iframe?exitIframe=<Shopify admin>", method: "GET", token: "bearer", url: () => `/auth/exit-iframe?exitIframe=${encodeURIComponent("https://admin.shopify.com/store/some-shop/apps")}`,
        public: { why: "the same page sending the browser where it may go (so the refusal above is of the destination)", status: 200 },
      },
      { what: "GET /auth/callback", method: "GET", token: "bearer", url: () => "/auth/callback", asB: { status: 200, check: async (s) => (s.body === "null" ? null : `expected null, got ${s.body.slice(0, 120)}`) } },
    ],
  },
  "auth.login": {
    exports: ["loader"],
    calls: [{ what: "GET /auth/login", method: "GET", token: "bearer", url: () => "/auth/login", public: { why: "where the library sends requests without a session: text saying where the app lives", status: 200 } }],
  },
  "oauth.$provider.start": {
    exports: ["loader"],
    calls: (["fortnox", "visma"] as const).map((p) => ({
      what: `GET /oauth/${p}/start?state=<not issued>`, method: "GET" as const, token: "bearer" as const, url: () => `/oauth/${p}/start?state=${randomBytes(24).toString("base64url")}`,
      public: { why: "opened at the top level, outside the admin; the one-time state is the credential (the oauth-state check)", status: 400 },
    })),
  },
  "oauth.$provider.callback": {
    exports: ["loader"],
    calls: (["fortnox", "visma"] as const).map((p) => ({
      what: `GET /oauth/${p}/callback?code&state=<not issued>`, method: "GET" as const, token: "bearer" as const, url: () => `/oauth/${p}/callback?code=${randomBytes(16).toString("hex")}&state=${randomBytes(24).toString("base64url")}`,
      public: { why: "Fortnox or Visma sends the browser here; the state and its cookie are the credential (the oauth-state check)", status: 400 },
    })),
  },
  "webhooks.app.uninstalled": { exports: ["action"], calls: [webhook("app/uninstalled")] },
  "webhooks.compliance": { exports: ["action"], calls: [webhook("compliance")] },
  "webhooks.customers": { exports: ["action"], calls: [webhook("customers")] },
  "webhooks.orders": { exports: ["action"], calls: [webhook("orders")] },
  "webhooks.products": { exports: ["action"], calls: [webhook("products")] },
};

const CASES = Object.values(ROUTES).reduce((n, r) => n + r.calls.length, 0) * VARIANTS.length;

/** The route modules in app/routes (flat files, or folders with a route file) and what they export. */
function discoverRoutes(): Map<string, Set<string>> {
  const dir = path.join(ROOT, "app/routes");
  const out = new Map<string, Set<string>>();
  for (const name of readdirSync(dir)) {
    if (name.startsWith(".")) continue;
    let file = path.join(dir, name);
    let id = name.replace(/\.(tsx|ts|jsx|js)$/, "");
    if (statSync(file).isDirectory()) {
      const inner = readdirSync(file).find((f) => /^route\.(tsx|ts|jsx|js)$/.test(f));
      if (!inner) continue;
      file = path.join(file, inner);
      id = name;
    }
    const text = readFileSync(file, "utf8");
    const exported = new Set([...text.matchAll(/export\s+(?:const|let|async\s+function|function)\s+(loader|action)\b/g)].map((m) => m[1]));
    out.set(id, exported);
  }
  return out;
}

const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString());
const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** Tokens that claim to be shop A (the attacker wants A's data), and B's genuine one. */
async function tokenFor(stack: Stack, variant: Variant): Promise<string | null> {
  const mint = async (shop: string, ttlSeconds?: number) => (await postJson(`${stack.shopifySim.url}/__sim/session-token`, { shop, ttlSeconds })).idToken as string;
  const claimsOfA = async () => decode((await mint(SHOP_A)).split(".")[1]);
  switch (variant) {
    case "no token": return null;
    case "expired token": return mint(SHOP_A, -120); // genuine, signed by Shopify, expired two minutes ago
    case "token signed with another secret": return signHs256(await claimsOfA(), randomBytes(24).toString("hex"));
    // Signed with our secret so that only the audience check can refuse it.
    case "token for another app (aud)": return signHs256({ ...(await claimsOfA()), aud: `other-app-${randomBytes(4).toString("hex")}` }, stack.env.SHOPIFY_API_SECRET);
    case "unsigned token (alg none)": return `${encode({ alg: "none", typ: "JWT" })}.${encode(await claimsOfA())}.`;
    case "shop B's valid token": return mint(SHOP_B);
  }
}

/**
 * How shopify-app-remix refuses a caller without a valid token, by how the token travels. These
 * are the library's answers, asserted exactly: each sends the browser where Shopify (not this app)
 * decides who it is, and none renders the page behind.
 */
function refusal(call: Call, variant: Variant, url: string, apiKey: string): Expect {
  if (call.token === "id_token") {
    // The admin's first load: without a valid id_token, the bounce page (it asks App Bridge for a
    // fresh token and reloads).
    return { status: 302, redirect: "/auth/session-token?" };
  }
  if (variant === "no token") {
    // No Authorization header is a document request. Naming a shop and host, it is sent into that
    // shop's admin, where Shopify signs the merchant in; naming none, to the login path. A data
    // request (?_data) gets the redirect as Remix sends it to fetchers: 204 + X-Remix-Redirect.
    const query = new URL(url, "http://x").searchParams;
    const to = query.get("shop") && query.get("host") ? `https://admin.shopify.com/store/${handle(query.get("shop")!)}/apps/${apiKey}` : "/auth/login";
    return { status: url.includes("_data=") ? 204 : 302, redirect: to };
  }
  // A bad token in the header: 401, with the header that makes App Bridge retry with a new token.
  return { status: 401, header: ["X-Shopify-Retry-Invalid-Session-Request", "1"] };
}

const handle = (shop: string) => shop.replace(/\.myshopify\.com$/, "");

async function send(stack: Stack, call: Call, a: ShopA, token: string | null): Promise<Sent> {
  const headers: Record<string, string> = { "User-Agent": BROWSER };
  if (token && call.token === "bearer") headers.Authorization = `Bearer ${token}`;
  const body = call.body?.(a);
  if (body) headers["Content-Type"] = body.type;
  const res = await fetch(`${stack.appUrl}${call.url(a, token)}`, { method: call.method, headers, body: body?.text, redirect: "manual", signal: AbortSignal.timeout(15_000) });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** Shop A with real booked data and a job that needs action, shop B installed and connected. */
async function setUp(stack: Stack, seed: number, failures: string[]): Promise<ShopA> {
  const db = stack.db.client;
  const company = `Routes A ${randomBytes(5).toString("hex")} AB`;
  await postJson(`${stack.fortnoxSim!.url}/__sim/tenants`, { tenantId: TENANT_A, companyName: company });
  await stack.installAndConnect(SHOP_A, { tenant: TENANT_A });
  await stack.installAndConnect(SHOP_B);
  const orders = generateOrders(2, { seed, startOrderNumber: 88_501, shop: SHOP_A }).map((o, i) => {
    const id = 7_830_000_000_000 + i;
    const order: any = { ...o, id, admin_graphql_api_id: `gid://shopify/Order/${id}` };
    if (i === 1) { order.currency = "PLN"; order.presentment_currency = "PLN"; } // Fortnox has no PLN: needs action
    return order;
  });
  for (const o of orders) await stack.sendWebhook(SHOP_A, "orders/paid", o);
  await waitSettled(stack, SHOP_A, orders.length);
  const jobs = await db.syncJob.findMany({ where: { shop: SHOP_A, kind: "invoice" } });
  const booked = jobs.find((j) => j.status === "succeeded");
  const failed = jobs.find((j) => ["needs_action", "failed"].includes(j.status));
  if (!booked || !failed) failures.push(`control: shop A should have a booked and a failed invoice job, has ${jobs.map((j) => j.status).join(", ")}`);
  const links = await db.documentLink.findMany({ where: { shop: SHOP_A } });
  if (!links.length) failures.push("control: shop A has no booked Fortnox document");
  const connection = await db.connection.findFirst({ where: { shop: SHOP_A } });
  const backfill = await db.backfill.create({
    data: { shop: SHOP_A, fromDay: "2026-10-01", toDay: "2026-10-31", rangeFrom: new Date(Date.now() - 30 * 86_400_000), rangeTo: new Date(), status: "paused", mode: "pages", total: 41, seen: 17, queued: 13, skipped: 4 },
  });
  return {
    backfillId: backfill.id,
    failedJobId: failed?.id ?? "none",
    orderName: orders[0].name,
    bookedOrderId: String(orders.find((o) => o.admin_graphql_api_id === booked?.subjectId)?.id ?? "none"),
    failedOrderId: String(orders.find((o) => o.admin_graphql_api_id === failed?.subjectId)?.id ?? "none"),
    bookedJobId: booked?.id ?? "none",
    host: Buffer.from(`admin.shopify.com/store/${handle(SHOP_A)}`).toString("base64").replace(/=+$/, ""),
    needles: [
      handle(SHOP_A), // so the domain in any form
      company,
      ...jobs.map((j) => j.id),
      ...orders.flatMap((o) => [String(o.id), o.name]),
      ...(connection ? [connection.id] : []),
      backfill.id,
      ...links.map((l) => l.id),
      // Fortnox numbers documents 1, 2, 3…: a number that short is in every page, so only the
      // longer ones can be searched for.
      ...links.flatMap((l) => [l.remoteId, l.remoteNumber ?? ""]).filter((n) => n.length >= 4),
    ],
  };
}

/** The needles in an answer, less those the request itself carried (an echo is not a leak). */
function leaks(a: ShopA, asked: string, sent: Sent): string[] {
  const where = `${sent.body}\n${sent.headers.get("location") ?? ""}\n${sent.headers.get("x-remix-redirect") ?? ""}`;
  return a.needles.filter((n) => !contains(asked, n) && contains(where, n)).map((n) => `${n} (…${around(where, n, 40)}…)`);
}

export const check: SecurityCheck = {
  name: "routes: every loader and action refuses a missing, expired, forged or foreign session token, shows nothing of another shop and changes nothing",
  cases: { ci: CASES, full: CASES },
  async run(stack) {
    const failures: string[] = [];
    const seed = seedFromEnv();

    // 1. The table covers the app as it is.
    const found = discoverRoutes();
    for (const [id, exported] of found) {
      const route = ROUTES[id];
      if (!route) { failures.push(`route ${id} (app/routes) has no entry in the routes check: say how it is called and whether it is public`); continue; }
      for (const e of exported) if (!(route.exports as string[]).includes(e)) failures.push(`route ${id} exports a ${e} that the routes check does not call`);
      for (const e of route.exports) if (!exported.has(e)) failures.push(`the routes check calls the ${e} of ${id}, which the route does not export`);
      const methods = new Set(route.calls.map((c) => c.method));
      if (exported.has("action") && !methods.has("POST")) failures.push(`route ${id}: its action is never called`);
      if (exported.has("loader") && !methods.has("GET")) failures.push(`route ${id}: its loader is never called`);
    }
    for (const id of Object.keys(ROUTES)) if (!found.has(id)) failures.push(`the routes check lists ${id}, which is not in app/routes any more`);

    const a = await setUp(stack, seed, failures);

    // 2. Controls: shop A's own token sees A's data where the check searches for it (else finding
    //    nothing proves nothing), and a replay by A changes A's state (else "unchanged" proves nothing).
    const tokenA = async () => (await postJson(`${stack.shopifySim.url}/__sim/session-token`, { shop: SHOP_A })).idToken as string;
    for (const call of [ROUTES["app._index"].calls[0], ROUTES["app._index"].calls[1]]) {
      const sent = await send(stack, call, a, await tokenA());
      const seen = leaks(a, "", sent);
      if (sent.status !== 200 || !seen.length) failures.push(`control: ${call.what} with shop A's own token answered ${sent.status} with none of A's values: the search for A's data cannot see it`);
    }

    // 3. The cases.
    let cases = 0;
    for (const [id, route] of Object.entries(ROUTES)) {
      for (const call of route.calls) {
        for (const variant of VARIANTS) {
          cases++;
          const label = `${id}: ${call.what} with ${variant}`;
          const token = await tokenFor(stack, variant);
          const beforeA = await shopState(stack, SHOP_A);
          const beforeB = await shopState(stack, SHOP_B);
          const asked = `${call.url(a, token)} ${call.body?.(a).text ?? ""}`;
          let sent: Sent;
          try {
            sent = await send(stack, call, a, token);
          } catch (e) {
            failures.push(`${label}: no answer (${(e as Error).message})`);
            continue;
          }
          const expect: Expect = call.public ? { status: call.public.status } : variant === "shop B's valid token" ? call.asB! : refusal(call, variant, call.url(a, token), stack.env.SHOPIFY_API_KEY);
          if (sent.status !== expect.status) failures.push(`${label}: expected ${expect.status}, got ${sent.status}${sent.status >= 500 ? " [server error]" : sent.status < 300 && expect.status >= 300 ? " [LET IN]" : ""}: ${sent.body.slice(0, 120)}`);
          if (expect.redirect) {
            const to = sent.headers.get("location") ?? sent.headers.get("x-remix-redirect") ?? "";
            if (!to.startsWith(expect.redirect)) failures.push(`${label}: expected a redirect to ${expect.redirect}…, got ${JSON.stringify(to)}`);
          }
          if (expect.header && sent.headers.get(expect.header[0]) !== expect.header[1]) failures.push(`${label}: expected ${expect.header.join(": ")}, got ${JSON.stringify(sent.headers.get(expect.header[0]))}`);
          const problem = await expect.check?.(sent, stack);
          if (problem) failures.push(`${label}: ${problem}`);
          for (const leak of leaks(a, asked, sent)) failures.push(`${label}: the answer holds shop A's ${leak}`);
          const afterA = await shopState(stack, SHOP_A);
          if (afterA !== beforeA) failures.push(`${label}: shop A's rows changed: ${firstDifference(beforeA, afterA)}`);
          if (variant !== "shop B's valid token") {
            const afterB = await shopState(stack, SHOP_B);
            if (afterB !== beforeB) failures.push(`${label}: shop B's rows changed for a caller without a valid token: ${firstDifference(beforeB, afterB)}`);
          }
        }
      }
    }

    // The control for "unchanged": A replaying its own failed job is let in and changes A's rows.
    const before = await shopState(stack, SHOP_A);
    const own = await send(stack, ROUTES["app.jobs.$id.replay"].calls[0], a, await tokenA());
    const changed = (await shopState(stack, SHOP_A)) !== before;
    if (own.status !== 200 || !changed) failures.push(`control: shop A replaying its own failed job answered ${own.status} and ${changed ? "changed its rows" : "changed nothing"}: the replay route or the state comparison does not work`);
    return { cases, failures };
  },
};
