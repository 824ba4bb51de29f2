// Tests for the Shopify simulator (test/simulators/shopify) and the order fixtures (test/fixtures/shopify).
// The simulator runs as a real HTTP server; a throwaway node:http server plays the app and records webhooks.
// Where possible the official @shopify/shopify-api library is used as the client, so request formats
// (token exchange, refresh, GraphQL, webhook validation, session tokens) are checked against Shopify's own code.
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, LogSeverity, RequestedTokenType, shopifyApi, type Shopify } from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { simClient, waitFor } from "./sim-client";
import { startShopifySimulator, SIM_APP_ID, type ShopifySim } from "./shopify/server";
import { signHs256 } from "./shopify/jwt";
import { parseAppTomlWebhooks } from "./shopify/app-toml";
import {
  generateOrders,
  isValidOrgNr,
  orderInvariantViolations,
  vatFromGross,
  type ShopifyOrderPayload,
} from "../fixtures/shopify/orders.js";
import simple1001 from "../fixtures/shopify/orders/simple-1001.json";
import mixed1002 from "../fixtures/shopify/orders/mixed-vat-1002.json";
import guest1003 from "../fixtures/shopify/orders/guest-no-sku-1003.json";

const API_KEY = "kontera-sim-test-key";
const API_SECRET = randomBytes(24).toString("hex");
const SHOP = "kontera-test.myshopify.com";
const OTHER_SHOP = "someone-else.myshopify.com";
const VERSION = "2026-07";

const TOML = `
# test app config
client_id = "${API_KEY}"
name = "Kontera test"
embedded = true

[access_scopes]
scopes = "read_orders,write_orders"

[webhooks]
api_version = "2026-07"

  [[webhooks.subscriptions]]
  topics = [
    "orders/paid",   # paid orders are booked
    "orders/updated",
  ]
  uri = "/webhooks/orders"

  [[webhooks.subscriptions]]
  topics = ["orders/cancelled"]
  uri = "/webhooks/trimmed"
  include_fields = ["id", "admin_graphql_api_id", "cancelled_at"]

  [[webhooks.subscriptions]]
  topics = ["app/scopes_update"]
  uri = "/webhooks/slow"

  [[webhooks.subscriptions]]
  topics = ["shop/update"]
  uri = "/webhooks/fail"
  name = "failing-sub"

  [[webhooks.subscriptions]]
  compliance_topics = ["customers/data_request", "customers/redact", "shop/redact"]
  uri = "/webhooks/compliance"

  [[webhooks.subscriptions]]
  topics = ["refunds/create"]
  uri = "/webhooks/refunds"
`;

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  validation: Awaited<ReturnType<Shopify["webhooks"]["validate"]>> | null;
}

let sim: ShopifySim;
let appServer: http.Server;
let appUrl: string;
let dir: string;
let api: Shopify;
const received: Received[] = [];

function header(r: Received, name: string): string {
  const v = r.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0]! : (v ?? "");
}

const { postJson, getJson } = simClient(() => sim.url);

async function gql(token: string | null, query: string, variables?: Record<string, unknown>, opts: { shop?: string; version?: string } = {}) {
  const headers: Record<string, string> = {};
  if (token) headers["X-Shopify-Access-Token"] = token;
  return postJson(`/${opts.shop ?? SHOP}/admin/api/${opts.version ?? VERSION}/graphql.json`, { query, variables }, headers);
}

async function idToken(shop = SHOP, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await postJson("/__sim/session-token", { shop, ...extra });
  expect(r.status).toBe(200);
  return r.body.idToken as string;
}

function tokenRequest(shop: string, body: Record<string, unknown>) {
  return postJson(`/${shop}/admin/oauth/access_token`, body);
}

function exchangeBody(subjectToken: string, extra: Record<string, unknown> = {}) {
  return {
    client_id: API_KEY,
    client_secret: API_SECRET,
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    subject_token: subjectToken,
    subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
    requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
    expiring: "1",
    ...extra,
  };
}

async function offlineToken(): Promise<{ access_token: string; refresh_token: string }> {
  const r = await tokenRequest(SHOP, exchangeBody(await idToken()));
  expect(r.status).toBe(200);
  return r.body;
}

async function sendWebhook(topic: string, payload: unknown, extra: Record<string, unknown> = {}) {
  return postJson("/__sim/webhooks", { shop: SHOP, topic, payload, ...extra });
}


function hmacOf(raw: Buffer, secret = API_SECRET): string {
  return createHmac("sha256", secret).update(raw).digest("base64");
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "shopify-sim-"));
  writeFileSync(join(dir, "shopify.app.toml"), TOML);

  api = shopifyApi({
    apiKey: API_KEY,
    apiSecretKey: API_SECRET,
    apiVersion: ApiVersion.July26,
    hostName: "127.0.0.1:3000",
    isEmbeddedApp: true,
    scopes: ["read_orders", "write_orders"],
    logger: { level: LogSeverity.Error, log: () => {} },
  });

  appServer = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks);
      const path = req.url ?? "";
      if (path === "/webhooks/slow") {
        received.push({ path, headers: req.headers, raw, validation: null });
        return; // never answers: the simulator must give up after 5 s
      }
      let validation: Received["validation"] = null;
      try {
        validation = await api.webhooks.validate({ rawBody: raw.toString("utf8"), rawRequest: req, rawResponse: res });
      } catch {
        validation = null;
      }
      received.push({ path, headers: req.headers, raw, validation });
      res.writeHead(path === "/webhooks/fail" ? 500 : 200).end();
    });
  });
  await new Promise<void>((r) => appServer.listen(0, "127.0.0.1", r));
  appUrl = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;

  sim = await startShopifySimulator({ apiKey: API_KEY, apiSecret: API_SECRET, appUrl, appTomlPath: join(dir, "shopify.app.toml") });

  // what the app does in local mode: https://<shop>/<path> → <sim>/<shop>/<path>
  const realFetch = globalThis.fetch;
  setAbstractFetchFunc(((input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (url.hostname.endsWith(".myshopify.com")) {
      return realFetch(`${sim.url}/${url.hostname}${url.pathname}${url.search}`, init);
    }
    return realFetch(input, init);
  }) as typeof fetch);
});

afterAll(async () => {
  await sim?.close();
  appServer?.closeAllConnections();
  await new Promise<void>((r) => appServer.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  received.length = 0;
});

// ---------------------------------------------------------------------------------------------

describe("webhooks", () => {
  it("delivers a signed orders/paid to the uri from shopify.app.toml, verifiable against the raw body", async () => {
    const r = await sendWebhook("orders/paid", simple1001);
    expect(r.status).toBe(200);
    expect(r.body.deliveries).toHaveLength(1);
    expect(r.body.deliveries[0].status).toBe(200);

    expect(received).toHaveLength(1);
    const w = received[0]!;
    expect(w.path).toBe("/webhooks/orders");
    expect(header(w, "x-shopify-hmac-sha256")).toBe(hmacOf(w.raw));
    expect(header(w, "x-shopify-hmac-sha256")).not.toBe(hmacOf(w.raw, "wrong-secret"));
    expect(JSON.parse(w.raw.toString("utf8"))).toEqual(simple1001);
    expect(header(w, "content-type")).toBe("application/json");
    expect(header(w, "x-shopify-topic")).toBe("orders/paid");
    expect(header(w, "x-shopify-shop-domain")).toBe(SHOP);
    expect(header(w, "x-shopify-api-version")).toBe("2026-07");
    expect(header(w, "x-shopify-webhook-id")).toBe(r.body.webhookId);
    expect(header(w, "x-shopify-event-id")).toBe(r.body.eventId);
    expect(header(w, "x-shopify-webhook-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(header(w, "x-shopify-triggered-at")))).toBe(false);

    // Shopify's own validator accepts the delivery (HMAC + required headers)
    expect(w.validation).toMatchObject({ valid: true, topic: "ORDERS_PAID", domain: SHOP, apiVersion: "2026-07", webhookId: r.body.webhookId, eventId: r.body.eventId });

    const log = await getJson(`/__sim/deliveries?shop=${SHOP}`);
    expect(log.deliveries.at(-1)).toMatchObject({ topic: "orders/paid", webhookId: r.body.webhookId, eventId: r.body.eventId, status: 200 });
  });

  it("deliveries: 3 sends the same delivery three times concurrently (same webhook id, event id and body)", async () => {
    const r = await sendWebhook("orders/paid", mixed1002, { deliveries: 3 });
    expect(r.status).toBe(200);
    expect(r.body.deliveries.map((d: { status: number }) => d.status)).toEqual([200, 200, 200]);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((w) => header(w, "x-shopify-webhook-id")))).toEqual(new Set([r.body.webhookId]));
    expect(new Set(received.map((w) => header(w, "x-shopify-event-id")))).toEqual(new Set([r.body.eventId]));
    expect(new Set(received.map((w) => w.raw.toString("utf8"))).size).toBe(1);
    for (const w of received) expect(w.validation?.valid).toBe(true);
  });

  it("honours a given webhookId/eventId, routes compliance topics, trims include_fields and rejects unsubscribed topics", async () => {
    const ids = { webhookId: "11111111-2222-4333-8444-555555555555", eventId: "66666666-7777-4888-9999-000000000000" };
    const r = await postJson("/__sim/webhooks", { shop: SHOP, topic: "customers/redact", payload: { shop_id: 1, shop_domain: SHOP, customer: { id: 1 }, orders_to_redact: [] }, ...ids });
    expect(r.status).toBe(200);
    expect(received[0]!.path).toBe("/webhooks/compliance");
    expect(header(received[0]!, "x-shopify-webhook-id")).toBe(ids.webhookId);
    expect(header(received[0]!, "x-shopify-event-id")).toBe(ids.eventId);

    const c = await sendWebhook("orders/cancelled", { ...guest1003, cancelled_at: "2026-03-04T10:00:00+01:00" });
    expect(c.status).toBe(200);
    const trimmed = JSON.parse(received[1]!.raw.toString("utf8"));
    expect(Object.keys(trimmed).sort()).toEqual(["admin_graphql_api_id", "cancelled_at", "id"]);
    expect(header(received[1]!, "x-shopify-hmac-sha256")).toBe(hmacOf(received[1]!.raw));

    const none = await sendWebhook("products/update", { id: 1 });
    expect(none.status).toBe(422);
    expect(none.body.error).toMatch(/products\/update/);

    const bad = await postJson("/__sim/webhooks", { shop: "not a shop", topic: "orders/paid", payload: {} });
    expect(bad.status).toBe(400);
  });

  it("records non-2xx answers as failures and names the subscription", async () => {
    const r = await sendWebhook("shop/update", { id: 1 });
    expect(r.status).toBe(200);
    expect(r.body.deliveries[0].status).toBe(500);
    expect(header(received[0]!, "x-shopify-name")).toBe("failing-sub");
  });

  it("gives up on a delivery after 5 s and records status 0", async () => {
    const started = Date.now();
    const r = await sendWebhook("app/scopes_update", { id: 1, current: ["read_orders"] });
    expect(r.status).toBe(200);
    expect(r.body.deliveries[0].status).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
    expect(Date.now() - started).toBeLessThan(8000);
  }, 15_000);
});

// ---------------------------------------------------------------------------------------------

describe("test controls", () => {
  const put = (path: string, body: unknown) => fetch(`${sim.url}${path}`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

  it("spreads deliveries over several app origins in turn (app-urls), and back to the app's own", async () => {
    const hits: string[] = [];
    const other = http.createServer((req, res) => { hits.push(req.url ?? ""); req.resume(); req.on("end", () => res.writeHead(200).end()); });
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      expect((await put("/__sim/app-urls", { urls: [appUrl, otherUrl] })).status).toBe(200);
      const r = await sendWebhook("orders/paid", simple1001, { deliveries: 4 });
      expect(r.body.deliveries.map((d: { status: number }) => d.status)).toEqual([200, 200, 200, 200]);
      expect(received).toHaveLength(2);
      expect(hits).toEqual(["/webhooks/orders", "/webhooks/orders"]);
      expect((await put("/__sim/app-urls", { urls: ["https://evil.example"] })).status).toBe(400);
      expect((await put("/__sim/app-urls", { urls: [] })).status).toBe(200);
      await sendWebhook("orders/paid", simple1001);
      expect(received).toHaveLength(3);
      expect(hits).toHaveLength(2);
    } finally {
      await put("/__sim/app-urls", { urls: [] });
      await new Promise<void>((r) => other.close(() => r()));
    }
  });

  it("holds a matching GraphQL call for its delay (holds), once per count", async () => {
    const t = await offlineToken();
    expect((await postJson("/__sim/holds", { query: "shop", delayMs: 400, count: 1 })).status).toBe(200);
    let started = Date.now();
    expect((await gql(t.access_token, "{ shop { name } }")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect((await getJson("/__sim/holds")).holds).toEqual([{ query: "shop", delayMs: 400, count: 0 }]);
    started = Date.now();
    await gql(t.access_token, "{ shop { name } }");
    expect(Date.now() - started).toBeLessThan(400);
    for (const bad of [{ query: "(", delayMs: 1 }, { query: "x", delayMs: -1 }, { query: "x", delayMs: 1, count: 0 }, { query: "x", delayMs: 1, extra: true }]) {
      expect((await postJson("/__sim/holds", bad)).status).toBe(400);
    }
  });
});

describe("token exchange (shopify-api 13 request format)", () => {
  it("exchanges a session token for an expiring offline token via @shopify/shopify-api", async () => {
    const before = (await getJson("/__sim/stats")).tokenExchanges;
    const token = await idToken();
    const payload = await api.session.decodeSessionToken(token); // the minted token satisfies Shopify's own checks
    expect(payload.dest).toBe(`https://${SHOP}`);

    const { session } = await api.auth.tokenExchange({ shop: SHOP, sessionToken: token, requestedTokenType: RequestedTokenType.OfflineAccessToken, expiring: true });
    expect(session.accessToken).toMatch(/^shpat_sim_[0-9a-f]{32}$/);
    expect(session.refreshToken).toMatch(/^shprt_sim_[0-9a-f]{32}$/);
    expect(session.isOnline).toBe(false);
    expect(session.scope).toBe("read_orders,write_orders,read_customers,read_products,read_inventory,write_inventory,read_locations");
    const ttl = session.expires!.getTime() - Date.now();
    expect(ttl).toBeGreaterThan(3590_000);
    expect(ttl).toBeLessThanOrEqual(3600_000);
    expect((await getJson("/__sim/stats")).tokenExchanges).toBe(before + 1);

    // the token works for Admin GraphQL through the library's client as well
    const client = new api.clients.Graphql({ session });
    const res = await client.request(`{ shop { name myshopifyDomain currencyCode } }`);
    expect(res.data).toEqual({ shop: { name: "Kontera Test", myshopifyDomain: SHOP, currencyCode: "SEK" } });
  });

  it("returns non-expiring offline tokens without expiring=1 and online tokens with the associated user", async () => {
    const offline = await api.auth.tokenExchange({ shop: SHOP, sessionToken: await idToken(), requestedTokenType: RequestedTokenType.OfflineAccessToken, expiring: false });
    expect(offline.session.expires).toBeUndefined();
    expect(offline.session.refreshToken).toBeUndefined();
    const raw = await tokenRequest(SHOP, exchangeBody(await idToken(), { expiring: "0" }));
    expect(Object.keys(raw.body).sort()).toEqual(["access_token", "scope"]);

    const online = await api.auth.tokenExchange({ shop: SHOP, sessionToken: await idToken(SHOP, { userId: 4242 }), requestedTokenType: RequestedTokenType.OnlineAccessToken });
    expect(online.session.isOnline).toBe(true);
    expect(online.session.onlineAccessInfo?.associated_user.id).toBe(4242);
    expect(online.session.expires!.getTime()).toBeGreaterThan(Date.now());
  });

  it("accepts form-urlencoded bodies too", async () => {
    const body = new URLSearchParams(exchangeBody(await idToken()) as Record<string, string>);
    const res = await fetch(`${sim.url}/${SHOP}/admin/oauth/access_token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body });
    expect(res.status).toBe(200);
    const json = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(["access_token", "expires_in", "refresh_token", "refresh_token_expires_in", "scope"]);
    expect(json.expires_in).toBe(3600);
    expect(json.refresh_token_expires_in).toBe(7776000);
  });

  it("rejects bad clients and bad, expired or foreign subject tokens", async () => {
    const good = await idToken();
    const wrongClient = await tokenRequest(SHOP, exchangeBody(good, { client_secret: "nope" }));
    expect(wrongClient).toEqual({ status: 401, body: { error: "invalid_client" } });
    const wrongId = await tokenRequest(SHOP, exchangeBody(good, { client_id: "other-app" }));
    expect(wrongId.status).toBe(401);

    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: `https://${SHOP}/admin`, dest: `https://${SHOP}`, aud: API_KEY, sub: "1", exp: now + 60, nbf: now - 1, iat: now - 1, jti: "j", sid: "s" };
    const wrongSecret = await tokenRequest(SHOP, exchangeBody(signHs256(claims, "not-the-app-secret")));
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.body.error).toBe("invalid_subject_token");
    expect(typeof wrongSecret.body.error_description).toBe("string");

    const expired = await tokenRequest(SHOP, exchangeBody(await idToken(SHOP, { ttlSeconds: -30 })));
    expect(expired.status).toBe(400);
    expect(expired.body.error).toBe("invalid_subject_token");
    // within the 10 s clock tolerance it is still accepted
    const justExpired = await tokenRequest(SHOP, exchangeBody(await idToken(SHOP, { ttlSeconds: -5 })));
    expect(justExpired.status).toBe(200);

    const foreign = await tokenRequest(SHOP, exchangeBody(await idToken(OTHER_SHOP)));
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toBe("invalid_subject_token");
    const wrongAud = await tokenRequest(SHOP, exchangeBody(signHs256({ ...claims, aud: "another-app" }, API_SECRET)));
    expect(wrongAud.body.error).toBe("invalid_subject_token");

    const badGrant = await tokenRequest(SHOP, { ...exchangeBody(good), grant_type: "authorization_code" });
    expect(badGrant).toEqual({ status: 400, body: { error: "unsupported_grant_type" } });
  });
});

describe("refresh tokens", () => {
  it("rotates: the previous token stays valid until the new one is used, then dies", async () => {
    const stats0 = await getJson("/__sim/stats");
    const t1 = await offlineToken();
    const r1 = t1.refresh_token;

    // 1. refresh through the library (JSON body, as shopify-api 13 sends it)
    const { session: s2 } = await api.auth.refreshToken({ shop: SHOP, refreshToken: r1 });
    const r2 = s2.refreshToken!;
    expect(r2).toMatch(/^shprt_sim_/);
    expect(r2).not.toBe(r1);
    expect(s2.accessToken).not.toBe(t1.access_token);
    expect((await gql(s2.accessToken!, "{ shop { name } }")).status).toBe(200);

    const refresh = (rt: string) => tokenRequest(SHOP, { client_id: API_KEY, client_secret: API_SECRET, grant_type: "refresh_token", refresh_token: rt });

    // 2. the response was "lost": r1 is still good because r2 has not been used
    const again = await refresh(r1);
    expect(again.status).toBe(200);
    const r3 = again.body.refresh_token as string;
    expect(Object.keys(again.body).sort()).toEqual(["access_token", "expires_in", "refresh_token", "refresh_token_expires_in", "scope"]);

    // 3. r2 was superseded by r3
    expect(await refresh(r2)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

    // 4. using r3 retires r1
    const next = await refresh(r3);
    expect(next.status).toBe(200);
    expect(await refresh(r1)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

    // 5. unknown tokens, other shops and wrong clients
    expect((await refresh("shprt_sim_unknown")).body.error).toBe("invalid_grant");
    const foreign = await tokenRequest(OTHER_SHOP, { client_id: API_KEY, client_secret: API_SECRET, grant_type: "refresh_token", refresh_token: next.body.refresh_token });
    expect(foreign.body.error).toBe("invalid_grant");
    const badClient = await tokenRequest(SHOP, { client_id: API_KEY, client_secret: "x", grant_type: "refresh_token", refresh_token: next.body.refresh_token });
    expect(badClient.status).toBe(401);

    const stats1 = await getJson("/__sim/stats");
    expect(stats1.refreshes - stats0.refreshes).toBe(3);
    expect(stats1.invalidGrants - stats0.invalidGrants).toBe(4);
  });

  it("expire-tokens makes access tokens stop working until refreshed", async () => {
    const t = await offlineToken();
    expect((await gql(t.access_token, "{ shop { name } }")).status).toBe(200);
    await postJson("/__sim/expire-tokens", {});
    const denied = await gql(t.access_token, "{ shop { name } }");
    expect(denied.status).toBe(401);
    const r = await tokenRequest(SHOP, { client_id: API_KEY, client_secret: API_SECRET, grant_type: "refresh_token", refresh_token: t.refresh_token });
    expect(r.status).toBe(200);
    expect((await gql(r.body.access_token, "{ shop { name } }")).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------

describe("Admin GraphQL", () => {
  it("requires a valid access token for the shop and a supported version", async () => {
    const before = (await getJson("/__sim/stats")).unauthorized;
    const invalid = { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" };
    expect(await gql(null, "{ shop { name } }")).toEqual({ status: 401, body: invalid });
    expect(await gql("shpat_sim_00000000000000000000000000000000", "{ shop { name } }")).toEqual({ status: 401, body: invalid });
    const t = await offlineToken();
    expect((await gql(t.access_token, "{ shop { name } }", undefined, { shop: OTHER_SHOP })).status).toBe(401);
    expect((await getJson("/__sim/stats")).unauthorized - before).toBe(3);

    expect((await gql(t.access_token, "{ shop { name } }", undefined, { version: "2023-01" })).status).toBe(404);
    for (const v of ["2026-07", "2026-04", "2026-01"]) {
      expect((await gql(t.access_token, "{ shop { name } }", undefined, { version: v })).status).toBe(200);
    }
  });

  it("validates queries like Shopify: unknown fields, syntax errors, arguments and ids", async () => {
    const { access_token: tok } = await offlineToken();
    const unknown = await gql(tok, "{ shop { name } productz(first: 1) { id } }");
    expect(unknown.status).toBe(200);
    expect(unknown.body.data).toBeUndefined();
    expect(unknown.body.errors[0].message).toBe("Field 'productz' doesn't exist on type 'QueryRoot'");
    expect(unknown.body.errors[0].extensions.code).toBe("undefinedField");

    const unknownMutation = await gql(tok, "mutation { orderDelete(id: \"gid://shopify/Order/1\") { userErrors { message } } }");
    expect(unknownMutation.body.errors[0].message).toBe("Field 'orderDelete' doesn't exist on type 'Mutation'");

    const syntax = await gql(tok, "{ shop { name }");
    expect(syntax.body.errors[0].message).toMatch(/^Parse error/);

    const missingArg = await gql(tok, "{ order { id } }");
    expect(missingArg.body.errors[0].message).toBe("Field 'order' is missing required arguments: id");

    const noSelection = await gql(tok, "{ shop }");
    expect(noSelection.body.errors[0].message).toMatch(/^Field must have selections/);

    const badGid = await gql(tok, "query($id: ID!) { order(id: $id) { id } }", { id: "12345" });
    expect(badGid.body.errors[0].extensions.code).toBe("INVALID_VARIABLE");
    expect(badGid.body.errors[0].extensions.problems[0].explanation).toBe("Invalid global id '12345'");

    const undeclared = await gql(tok, "{ order(id: $id) { id } }");
    expect(undeclared.body.errors[0].message).toMatch(/Variable \$id is used by .* but not declared/);

    const unknownOrder = await gql(tok, "query($id: ID!) { order(id: $id) { id } }", { id: "gid://shopify/Order/1" });
    expect(unknownOrder.body).toMatchObject({ data: { order: null } });
    expect(unknownOrder.body.errors).toBeUndefined();
  });

  it("serves orders the simulator has seen, with aliases, fragments and cost info", async () => {
    await sendWebhook("orders/paid", mixed1002);
    const { access_token: tok } = await offlineToken();
    const q = `
      query Order($id: ID!) {
        o: order(id: $id) { ...F displayFinancialStatus totalPriceSet { shopMoney { amount currencyCode } } }
        again: order(id: $id) { name }
        shop { myshopifyDomain }
      }
      fragment F on Order { id name tags updatedAt legacyResourceId }`;
    const r = await gql(tok, q, { id: mixed1002.admin_graphql_api_id });
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.o).toEqual({
      id: mixed1002.admin_graphql_api_id,
      name: "#1002",
      tags: [],
      updatedAt: new Date(mixed1002.updated_at).toISOString().replace(".000", ""),
      legacyResourceId: String(mixed1002.id),
      displayFinancialStatus: "PAID",
      totalPriceSet: { shopMoney: { amount: "1278.4", currencyCode: "SEK" } },
    });
    expect(r.body.data.again).toEqual({ name: "#1002" });
    const cost = r.body.extensions.cost;
    expect(cost.requestedQueryCost).toBe(5); // o, its MoneyBag and MoneyV2, again, shop
    expect(cost.actualQueryCost).toBe(5);
    expect(cost.throttleStatus).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
    expect(cost.throttleStatus.currentlyAvailable).toBeLessThanOrEqual(2000);
  });

  it("throttles when the leaky bucket is empty", async () => {
    const { access_token: tok } = await offlineToken();
    const before = (await getJson("/__sim/stats")).throttled;
    await postJson("/__sim/bucket", { shop: SHOP, currentlyAvailable: 0 });
    const r = await gql(tok, "{ shop { name } }");
    expect(r.status).toBe(200);
    expect(r.body.errors).toEqual([{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }]);
    expect(r.body.extensions.cost.requestedQueryCost).toBe(1);
    expect((await getJson("/__sim/stats")).throttled).toBe(before + 1);
    // 100 points/s restore: after a short wait a cheap query goes through again
    await new Promise((res) => setTimeout(res, 50));
    const ok = await gql(tok, "{ shop { name } }");
    expect(ok.body.data.shop.name).toBe("Kontera Test");
    await postJson("/__sim/bucket", { shop: SHOP, currentlyAvailable: 2000 });
  });
});

// ---------------------------------------------------------------------------------------------

describe("order transactions", () => {
  const TX_QUERY = `
    query OrderTransactions($id: ID!) {
      order(id: $id) {
        id
        transactions(first: 100) {
          id kind status gateway processedAt test
          amountSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
        }
      }
    }`;
  let nextOrderId = 7700000000001;
  /** A fresh copy of #1001 under its own id, so tests do not see each other's transactions. */
  async function storeOrder(changes: Record<string, unknown> = {}): Promise<{ gid: string; id: number }> {
    const id = nextOrderId++;
    const gid = `gid://shopify/Order/${id}`;
    const order = { ...structuredClone(simple1001), id, admin_graphql_api_id: gid, ...changes };
    expect((await postJson("/__sim/orders", { shop: SHOP, order })).status).toBe(200);
    return { gid, id };
  }
  async function transactions(tok: string, gid: string, query = TX_QUERY) {
    const r = await gql(tok, query, { id: gid });
    expect(r.body.errors).toBeUndefined();
    return { list: r.body.data.order.transactions as any[], cost: r.body.extensions.cost };
  }
  const setTransactions = (orderId: string, txs: unknown, shop = SHOP) => postJson("/__sim/transactions", { shop, orderId, transactions: txs });
  const sek = (amount: string) => ({ shopMoney: { amount, currencyCode: "SEK" }, presentmentMoney: { amount, currencyCode: "SEK" } });

  it("derives one successful sale for the total of a paid order, in both currencies", async () => {
    const { access_token: tok } = await offlineToken();
    const paid = await storeOrder();
    const { list, cost } = await transactions(tok, paid.gid);
    expect(list).toEqual([
      {
        id: expect.stringMatching(/^gid:\/\/shopify\/OrderTransaction\/\d+$/),
        kind: "SALE",
        status: "SUCCESS",
        gateway: "shopify_payments",
        processedAt: "2026-03-02T09:14:05Z",
        test: false,
        amountSet: sek("348.0"),
      },
    ]);
    // The id is stable between reads.
    expect((await transactions(tok, paid.gid)).list[0].id).toBe(list[0].id);
    // order 1 + first × (transaction 1 + MoneyBag 1 + 2 MoneyV2); only what exists is charged.
    expect(cost.requestedQueryCost).toBe(401);
    expect(cost.actualQueryCost).toBe(5);

    const pending = await storeOrder({ financial_status: "pending" });
    expect((await transactions(tok, pending.gid)).list).toEqual([]);

    const euro = await storeOrder({
      financial_status: "partially_refunded",
      payment_gateway_names: [],
      presentment_currency: "EUR",
      total_price_set: { shop_money: { amount: "348.00", currency_code: "SEK" }, presentment_money: { amount: "30.45", currency_code: "EUR" } },
    });
    const [sale] = (await transactions(tok, euro.gid)).list;
    expect(sale).toMatchObject({ kind: "SALE", gateway: "manual", amountSet: { shopMoney: { amount: "348.0", currencyCode: "SEK" }, presentmentMoney: { amount: "30.45", currencyCode: "EUR" } } });
  });

  it("returns an explicit split payment exactly, and links captures to their authorization", async () => {
    const { access_token: tok } = await offlineToken();
    const order = await storeOrder();
    const set = await setTransactions(order.gid, [
      { kind: "sale", status: "success", gateway: "gift_card", amount: "100.10", processed_at: "2026-03-02T10:14:00+01:00" },
      { kind: "sale", status: "success", gateway: "shopify_payments", amount: "247.90" },
    ]);
    expect(set.status).toBe(200);
    expect(set.body.transactions).toHaveLength(2);
    const { list } = await transactions(tok, order.gid);
    expect(list.map((t) => [t.kind, t.status, t.gateway, t.processedAt, t.amountSet])).toEqual([
      ["SALE", "SUCCESS", "gift_card", "2026-03-02T09:14:00Z", sek("100.1")],
      ["SALE", "SUCCESS", "shopify_payments", "2026-03-02T09:14:05Z", sek("247.9")],
    ]);
    expect(list.map((t) => t.id)).toEqual(set.body.transactions.map((t: { id: string }) => t.id));

    // Replaces, not appends: an authorization captured in part, the rest still open.
    await setTransactions(order.gid, [
      { id: 1, kind: "authorization", status: "success", gateway: "klarna", amount: "348.00" },
      { id: 2, kind: "capture", status: "success", gateway: "klarna", amount: "300.00", parent_id: 1 },
      { id: 3, kind: "authorization", status: "success", gateway: "klarna", amount: "48.00", test: true },
    ]);
    const q = `query($id: ID!) { order(id: $id) {
      all: transactions { id kind formattedGateway createdAt test parentTransaction { id kind } }
      open: transactions(capturable: true) { id }
      firstOnly: transactions(first: 1) { id }
    } }`;
    const r = await gql(tok, q, { id: order.gid });
    expect(r.body.errors).toBeUndefined();
    const o = r.body.data.order;
    const gidOf = (n: number) => `gid://shopify/OrderTransaction/${n}`;
    expect(o.all).toEqual([
      { id: gidOf(1), kind: "AUTHORIZATION", formattedGateway: "Klarna", createdAt: "2026-03-02T09:14:05Z", test: false, parentTransaction: null },
      { id: gidOf(2), kind: "CAPTURE", formattedGateway: "Klarna", createdAt: "2026-03-02T09:14:05Z", test: false, parentTransaction: { id: gidOf(1), kind: "AUTHORIZATION" } },
      { id: gidOf(3), kind: "AUTHORIZATION", formattedGateway: "Klarna", createdAt: "2026-03-02T09:14:05Z", test: true, parentTransaction: null },
    ]);
    expect(o.open).toEqual([{ id: gidOf(3) }]);
    expect(o.firstOnly).toEqual([{ id: gidOf(1) }]);

    const node = await gql(tok, `query($id: ID!) { node(id: $id) { id ... on OrderTransaction { gateway amountSet { shopMoney { amount } } } } }`, { id: gidOf(2) });
    expect(node.body.data.node).toEqual({ id: gidOf(2), gateway: "klarna", amountSet: { shopMoney: { amount: "300.0" } } });
  });

  it("appends a refund's transactions when refunds/create is sent, once per transaction", async () => {
    const { access_token: tok } = await offlineToken();
    const order = await storeOrder();
    const [sale] = (await transactions(tok, order.gid)).list;
    const saleId = Number(sale.id.split("/").pop());
    const refund = {
      id: 990000000001,
      order_id: order.id,
      created_at: "2026-03-05T12:00:00+01:00",
      transactions: [
        { id: 880000000001, order_id: order.id, kind: "refund", gateway: "shopify_payments", status: "success", amount: "49.00", currency: "SEK", parent_id: saleId, processed_at: "2026-03-05T12:00:00+01:00", test: false },
      ],
    };
    const sent = await sendWebhook("refunds/create", refund);
    expect(sent.status).toBe(200);
    expect(received.at(-1)!.path).toBe("/webhooks/refunds");
    await sendWebhook("refunds/create", refund); // a repeated delivery changes nothing

    const q = `query($id: ID!) { order(id: $id) { transactions { id kind status processedAt amountSet { shopMoney { amount } } parentTransaction { id } } } }`;
    const { list } = await transactions(tok, order.gid, q);
    expect(list).toEqual([
      { id: sale.id, kind: "SALE", status: "SUCCESS", processedAt: "2026-03-02T09:14:05Z", amountSet: { shopMoney: { amount: "348.0" } }, parentTransaction: null },
      { id: "gid://shopify/OrderTransaction/880000000001", kind: "REFUND", status: "SUCCESS", processedAt: "2026-03-05T11:00:00Z", amountSet: { shopMoney: { amount: "49.0" } }, parentTransaction: { id: sale.id } },
    ]);

    // REST gives a refund in the presentment currency; the shop side follows the order's own rate.
    const euro = await storeOrder({
      presentment_currency: "EUR",
      total_price_set: { shop_money: { amount: "348.00", currency_code: "SEK" }, presentment_money: { amount: "30.00", currency_code: "EUR" } },
    });
    await sendWebhook("refunds/create", { id: 990000000002, order_id: euro.id, transactions: [{ id: 880000000002, kind: "refund", gateway: "shopify_payments", status: "success", amount: "10.01", currency: "EUR" }] });
    const euroList = (await transactions(tok, euro.gid)).list;
    expect(euroList.map((t) => [t.kind, t.amountSet])).toEqual([
      ["SALE", { shopMoney: { amount: "348.0", currencyCode: "SEK" }, presentmentMoney: { amount: "30.0", currencyCode: "EUR" } }],
      ["REFUND", { shopMoney: { amount: "116.12", currencyCode: "SEK" }, presentmentMoney: { amount: "10.01", currencyCode: "EUR" } }], // 10.01 × 348 / 30 = 116.116
    ]);
  });

  it("rejects fields OrderTransaction does not have, and a connection-style selection", async () => {
    const { access_token: tok } = await offlineToken();
    const order = await storeOrder();
    for (const [selection, field] of [
      ["id currencyCode", "currencyCode"],
      ["id amountSet { amount }", "amount"],
      ["edges { node { id } }", "edges"],
    ]) {
      const r = await gql(tok, `query($id: ID!) { order(id: $id) { transactions(first: 5) { ${selection} } } }`, { id: order.gid });
      expect(r.body.data).toBeUndefined();
      const type = selection.startsWith("id amountSet") ? "MoneyBag" : "OrderTransaction";
      expect(r.body.errors[0].message).toBe(`Field '${field}' doesn't exist on type '${type}'`);
    }
    const badArg = await gql(tok, `query($id: ID!) { order(id: $id) { transactions(last: 5) { id } } }`, { id: order.gid });
    expect(badArg.body.errors[0].message).toMatch(/doesn't accept argument 'last'/);
  });

  it("validates the control input strictly with a 400 and keeps the previous list", async () => {
    const order = await storeOrder();
    const ok = { kind: "sale", status: "success", gateway: "shopify_payments", amount: "348.00" };
    expect((await setTransactions(order.gid, [ok])).status).toBe(200);

    const cases: [unknown, RegExp][] = [
      [undefined, /transactions must be an array/],
      [[{ ...ok, kind: "SALE" }], /transactions\[0\]\.kind must be one of sale, capture/],
      [[{ ...ok, status: "paid" }], /transactions\[0\]\.status must be one of/],
      [[ok, { ...ok, amount: 247.9 }], /transactions\[1\]\.amount must be a decimal string/],
      [[{ ...ok, amount: "1.005" }], /amount must be a decimal string with at most 2 decimals/],
      [[{ ...ok, amount: "-5.00" }], /amount must be a decimal string/],
      [[{ ...ok, gateway: "" }], /gateway must be a non-empty string/],
      [[{ ...ok, currency: "SEK" }], /transactions\[0\]\.currency is not a transaction field/],
      [[{ ...ok, presentment_amount: "30.00" }], /presentment_amount must equal amount/],
      [[{ ...ok, processed_at: "yesterday" }], /processed_at must be an ISO 8601 timestamp/],
      [[{ ...ok, processed_at: "2026-03-02T10:00:00" }], /processed_at must be an ISO 8601 timestamp with an offset/],
      [[{ ...ok, parent_id: 42 }], /parent_id 42 is not the id of another transaction/],
      [[{ ...ok, id: 5 }, { ...ok, id: 5 }], /id 5 is used twice/],
      [["sale"], /transactions\[0\] must be an object/],
    ];
    for (const [txs, message] of cases) {
      const r = await setTransactions(order.gid, txs);
      expect(r.status, JSON.stringify(txs)).toBe(400);
      expect(r.body.error).toMatch(message);
    }
    expect((await postJson("/__sim/transactions", { shop: SHOP, orderId: order.gid, transactions: [ok], extra: 1 })).status).toBe(400);
    expect((await postJson("/__sim/transactions", { shop: SHOP, orderId: String(order.id), transactions: [ok] })).status).toBe(400);
    expect((await setTransactions(order.gid, [ok], "not a shop")).status).toBe(400);
    const unknown = await setTransactions("gid://shopify/Order/1", [ok]);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/unknown order/);

    const euro = await storeOrder({ presentment_currency: "EUR" });
    expect((await setTransactions(euro.gid, [ok])).body.error).toMatch(/presentment_amount is required: the order is paid in EUR/);
    expect((await setTransactions(euro.gid, [{ ...ok, presentment_amount: "30.45" }])).status).toBe(200);

    const { access_token: tok } = await offlineToken();
    const { list } = await transactions(tok, order.gid);
    expect(list.map((t) => [t.gateway, t.amountSet.shopMoney.amount])).toEqual([["shopify_payments", "348.0"]]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("write-back: metafieldsSet and tags", () => {
  const gid = mixed1002.admin_graphql_api_id;
  const SET_AND_TAG = `
    mutation WriteBack($metafields: [MetafieldsSetInput!]!, $id: ID!, $tags: [String!]!) {
      mf: metafieldsSet(metafields: $metafields) { metafields { id namespace key value } userErrors { field message code } }
      tag: tagsAdd(id: $id, tags: $tags) { node { id ... on Order { tags } } userErrors { field message } }
    }`;

  it("records writes, resolves $app and fires one signed orders/updated with the new tags", async () => {
    await sendWebhook("orders/paid", mixed1002);
    received.length = 0;
    const { access_token: tok } = await offlineToken();
    const value = JSON.stringify({ status: "synced", provider: "fortnox", documentNumber: "1042" });
    const r = await gql(tok, SET_AND_TAG, {
      metafields: [{ ownerId: gid, namespace: "$app", key: "sync", type: "json", value }],
      id: gid,
      tags: ["fortnox:synced"],
    });
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.mf.userErrors).toEqual([]);
    expect(r.body.data.mf.metafields[0]).toMatchObject({ namespace: `app--${SIM_APP_ID}`, key: "sync", value });
    expect(r.body.data.mf.metafields[0].id).toMatch(/^gid:\/\/shopify\/Metafield\/\d+$/);
    expect(r.body.data.tag).toEqual({ node: { id: gid, tags: ["fortnox:synced"] }, userErrors: [] });
    expect(r.body.extensions.cost.requestedQueryCost).toBe(20);

    const writes = await getJson(`/__sim/writes?shop=${SHOP}`);
    expect(writes.metafields[gid]).toEqual({ [`app--${SIM_APP_ID}.sync`]: { type: "json", value } });
    expect(writes.tags[gid]).toEqual(["fortnox:synced"]);
    expect(writes.mutations.filter((m: { ownerId: string }) => m.ownerId === gid).map((m: { operation: string }) => m.operation)).toEqual(["metafieldsSet", "tagsAdd"]);

    const w = await waitFor(() => received.find((x) => header(x, "x-shopify-topic") === "orders/updated"));
    expect(w.path).toBe("/webhooks/orders");
    expect(header(w, "x-shopify-hmac-sha256")).toBe(hmacOf(w.raw));
    expect(w.validation?.valid).toBe(true);
    const body = JSON.parse(w.raw.toString("utf8")) as ShopifyOrderPayload;
    expect(body.tags).toBe("fortnox:synced");
    expect(Date.parse(body.updated_at)).toBeGreaterThan(Date.parse(mixed1002.updated_at));
    expect(body.total_price).toBe(mixed1002.total_price);
    await new Promise((res) => setTimeout(res, 200));
    expect(received.filter((x) => header(x, "x-shopify-topic") === "orders/updated")).toHaveLength(1); // one per request and order
    const log = await getJson(`/__sim/deliveries?shop=${SHOP}`);
    expect(log.deliveries.at(-1)).toMatchObject({ topic: "orders/updated", status: 200 });

    // reads reflect the writes
    const read = await gql(tok, `query($id: ID!) { order(id: $id) { tags updatedAt metafield(namespace: "$app", key: "sync") { value type } } }`, { id: gid });
    expect(read.body.data.order.tags).toEqual(["fortnox:synced"]);
    expect(read.body.data.order.metafield).toEqual({ value, type: "json" });

    // a write that changes nothing fires nothing; a stale retry of the original payload doesn't roll the tags back
    received.length = 0;
    const same = await gql(tok, `mutation($id: ID!) { tagsAdd(id: $id, tags: ["FORTNOX:SYNCED"]) { userErrors { message } } }`, { id: gid });
    expect(same.body.data.tagsAdd.userErrors).toEqual([]);
    await sendWebhook("orders/paid", mixed1002);
    await new Promise((res) => setTimeout(res, 200));
    expect(received.map((x) => header(x, "x-shopify-topic"))).toEqual(["orders/paid"]);
    const after = await gql(tok, `query($id: ID!) { order(id: $id) { tags } }`, { id: gid });
    expect(after.body.data.order.tags).toEqual(["fortnox:synced"]);

    // tagsRemove changes the order again
    received.length = 0;
    const removed = await gql(tok, `mutation($id: ID!) { tagsRemove(id: $id, tags: ["fortnox:synced"]) { node { id } userErrors { message } } }`, { id: gid });
    expect(removed.body.data.tagsRemove.userErrors).toEqual([]);
    const w2 = await waitFor(() => received.find((x) => header(x, "x-shopify-topic") === "orders/updated"));
    expect(JSON.parse(w2.raw.toString("utf8")).tags).toBe("");
  });

  it("rejects what Shopify rejects", async () => {
    await sendWebhook("orders/paid", simple1001);
    const { access_token: tok } = await offlineToken();
    const target = simple1001.admin_graphql_api_id;
    const mfq = `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { id } userErrors { field message code } } }`;
    const before = await getJson(`/__sim/writes?shop=${SHOP}`);

    const tooMany = await gql(tok, mfq, { m: Array.from({ length: 26 }, (_, i) => ({ ownerId: target, namespace: "$app", key: `k${i}`, type: "single_line_text_field", value: "x" })) });
    expect(tooMany.body.errors[0].extensions.code).toBe("MAX_INPUT_SIZE_EXCEEDED");

    const badJson = await gql(tok, mfq, { m: [{ ownerId: target, namespace: "$app", key: "ok", type: "single_line_text_field", value: "fine" }, { ownerId: target, namespace: "$app", key: "sync", type: "json", value: "{nope" }] });
    expect(badJson.body.data.metafieldsSet.userErrors).toEqual([expect.objectContaining({ field: ["metafields", "1", "value"], code: "INVALID_VALUE" })]);

    const badType = await gql(tok, mfq, { m: [{ ownerId: target, namespace: "$app", key: "sync", type: "jsonb", value: "{}" }] });
    expect(badType.body.data.metafieldsSet.userErrors[0]).toMatchObject({ field: ["metafields", "0", "type"], code: "INVALID_TYPE" });

    const noOwner = await gql(tok, mfq, { m: [{ ownerId: "gid://shopify/Order/999", namespace: "$app", key: "sync", type: "json", value: "{}" }] });
    expect(noOwner.body.data.metafieldsSet.userErrors[0]).toMatchObject({ field: ["metafields", "0", "ownerId"], message: "Owner does not exist" });

    const otherApp = await gql(tok, mfq, { m: [{ ownerId: target, namespace: "app--999", key: "sync", type: "json", value: "{}" }] });
    expect(otherApp.body.data.metafieldsSet.userErrors[0].code).toBe("APP_NOT_AUTHORIZED");

    const missingValue = await gql(tok, mfq, { m: [{ ownerId: target, key: "sync", type: "json" }] });
    expect(missingValue.body.errors[0].extensions.code).toBe("INVALID_VARIABLE");

    // atomic: nothing from the rejected calls was written
    const after = await getJson(`/__sim/writes?shop=${SHOP}`);
    expect(after.metafields[target]).toEqual(before.metafields[target]);

    const longTag = await gql(tok, `mutation($id: ID!) { tagsAdd(id: $id, tags: ["${"x".repeat(41)}"]) { node { id } userErrors { field message } } }`, { id: target });
    expect(longTag.body.data.tagsAdd.node).toBeNull();
    expect(longTag.body.data.tagsAdd.userErrors[0].field).toEqual(["tags"]);

    const unknown = await gql(tok, `mutation { tagsAdd(id: "gid://shopify/Order/424242", tags: ["a"]) { node { id } userErrors { field message } } }`);
    expect(unknown.body.data.tagsAdd).toEqual({ node: null, userErrors: [{ field: ["id"], message: "Order does not exist" }] });

    // compareDigest: compare-and-set
    const set = await gql(tok, `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { compareDigest } userErrors { code } } }`, { m: [{ ownerId: target, key: "cas", type: "single_line_text_field", value: "v1" }] });
    const digest = set.body.data.metafieldsSet.metafields[0].compareDigest as string;
    const stale = await gql(tok, mfq, { m: [{ ownerId: target, key: "cas", type: "single_line_text_field", value: "v2", compareDigest: "0".repeat(64) }] });
    expect(stale.body.data.metafieldsSet.userErrors[0].code).toBe("STALE_OBJECT");
    const fresh = await gql(tok, mfq, { m: [{ ownerId: target, key: "cas", type: "single_line_text_field", value: "v2", compareDigest: digest }] });
    expect(fresh.body.data.metafieldsSet.userErrors).toEqual([]);
  });

  it("enforces scopes", async () => {
    const readOnly = await startShopifySimulator({ apiKey: API_KEY, apiSecret: API_SECRET, appUrl, appTomlPath: join(dir, "shopify.app.toml"), scopes: "read_orders" });
    try {
      const id = (await (await fetch(`${readOnly.url}/__sim/session-token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ shop: SHOP }) })).json()) as { idToken: string };
      const tok = (await (await fetch(`${readOnly.url}/${SHOP}/admin/oauth/access_token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(exchangeBody(id.idToken)) })).json()) as { access_token: string; scope: string };
      expect(tok.scope).toBe("read_orders");
      await fetch(`${readOnly.url}/__sim/orders`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ shop: SHOP, order: guest1003 }) });
      const res = await fetch(`${readOnly.url}/${SHOP}/admin/api/${VERSION}/graphql.json`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": tok.access_token },
        body: JSON.stringify({ query: `mutation($id: ID!) { tagsAdd(id: $id, tags: ["x"]) { userErrors { message } } }`, variables: { id: guest1003.admin_graphql_api_id } }),
      });
      const body = (await res.json()) as any;
      expect(body.data.tagsAdd).toBeNull();
      expect(body.errors[0].extensions.code).toBe("ACCESS_DENIED");
    } finally {
      await readOnly.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe("admin stand-ins", () => {
  it("redirects /store/<handle>/apps/<app> into the embedded app with a valid id token", async () => {
    const res = await fetch(`${sim.url}/store/kontera-test/apps/kontera`, { redirect: "manual" });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get("location")!);
    expect(`${loc.origin}${loc.pathname}`).toBe(`${appUrl}/app`);
    expect(loc.searchParams.get("embedded")).toBe("1");
    expect(loc.searchParams.get("shop")).toBe(SHOP);
    expect(atob(loc.searchParams.get("host")!)).toBe("admin.shopify.com/store/kontera-test");
    expect(api.utils.sanitizeHost(loc.searchParams.get("host")!)).toBe(loc.searchParams.get("host"));
    const payload = await api.session.decodeSessionToken(loc.searchParams.get("id_token")!);
    expect(payload).toMatchObject({ iss: `https://${SHOP}/admin`, dest: `https://${SHOP}`, aud: API_KEY });
  });
});

describe("shopify.app.toml reader", () => {
  it("reads multi-line topic arrays, compliance topics, names and comments", () => {
    const cfg = parseAppTomlWebhooks(TOML);
    expect(cfg.apiVersion).toBe("2026-07");
    expect(cfg.subscriptions.map((s) => s.uri)).toEqual(["/webhooks/orders", "/webhooks/trimmed", "/webhooks/slow", "/webhooks/fail", "/webhooks/compliance", "/webhooks/refunds"]);
    expect(cfg.subscriptions[0]!.topics).toEqual(["orders/paid", "orders/updated"]);
    expect(cfg.subscriptions[3]!.name).toBe("failing-sub");
    expect(cfg.subscriptions[4]!.complianceTopics).toEqual(["customers/data_request", "customers/redact", "shop/redact"]);
    expect(() => parseAppTomlWebhooks(`[[webhooks.subscriptions]]\ntopics = ["a/b"]\n`)).toThrow(/no uri/);
  });
});

// ---------------------------------------------------------------------------------------------

/** Independent öre parser for the tests (BigInt, so it shares no code with the fixtures). */
function ore(amount: string): bigint {
  expect(amount).toMatch(/^\d+\.\d{2}$/);
  return BigInt(amount.replace(".", ""));
}

describe("order fixtures", () => {
  const orders = generateOrders(200, { seed: 42 });

  it("are self-consistent to the öre for 200 generated orders", () => {
    expect(orders).toHaveLength(200);
    for (const o of orders) {
      expect(orderInvariantViolations(o), o.name).toEqual([]);
      const lines = o.line_items.reduce((a, l) => a + ore(l.price) * BigInt(l.quantity), 0n);
      const discounts = o.line_items.reduce((a, l) => a + l.discount_allocations.reduce((b, d) => b + ore(d.amount), 0n), 0n);
      const shipping = o.shipping_lines.reduce((a, s) => a + ore(s.price), 0n);
      expect(ore(o.total_price), o.name).toBe(lines - discounts + shipping);
      expect(ore(o.total_discounts), o.name).toBe(discounts);
      const taxes = [...o.line_items.flatMap((l) => l.tax_lines), ...o.shipping_lines.flatMap((s) => s.tax_lines)].reduce((a, t) => a + ore(t.price), 0n);
      expect(ore(o.total_tax), o.name).toBe(taxes);
      for (const l of o.line_items) {
        const net = ore(l.price) * BigInt(l.quantity) - l.discount_allocations.reduce((b, d) => b + ore(d.amount), 0n);
        const r = BigInt(Math.round(l.tax_lines[0]!.rate * 100));
        expect(ore(l.tax_lines[0]!.price), `${o.name} ${l.sku}`).toBe((2n * net * r + 100n + r) / (2n * (100n + r)));
      }
      expect(o.total_price_set.shop_money).toEqual({ amount: o.total_price, currency_code: "SEK" });
      expect(o.current_total_price).toBe(o.total_price);
      expect(o.taxes_included).toBe(true);
      expect(o.financial_status).toBe("paid");
      expect(o.admin_graphql_api_id).toBe(`gid://shopify/Order/${o.id}`);
      expect(o.id).toBeGreaterThan(6600000000000);
      expect(o.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00$/);
      expect(o.line_items.length).toBeGreaterThanOrEqual(1);
      expect(o.line_items.length).toBeLessThanOrEqual(4);
      expect(o.billing_address?.country_code).toBe("SE");
      expect(o.billing_address?.zip).toMatch(/^\d{3} \d{2}$/);
    }
    expect(vatFromGross(12500, 25)).toBe(2500);
    expect(vatFromGross(4550, 12)).toBe(488); // 487.5 → 488
  });

  it("cover guests, repeat customers, B2B, empty SKUs, discounts, all VAT rates and both UTC offsets", () => {
    expect(orders.filter((o) => o.customer === null).length).toBeGreaterThan(5);
    const counts = new Map<number, number>();
    for (const o of orders) if (o.customer) counts.set(o.customer.id, (counts.get(o.customer.id) ?? 0) + 1);
    expect([...counts.values()].some((n) => n > 1)).toBe(true);
    const b2b = orders.filter((o) => o.note_attributes.some((a) => a.name === "org_nr"));
    expect(b2b.length).toBeGreaterThan(3);
    for (const o of b2b) {
      expect(o.billing_address?.company).toBeTruthy();
      expect(isValidOrgNr(o.note_attributes.find((a) => a.name === "org_nr")!.value)).toBe(true);
    }
    expect(orders.some((o) => o.line_items.some((l) => l.sku === ""))).toBe(true);
    const discounted = orders.filter((o) => o.discount_codes.length > 0);
    expect(discounted.length).toBeGreaterThan(10);
    for (const o of discounted) expect(o.discount_applications[0]).toMatchObject({ code: "VINTER10", value_type: "percentage", allocation_method: "across" });
    const rates = new Set(orders.flatMap((o) => o.line_items.map((l) => l.tax_lines[0]!.rate)));
    expect(rates).toEqual(new Set([0.25, 0.12, 0.06]));
    expect(new Set(orders.map((o) => o.created_at.slice(-6)))).toEqual(new Set(["+01:00", "+02:00"]));
    expect(new Set(orders.map((o) => o.shipping_lines[0]!.price))).toEqual(new Set(["49.00", "0.00"]));
    expect(isValidOrgNr("556123-4568")).toBe(false);
  });

  it("are deterministic for a seed", () => {
    expect(generateOrders(200, { seed: 42 })).toEqual(orders);
    expect(generateOrders(20, { seed: 43 })).not.toEqual(orders.slice(0, 20));
    const shifted = generateOrders(3, { seed: 42, startOrderNumber: 5001 });
    expect(shifted.map((o) => o.name)).toEqual(["#5001", "#5002", "#5003"]);
  });

  it("hand-made JSON orders are consistent and have their features", () => {
    for (const o of [simple1001, mixed1002, guest1003] as ShopifyOrderPayload[]) expect(orderInvariantViolations(o), o.name).toEqual([]);
    expect(simple1001.line_items).toHaveLength(1);
    expect(simple1001.customer?.email).toBeTruthy();
    expect(simple1001.total_price).toBe("348.00");
    expect(new Set(mixed1002.line_items.map((l) => l.tax_lines[0]!.rate))).toEqual(new Set([0.25, 0.06, 0.12]));
    expect(mixed1002.discount_codes[0]!.code).toBe("VINTER10");
    expect(mixed1002.total_price).toBe("1278.40");
    expect(mixed1002.total_tax).toBe("180.42");
    expect(guest1003.customer).toBeNull();
    expect(guest1003.line_items.some((l) => l.sku === "")).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
describe("backfill reads: the 60-day window, ordersCount and bulk operations", () => {
  const BULK_SHOP = "bulk-reads.myshopify.com";
  const DAY = 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");

  async function tokenFor(shop: string): Promise<string> {
    const r = await tokenRequest(shop, exchangeBody(await idToken(shop)));
    expect(r.status).toBe(200);
    return r.body.access_token as string;
  }
  const gqlAt = (tok: string, query: string, variables?: Record<string, unknown>) => gql(tok, query, variables, { shop: BULK_SHOP });

  /** Three orders: 10 and 20 days old, and one 90 days old (outside the default window). */
  async function seed() {
    await postJson("/__sim/reset", {});
    const orders = generateOrders(3, { seed: 77, startOrderNumber: 5001, shop: BULK_SHOP }).map((o, i) => {
      const created = iso(Date.now() - [10, 20, 90][i]! * DAY);
      return { ...o, created_at: created, processed_at: created, updated_at: created };
    });
    expect((await postJson("/__sim/orders", { shop: BULK_SHOP, orders })).status).toBe(200);
    return orders;
  }

  async function poll(tok: string, id: string, until: string[]) {
    for (let i = 0; i < 100; i++) {
      const r = await gqlAt(tok, "query($id: ID!) { node(id: $id) { ... on BulkOperation { id status errorCode objectCount rootObjectCount url } } }", { id });
      if (until.includes(r.body.data.node.status)) return r.body.data.node;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error("bulk operation never finished");
  }

  const RUN = `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message code } } }`;
  const BULK_QUERY = `{ orders { edges { node { id name lineItems { edges { node { id title } } } } } } }`;

  it("without read_all_orders, orders and ordersCount see only the last 60 days; with it, everything", async () => {
    const orders = await seed();
    const q = "{ orders(first: 10, sortKey: CREATED_AT) { nodes { id } } ordersCount { count precision } }";
    const narrow = await gqlAt(await tokenFor(BULK_SHOP), q);
    expect(narrow.body.data.orders.nodes.map((n: any) => n.id)).toEqual([orders[1]!.admin_graphql_api_id, orders[0]!.admin_graphql_api_id]);
    expect(narrow.body.data.ordersCount).toEqual({ count: 2, precision: "EXACT" });

    // The grant applies to tokens issued after it, as a scope update does.
    const before = await tokenFor(BULK_SHOP);
    await postJson("/__sim/scopes", { scopes: "read_orders,write_orders,read_customers,read_products,read_inventory,write_inventory,read_locations,read_all_orders" });
    try {
      expect((await gqlAt(before, q)).body.data.ordersCount.count).toBe(2);
      const wide = await gqlAt(await tokenFor(BULK_SHOP), q);
      expect(wide.body.data.ordersCount).toEqual({ count: 3, precision: "EXACT" });
      expect(wide.body.data.orders.nodes).toHaveLength(3);
      const limited = await gqlAt(await tokenFor(BULK_SHOP), "{ ordersCount(limit: 2) { count precision } }");
      expect(limited.body.data.ordersCount).toEqual({ count: 2, precision: "AT_LEAST" });
    } finally {
      await postJson("/__sim/scopes", { scopes: "read_orders,write_orders,read_customers,read_products,read_inventory,write_inventory,read_locations" });
    }
  });

  it("runs one bulk query per shop: CREATED → RUNNING → COMPLETED, with a JSONL of flattened connections", async () => {
    const orders = await seed();
    await postJson("/__sim/bulk", { shop: BULK_SHOP, createdMs: 100, runningMs: 300, failWith: null });
    const tok = await tokenFor(BULK_SHOP);
    const started = await gqlAt(tok, RUN, { q: BULK_QUERY });
    expect(started.body.data.bulkOperationRunQuery.userErrors).toEqual([]);
    const op = started.body.data.bulkOperationRunQuery.bulkOperation;
    expect(op).toMatchObject({ id: expect.stringMatching(/^gid:\/\/shopify\/BulkOperation\/\d+$/), status: "CREATED" });

    const again = await gqlAt(tok, RUN, { q: BULK_QUERY });
    expect(again.body.data.bulkOperationRunQuery).toEqual({
      bulkOperation: null,
      userErrors: [{ field: null, code: "OPERATION_IN_PROGRESS", message: `A bulk query operation for this app and shop is already in progress: ${op.id}.` }],
    });
    const running = await poll(tok, op.id, ["RUNNING"]);
    expect(running.url).toBeNull();
    const done = await poll(tok, op.id, ["COMPLETED"]);
    const current = await gqlAt(tok, "{ currentBulkOperation { id status } }");
    expect(current.body.data.currentBulkOperation).toEqual({ id: op.id, status: "COMPLETED" });

    const res = await fetch(done.url);
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
    const visible = orders.slice(0, 2); // the 90-day-old order is outside the window here too
    expect(done.rootObjectCount).toBe(String(visible.length));
    expect(done.objectCount).toBe(String(lines.length));
    expect(lines.filter((l) => !l.__parentId).map((l) => l.id).sort()).toEqual(visible.map((o) => o.admin_graphql_api_id).sort());
    for (const o of visible) {
      const at = lines.findIndex((l) => l.id === o.admin_graphql_api_id);
      const children = lines.slice(at + 1, at + 1 + o.line_items.length);
      expect(children.map((c) => c.__parentId)).toEqual(o.line_items.map(() => o.admin_graphql_api_id));
      expect(children.map((c) => c.title)).toEqual(o.line_items.map((l) => l.title));
      expect(lines[at].lineItems).toBeUndefined(); // the connection is flattened out of the parent
    }
    expect((await fetch(done.url.replace(/[0-9a-f]{32}/, "0".repeat(32)))).status).toBe(404);
  });

  it("refuses invalid bulk queries with userErrors, fails or cancels on demand", async () => {
    await seed();
    const tok = await tokenFor(BULK_SHOP);
    const noConnection = await gqlAt(tok, RUN, { q: "{ shop { name } }" });
    expect(noConnection.body.data.bulkOperationRunQuery.userErrors).toEqual([
      { field: ["query"], code: "INVALID", message: "Invalid bulk query: Bulk queries must contain at least one connection." },
    ]);
    const mutation = await gqlAt(tok, RUN, { q: 'mutation { tagsAdd(id: "gid://shopify/Order/1", tags: ["x"]) { userErrors { message } } }' });
    expect(mutation.body.data.bulkOperationRunQuery.userErrors[0]).toMatchObject({ field: ["query"], code: "INVALID" });
    expect((await gqlAt(tok, "{ currentBulkOperation { id } }")).body.data.currentBulkOperation).toBeNull();

    await postJson("/__sim/bulk", { shop: BULK_SHOP, createdMs: 0, runningMs: 50, failWith: "INTERNAL_SERVER_ERROR" });
    const failing = await gqlAt(tok, RUN, { q: BULK_QUERY });
    const failed = await poll(tok, failing.body.data.bulkOperationRunQuery.bulkOperation.id, ["FAILED", "COMPLETED"]);
    expect(failed).toMatchObject({ status: "FAILED", errorCode: "INTERNAL_SERVER_ERROR", url: null });

    await postJson("/__sim/bulk", { shop: BULK_SHOP, createdMs: 0, runningMs: 60_000, failWith: null });
    const slow = await gqlAt(tok, RUN, { q: BULK_QUERY });
    const id = slow.body.data.bulkOperationRunQuery.bulkOperation.id;
    const cancel = await gqlAt(tok, "mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }", { id });
    expect(cancel.body.data.bulkOperationCancel).toEqual({ bulkOperation: { status: "CANCELING" }, userErrors: [] });
    expect((await poll(tok, id, ["CANCELED"])).status).toBe("CANCELED");
    expect((await postJson("/__sim/bulk", { shop: BULK_SHOP, runningMs: -1 })).status).toBe(400);
    await postJson("/__sim/bulk", { shop: BULK_SHOP, createdMs: 100, runningMs: 400, failWith: null });
  });

  it("costs nested connections by their page size and refuses a page over 1000 points", async () => {
    await seed();
    const tok = await tokenFor(BULK_SHOP);
    const cheap = await gqlAt(tok, "{ orders(first: 2) { nodes { id lineItems(first: 5) { nodes { id } } } } }");
    expect(cheap.body.extensions.cost.requestedQueryCost).toBe(2 + 2 * (2 + 5 * 1)); // each order: its lineItems(first: 5), each line 1
    const dear = await gqlAt(tok, "{ orders(first: 250) { nodes { id lineItems(first: 250) { nodes { id title } } } } }");
    expect(dear.body.errors[0].extensions.code).toBe("MAX_COST_EXCEEDED");
    const noFirst = await gqlAt(tok, "{ orders(first: 1) { nodes { lineItems { nodes { id } } } } }");
    expect(noFirst.body.errors[0].message).toBe("you must provide one of first or last");
  });
});
