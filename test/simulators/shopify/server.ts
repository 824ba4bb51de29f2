// Shopify platform simulator: OAuth token endpoint (token exchange + expiring offline tokens),
// Admin GraphQL (orders and their transactions, metafields, tags, cost-based throttling), signed webhooks driven from
// shopify.app.toml, and a small control API under /__sim for tests and the demo.
//
// The app reaches it by rewriting https://<shop>.myshopify.com/<path> to <sim.url>/<shop>.myshopify.com/<path>.
import http from "node:http";
import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { dirname, join } from "node:path";
import { listenOnLoopback } from "../listen.js";
import { serveExtension } from "./extension-host";
import { buildAdminSchema, merchantSetsMetafields, type AdminContext, type MetafieldsSetInput } from "./admin-schema";
import { BulkOperations, flattenBulkResult, type BulkHost } from "./bulk";
import { catalogControl } from "./catalog-control";
import { applyCatalogWebhook } from "./catalog-store";
import { execute, prepare, type GqlError } from "./gql-exec";
import { signHs256, verifyHs256, type JwtPayload } from "./jwt";
import { SimState, randomToken, type AccessTokenRecord, type JsonObject } from "./state";
import { catalogOf } from "./catalog-store";
import { TransactionInputError, appendRefundTransactions, parseTransactionsInput, transactionGid } from "./transactions";
import { NoSubscriptionError, WebhookSender } from "./webhooks";

export interface ShopifySimOptions {
  /** 0/undefined = random; binds 127.0.0.1 */
  port?: number;
  /** the app's client id */
  apiKey: string;
  /** the app's client secret: signs webhooks and id tokens, checked on token requests */
  apiSecret: string;
  /** where webhooks go, e.g. http://127.0.0.1:3000 */
  appUrl: string;
  /** default: <cwd>/shopify.app.toml; topic -> uri routing is read from it (on every send) */
  appTomlPath?: string;
  /**
   * Granted scopes, default "read_orders,write_orders,read_customers,read_products,read_inventory,write_inventory,read_locations" (what
   * shopify.app.toml asks for). read_all_orders is granted only when listed here (Shopify grants
   * it after the app's request is approved). Each access token carries the scopes granted when it
   * was issued; POST /__sim/scopes changes the grant for tokens issued after it.
   */
  scopes?: string;
  /** Bulk query operations that may run at once per shop (default 1, as the brief for Kontera asks; Shopify allows 5 from API 2026-01). */
  bulkConcurrency?: number;
  /** lifetime of expiring offline access tokens, default 3600 */
  accessTokenTtlSeconds?: number;
  /** GraphQL leaky bucket; defaults: Shopify standard plan (2000 points, 100/s) */
  rateLimit?: { maximumAvailable?: number; restoreRate?: number };
  /** request log sink (method, path, status only: never tokens, bodies or customer data) */
  log?: (line: string) => void;
}

export interface ShopifySim {
  /** origin, e.g. http://127.0.0.1:45001 */
  url: string;
  close(): Promise<void>;
}

export const SUPPORTED_API_VERSIONS = ["2026-07", "2026-04", "2026-01"];
export const DEFAULT_SCOPES = "read_orders,write_orders,read_customers,read_products,read_inventory,write_inventory,read_locations";
export const REFRESH_TOKEN_TTL_SECONDS = 7776000; // 90 days
export const ONLINE_TOKEN_TTL_SECONDS = 86399;
export const MAX_SINGLE_QUERY_COST = 1000;
const JWT_CLOCK_TOLERANCE_S = 10;

const GRANT_TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const TOKEN_TYPE_ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
const TOKEN_TYPE_OFFLINE = "urn:shopify:params:oauth:token-type:offline-access-token";
const TOKEN_TYPE_ONLINE = "urn:shopify:params:oauth:token-type:online-access-token";
const INVALID_TOKEN_BODY = { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" };
const SHOP_RE = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const MAX_BODY_BYTES = 10 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly body: unknown,
  ) {
    super(typeof body === "string" ? body : JSON.stringify(body));
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, { errors: "Request body too large" });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function mediaType(req: http.IncomingMessage): string {
  return String(req.headers["content-type"] ?? "")
    .split(";")[0]!
    .trim()
    .toLowerCase();
}

async function readJson(req: http.IncomingMessage): Promise<JsonObject> {
  const raw = await readBody(req);
  if (raw.length === 0) return {};
  try {
    const v: unknown = JSON.parse(raw.toString("utf8"));
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
    return v as JsonObject;
  } catch {
    throw new HttpError(400, { error: "body must be a JSON object" });
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function mintIdToken(opts: { apiKey: string; apiSecret: string }, shop: string, userId: number, ttlSeconds = 60): string {
  const now = Math.floor(Date.now() / 1000);
  const payload: JwtPayload = {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: opts.apiKey,
    sub: String(userId),
    exp: now + ttlSeconds,
    nbf: now - 1,
    iat: now - 1,
    jti: randomUUID(),
    sid: randomBytes(16).toString("hex"),
  };
  return signHs256(payload, opts.apiSecret);
}

/** Standard base64 without padding: what shopify-api's sanitizeHost (regex [0-9a-zA-Z+/]+={0,2}) and atob accept. */
export function encodeHost(storeHandle: string): string {
  return Buffer.from(`admin.shopify.com/store/${storeHandle}`).toString("base64").replace(/=+$/, "");
}

export async function startShopifySimulator(opts: ShopifySimOptions): Promise<ShopifySim> {
  if (!opts.apiKey || !opts.apiSecret || !opts.appUrl) throw new Error("startShopifySimulator: apiKey, apiSecret and appUrl are required");
  const appUrl = opts.appUrl.replace(/\/+$/, "");
  let scopes = opts.scopes ?? DEFAULT_SCOPES;
  const scopeSetOf = (list: string) => new Set(list.split(",").map((s) => s.trim()).filter(Boolean));
  const ttl = opts.accessTokenTtlSeconds ?? 3600;
  const bucketMax = opts.rateLimit?.maximumAvailable ?? 2000;
  const restoreRate = opts.rateLimit?.restoreRate ?? 100;
  const state = new SimState(bucketMax);
  const holds: { query: RegExp; delayMs: number; count: number }[] = [];
  const schemas = new Map(SUPPORTED_API_VERSIONS.map((v) => [v, buildAdminSchema(v)]));
  const schemaFor = (version: string | undefined) => schemas.get(version ?? SUPPORTED_API_VERSIONS[0]!) ?? schemas.get(SUPPORTED_API_VERSIONS[0]!)!;
  let origin = "";
  const bulkHost: BulkHost = {
    ops: new BulkOperations(() => origin, opts.bulkConcurrency ?? 1),
    run(ctx, query) {
      const schema = schemaFor(ctx.apiVersion);
      const prepared = prepare(schema, { query });
      if (!prepared.ok) return { error: prepared.errors.map((e) => e.message).join("; ") };
      if (prepared.prepared.operation.operation !== "query") return { error: "bulk queries cannot contain mutations" };
      const result = execute(schema, prepared.prepared, { ...ctx, bulk: true, changedOrders: new Set<string>() });
      if (result.errors.length) return { error: result.errors.map((e) => e.message).join("; ") };
      return flattenBulkResult(result.data ?? {});
    },
  };
  const appTomlPath = opts.appTomlPath ?? join(process.cwd(), "shopify.app.toml");
  const webhooks = new WebhookSender({ apiSecret: opts.apiSecret, appUrl, appTomlPath, state });
  const log = opts.log ?? (() => {});

  // ------------------------------------------------------------------------------------------
  // tokens

  function issueAccessToken(shop: string, kind: "offline" | "online", expiresInS: number | null, userId?: number): AccessTokenRecord {
    const now = Date.now();
    const rec: AccessTokenRecord = {
      token: randomToken("shpat_sim_"),
      shop,
      kind,
      scope: scopes,
      issuedAt: now,
      expiresAt: expiresInS === null ? null : now + expiresInS * 1000,
      revoked: false,
      userId,
    };
    state.accessTokens.set(rec.token, rec);
    return rec;
  }

  function issueRefreshToken(shop: string, familyId: string): string {
    const token = randomToken("shprt_sim_");
    state.refreshTokens.set(token, { token, shop, familyId, expiresAt: Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000 });
    return token;
  }

  function expiringOfflineResponse(shop: string): JsonObject {
    const access = issueAccessToken(shop, "offline", ttl);
    const familyId = randomUUID();
    const refresh = issueRefreshToken(shop, familyId);
    state.refreshFamilies.set(familyId, { id: familyId, shop, scope: scopes, current: refresh, previous: null });
    return { access_token: access.token, scope: scopes, expires_in: ttl, refresh_token: refresh, refresh_token_expires_in: REFRESH_TOKEN_TTL_SECONDS };
  }

  function validateIdToken(shop: string, token: unknown): { ok: true; payload: JwtPayload } | { ok: false; description: string } {
    if (typeof token !== "string" || !token) return { ok: false, description: "subject_token is missing" };
    const v = verifyHs256(token, opts.apiSecret);
    if (!v.ok) return { ok: false, description: `Invalid id token: ${v.reason}` };
    const p = v.payload;
    const now = Math.floor(Date.now() / 1000);
    if (p.aud !== opts.apiKey) return { ok: false, description: "Invalid id token: audience does not match the client id" };
    if (p.dest !== `https://${shop}`) return { ok: false, description: "Invalid id token: dest does not match the shop" };
    if (p.iss !== `https://${shop}/admin`) return { ok: false, description: "Invalid id token: iss does not match the shop" };
    if (typeof p.exp !== "number" || now > p.exp + JWT_CLOCK_TOLERANCE_S) return { ok: false, description: "Invalid id token: token has expired" };
    if (typeof p.nbf === "number" && now < p.nbf - JWT_CLOCK_TOLERANCE_S) return { ok: false, description: "Invalid id token: token is not yet valid" };
    if (typeof p.sub !== "string" || !/^\d+$/.test(p.sub)) return { ok: false, description: "Invalid id token: sub is missing" };
    return { ok: true, payload: p };
  }

  async function handleAccessToken(req: http.IncomingMessage, res: http.ServerResponse, shop: string): Promise<void> {
    if (req.method !== "POST") throw new HttpError(405, { error: "method_not_allowed" });
    const ct = mediaType(req);
    const raw = (await readBody(req)).toString("utf8");
    let params: Record<string, unknown>;
    if (ct === "application/json") {
      try {
        const v: unknown = JSON.parse(raw);
        if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error();
        params = v as Record<string, unknown>;
      } catch {
        throw new HttpError(400, { error: "invalid_request", error_description: "The request body is not valid JSON" });
      }
    } else if (ct === "application/x-www-form-urlencoded") {
      params = Object.fromEntries(new URLSearchParams(raw));
    } else {
      throw new HttpError(400, { error: "invalid_request", error_description: "Unsupported content type; use application/json or application/x-www-form-urlencoded" });
    }
    const str = (k: string): string | undefined => (typeof params[k] === "string" ? (params[k] as string) : undefined);

    const clientId = str("client_id");
    const clientSecret = str("client_secret");
    if (!clientId || !clientSecret || clientId !== opts.apiKey || !safeEqual(clientSecret, opts.apiSecret)) {
      send(res, 401, { error: "invalid_client" });
      return;
    }
    const grantType = str("grant_type");
    if (grantType === GRANT_TOKEN_EXCHANGE) {
      const subjectType = str("subject_token_type");
      const requested = str("requested_token_type");
      const expiringRaw = params.expiring;
      const expiring = expiringRaw === "1" || expiringRaw === 1 || expiringRaw === true || expiringRaw === "true";
      if (expiringRaw !== undefined && !expiring && !["0", 0, false, "false"].includes(expiringRaw as never)) {
        throw new HttpError(400, { error: "invalid_request", error_description: "expiring must be 0 or 1" });
      }
      if (requested !== TOKEN_TYPE_OFFLINE && requested !== TOKEN_TYPE_ONLINE) {
        throw new HttpError(400, { error: "invalid_request", error_description: "requested_token_type is missing or not supported" });
      }
      if (subjectType === TOKEN_TYPE_ID_TOKEN) {
        const v = validateIdToken(shop, params.subject_token);
        if (!v.ok) {
          send(res, 400, { error: "invalid_subject_token", error_description: v.description });
          return;
        }
        state.shop(shop);
        state.stats.tokenExchanges += 1;
        if (requested === TOKEN_TYPE_ONLINE) {
          const userId = Number(v.payload.sub);
          const access = issueAccessToken(shop, "online", ONLINE_TOKEN_TTL_SECONDS, userId);
          send(res, 200, {
            access_token: access.token,
            scope: scopes,
            expires_in: ONLINE_TOKEN_TTL_SECONDS,
            associated_user_scope: scopes,
            associated_user: {
              id: userId,
              first_name: "Sim",
              last_name: "Staff",
              email: `staff-${userId}@example.com`,
              account_owner: userId === 1,
              locale: "sv",
              collaborator: false,
              email_verified: true,
            },
          });
          return;
        }
        if (expiring) {
          send(res, 200, expiringOfflineResponse(shop));
        } else {
          const access = issueAccessToken(shop, "offline", null);
          send(res, 200, { access_token: access.token, scope: scopes });
        }
        return;
      }
      if (subjectType === TOKEN_TYPE_OFFLINE) {
        // migration of a non-expiring offline token to an expiring one (shopify-api migrateToExpiringToken)
        const subject = str("subject_token");
        const rec = subject ? state.accessTokens.get(subject) : undefined;
        if (!rec || rec.shop !== shop || rec.kind !== "offline" || rec.expiresAt !== null || rec.revoked) {
          send(res, 400, { error: "invalid_subject_token", error_description: "The subject token is not a valid non-expiring offline access token for this shop" });
          return;
        }
        if (requested !== TOKEN_TYPE_OFFLINE || !expiring) {
          throw new HttpError(400, { error: "invalid_request", error_description: "Migration requires requested_token_type offline-access-token and expiring=1" });
        }
        rec.revoked = true;
        state.stats.tokenExchanges += 1;
        send(res, 200, expiringOfflineResponse(shop));
        return;
      }
      throw new HttpError(400, { error: "invalid_request", error_description: "subject_token_type is missing or not supported" });
    }
    if (grantType === "refresh_token") {
      const token = str("refresh_token");
      if (!token) throw new HttpError(400, { error: "invalid_request", error_description: "refresh_token is required" });
      const rec = state.refreshTokens.get(token);
      const fam = rec ? state.refreshFamilies.get(rec.familyId) : undefined;
      const valid = rec && fam && rec.shop === shop && rec.expiresAt > Date.now() && (fam.current === token || fam.previous === token);
      if (!valid) {
        state.stats.invalidGrants += 1;
        send(res, 400, { error: "invalid_grant", error_description: "The refresh token is invalid, expired, or has already been used" });
        return;
      }
      // Rotation: the presented token stays valid until the token issued now has been used;
      // any other earlier token of this chain is dead from here on.
      const access = issueAccessToken(shop, "offline", ttl);
      const next = issueRefreshToken(shop, fam.id);
      if (fam.current !== token) state.refreshTokens.delete(fam.current);
      if (fam.previous && fam.previous !== token) state.refreshTokens.delete(fam.previous);
      fam.previous = token;
      fam.current = next;
      state.stats.refreshes += 1;
      send(res, 200, { access_token: access.token, scope: fam.scope, expires_in: ttl, refresh_token: next, refresh_token_expires_in: REFRESH_TOKEN_TTL_SECONDS });
      return;
    }
    throw new HttpError(400, { error: "unsupported_grant_type" });
  }

  // ------------------------------------------------------------------------------------------
  // GraphQL

  function bucketLevel(shopState: ReturnType<SimState["shop"]>): number {
    const now = Date.now();
    const b = shopState.bucket;
    b.available = Math.min(bucketMax, b.available + ((now - b.at) / 1000) * restoreRate);
    b.at = now;
    return b.available;
  }

  function throttleStatus(shopState: ReturnType<SimState["shop"]>) {
    return { maximumAvailable: bucketMax, currentlyAvailable: Math.floor(bucketLevel(shopState)), restoreRate };
  }

  async function handleGraphql(req: http.IncomingMessage, res: http.ServerResponse, shop: string, version: string): Promise<void> {
    state.stats.graphqlRequests += 1;
    if (!SUPPORTED_API_VERSIONS.includes(version)) throw new HttpError(404, { errors: "Not Found" });
    if (req.method !== "POST") throw new HttpError(405, { errors: "Method Not Allowed" });
    const tokenHeader = req.headers["x-shopify-access-token"];
    const token = Array.isArray(tokenHeader) ? tokenHeader[0] : tokenHeader;
    const rec = token ? state.accessTokens.get(token) : undefined;
    if (!rec || rec.revoked || rec.shop !== shop || (rec.expiresAt !== null && rec.expiresAt <= Date.now())) {
      state.stats.unauthorized += 1;
      // drain the body so the connection can be reused
      await readBody(req).catch(() => undefined);
      send(res, 401, INVALID_TOKEN_BODY);
      return;
    }
    const ct = mediaType(req);
    const raw = (await readBody(req)).toString("utf8");
    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    if (ct === "application/json") {
      try {
        const v: unknown = JSON.parse(raw);
        if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error();
        body = v as typeof body;
      } catch {
        throw new HttpError(400, { errors: { query: "Required parameter missing or invalid" } });
      }
    } else if (ct === "application/graphql") {
      body = { query: raw };
    } else {
      throw new HttpError(415, { errors: "Unsupported Media Type: use application/json or application/graphql" });
    }
    const held = typeof body.query === "string" ? holds.find((h) => h.count > 0 && h.query.test(body.query as string)) : undefined;
    if (held) {
      held.count -= 1;
      await new Promise((r) => setTimeout(r, held.delayMs));
    }
    if (typeof body.query !== "string" || !body.query.trim()) {
      throw new HttpError(400, { errors: { query: "Required parameter missing or invalid" } });
    }

    const shopState = state.shop(shop);
    const schema = schemaFor(version);
    const prepared = prepare(schema, { query: body.query, variables: body.variables, operationName: body.operationName });
    if (!prepared.ok) {
      send(res, 200, { errors: prepared.errors });
      return;
    }
    const requested = prepared.prepared.requestedCost;
    if (requested > MAX_SINGLE_QUERY_COST) {
      send(res, 200, {
        errors: [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_SINGLE_QUERY_COST}).`,
            extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: MAX_SINGLE_QUERY_COST, documentation: "https://shopify.dev/api/usage/rate-limits" },
          },
        ],
      });
      return;
    }
    if (requested > bucketLevel(shopState)) {
      state.stats.throttled += 1;
      send(res, 200, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus(shopState) } },
      });
      return;
    }
    shopState.bucket.available -= requested;
    const ctx: AdminContext = { state, shop: shopState, scopes: scopeSetOf(rec.scope), changedOrders: new Set(), bulkHost, apiVersion: version, changedProducts: new Set() };
    const result = execute(schema, prepared.prepared, ctx);
    const actual = Math.min(result.actualCost, requested);
    shopState.bucket.available = Math.min(bucketMax, shopState.bucket.available + (requested - actual));
    const out: { data: unknown; errors?: GqlError[]; extensions: unknown } = {
      data: result.data,
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttleStatus(shopState) } },
    };
    if (result.errors.length) out.errors = result.errors;
    send(res, 200, out);

    // Like Shopify: changing an order's tags or metafields fires orders/updated to the app.
    for (const gid of ctx.changedOrders) {
      const order = shopState.orders.get(gid);
      if (!order) continue;
      const payload = structuredClone(order);
      const subs = safeSubscriptions("orders/updated");
      if (!subs) continue;
      webhooks
        .send({ shop, topic: "orders/updated", payload, source: "platform" })
        .catch((e: unknown) => log(`orders/updated delivery failed: ${(e as Error).message}`));
    }

    // Like Shopify: an inventory change fires products/update (the variant's inventory_quantity moved).
    const products = [...(ctx.changedProducts ?? [])].map((gid) => catalogOf(shopState).products.get(gid)).filter((p): p is JsonObject => !!p);
    sendProductUpdates(shop, products).catch((e: unknown) => log(`products/update delivery failed: ${(e as Error).message}`));
  }

  async function sendProductUpdates(shop: string, products: JsonObject[]): Promise<number> {
    if (!products.length || !safeSubscriptions("products/update")) return 0;
    await Promise.all(products.map((p) => webhooks.send({ shop, topic: "products/update", payload: structuredClone(p), source: "platform" })));
    return products.length;
  }

  function safeSubscriptions(topic: string): boolean {
    try {
      return webhooks.config().subscriptions.some((s) => s.topics.includes(topic));
    } catch (e) {
      log(`cannot read shopify.app.toml: ${(e as Error).message}`);
      return false;
    }
  }

  // ------------------------------------------------------------------------------------------
  // control API

  function storeOrder(shop: string, payload: JsonObject, topic: string): void {
    const gid = payload.admin_graphql_api_id;
    if (typeof gid !== "string" || !gid.startsWith("gid://shopify/Order/")) return;
    const s = state.shop(shop);
    if (topic === "orders/delete") {
      s.orders.delete(gid);
      s.transactions.delete(gid);
      return;
    }
    const existing = s.orders.get(gid);
    const incoming = Date.parse(String(payload.updated_at ?? ""));
    const current = existing ? Date.parse(String(existing.updated_at ?? "")) : NaN;
    // a stale payload (e.g. a retried delivery) does not roll back newer platform state
    if (existing && !Number.isNaN(current) && !Number.isNaN(incoming) && incoming < current) return;
    s.orders.set(gid, structuredClone(payload));
  }

  function requireShop(v: unknown): string {
    if (typeof v !== "string" || !SHOP_RE.test(v)) throw new HttpError(400, { error: "shop must be a <handle>.myshopify.com domain" });
    return v;
  }

  async function handleControl(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case "POST /__sim/webhooks": {
        const b = await readJson(req);
        const shop = requireShop(b.shop);
        if (typeof b.topic !== "string" || !/^[a-z_]+\/[a-z_]+$/.test(b.topic)) throw new HttpError(400, { error: "topic must look like orders/paid" });
        if (!b.payload || typeof b.payload !== "object" || Array.isArray(b.payload)) throw new HttpError(400, { error: "payload must be an object" });
        const deliveries = b.deliveries === undefined ? 1 : b.deliveries;
        if (typeof deliveries !== "number" || !Number.isInteger(deliveries) || deliveries < 1 || deliveries > 50) throw new HttpError(400, { error: "deliveries must be an integer 1..50" });
        for (const k of ["eventId", "webhookId", "apiVersion"] as const) {
          if (b[k] !== undefined && typeof b[k] !== "string") throw new HttpError(400, { error: `${k} must be a string` });
        }
        const payload = b.payload as JsonObject;
        if (b.topic.startsWith("orders/")) storeOrder(shop, payload, b.topic);
        if (b.topic.startsWith("products/") || b.topic.startsWith("customers/")) applyCatalogWebhook(state.shop(shop), b.topic, payload);
        // The refund happened on the platform whether or not the app hears of it.
        if (b.topic === "refunds/create") appendRefundTransactions(state, state.shop(shop), payload);
        try {
          const r = await webhooks.send({
            shop,
            topic: b.topic,
            payload,
            deliveries,
            eventId: b.eventId as string | undefined,
            webhookId: b.webhookId as string | undefined,
            apiVersion: b.apiVersion as string | undefined,
            source: "control",
          });
          send(res, 200, r);
        } catch (e) {
          if (e instanceof NoSubscriptionError) throw new HttpError(422, { error: e.message });
          if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new HttpError(422, { error: `shopify.app.toml not found: ${(e as Error).message}` });
          throw new HttpError(422, { error: (e as Error).message });
        }
        return;
      }
      case "GET /__sim/writes": {
        const s = state.shop(requireShop(url.searchParams.get("shop")));
        const metafields: Record<string, Record<string, { type: string; value: string }>> = {};
        for (const [owner, byKey] of s.metafields) {
          metafields[owner] = {};
          for (const [k, m] of byKey) metafields[owner][k] = { type: m.type, value: m.value };
        }
        const tags: Record<string, string[]> = {};
        for (const gid of s.tagWrites) {
          const o = s.orders.get(gid);
          tags[gid] = o ? String(o.tags ?? "").split(",").map((t) => t.trim()).filter(Boolean) : [];
        }
        send(res, 200, { metafields, tags, mutations: s.mutations });
        return;
      }
      case "GET /__sim/deliveries": {
        const shopParam = url.searchParams.get("shop");
        if (shopParam) {
          send(res, 200, { deliveries: state.shop(requireShop(shopParam)).deliveries });
        } else {
          send(res, 200, { deliveries: [...state.shops.values()].flatMap((s) => s.deliveries.map((d) => ({ shop: s.domain, ...d }))) });
        }
        return;
      }
      case "GET /__sim/stats":
        send(res, 200, state.stats);
        return;
      case "POST /__sim/session-token": {
        const b = await readJson(req);
        const shop = requireShop(b.shop);
        const userId = b.userId === undefined ? 1 : b.userId;
        if (typeof userId !== "number" || !Number.isInteger(userId) || userId < 1) throw new HttpError(400, { error: "userId must be a positive integer" });
        const ttlS = b.ttlSeconds === undefined ? 60 : b.ttlSeconds;
        if (typeof ttlS !== "number" || !Number.isFinite(ttlS)) throw new HttpError(400, { error: "ttlSeconds must be a number" });
        send(res, 200, { idToken: mintIdToken(opts, shop, userId, ttlS) });
        return;
      }
      case "POST /__sim/expire-tokens": {
        const b = await readJson(req);
        const shop = b.shop === undefined ? undefined : requireShop(b.shop);
        const now = Date.now();
        let expired = 0;
        for (const rec of state.accessTokens.values()) {
          if (shop && rec.shop !== shop) continue;
          if (rec.expiresAt === null || rec.expiresAt > now) {
            rec.expiresAt = now;
            expired += 1;
          }
        }
        send(res, 200, { expired });
        return;
      }
      case "POST /__sim/orders": {
        // make an order known without delivering a webhook (a "lost" webhook for reconciliation tests)
        const b = await readJson(req);
        const shop = requireShop(b.shop);
        const orders = Array.isArray(b.orders) ? b.orders : b.order ? [b.order] : null;
        if (!orders || orders.some((o) => !o || typeof o !== "object" || typeof (o as JsonObject).admin_graphql_api_id !== "string")) {
          throw new HttpError(400, { error: "order (or orders[]) with admin_graphql_api_id is required" });
        }
        for (const o of orders) storeOrder(shop, o as JsonObject, "orders/create");
        send(res, 200, { stored: orders.length });
        return;
      }
      case "POST /__sim/transactions": {
        // replaces an order's transaction list (what Order.transactions returns)
        const b = await readJson(req);
        for (const k of Object.keys(b)) {
          if (!["shop", "orderId", "transactions"].includes(k)) throw new HttpError(400, { error: `unknown field ${k} (expected shop, orderId, transactions)` });
        }
        const s = state.shop(requireShop(b.shop));
        if (typeof b.orderId !== "string" || !/^gid:\/\/shopify\/Order\/\d+$/.test(b.orderId)) {
          throw new HttpError(400, { error: "orderId must be an order gid like gid://shopify/Order/123" });
        }
        const order = s.orders.get(b.orderId);
        if (!order) throw new HttpError(404, { error: `unknown order ${b.orderId}: send an orders/* webhook or POST /__sim/orders first` });
        let list;
        try {
          list = parseTransactionsInput(state, b.transactions, order);
        } catch (e) {
          if (e instanceof TransactionInputError) throw new HttpError(400, { error: e.message });
          throw e;
        }
        s.transactions.set(b.orderId, list);
        send(res, 200, { orderId: b.orderId, transactions: list.map((t) => ({ id: transactionGid(t.id), kind: t.kind, status: t.status })) });
        return;
      }
      case "POST /__sim/metafields": {
        // metafields the merchant keeps on an order (a PO number, a project): what mapping rules read
        const b = await readJson(req);
        for (const k of Object.keys(b)) {
          if (!["shop", "metafields"].includes(k)) throw new HttpError(400, { error: `unknown field ${k} (expected shop, metafields)` });
        }
        const s = state.shop(requireShop(b.shop));
        if (!Array.isArray(b.metafields) || b.metafields.some((m) => !m || typeof m !== "object" || typeof (m as JsonObject).ownerId !== "string" || typeof (m as JsonObject).key !== "string" || typeof (m as JsonObject).value !== "string")) {
          throw new HttpError(400, { error: "metafields must be [{ ownerId, namespace, key, type, value }]" });
        }
        const userErrors = merchantSetsMetafields(state, s, b.metafields as unknown as MetafieldsSetInput[]);
        send(res, userErrors.length ? 400 : 200, { userErrors });
        return;
      }
      case "GET /__sim/orders": {
        const s = state.shop(requireShop(url.searchParams.get("shop")));
        const id = url.searchParams.get("id");
        if (id) {
          const o = s.orders.get(id);
          if (!o) throw new HttpError(404, { error: "unknown order" });
          send(res, 200, { order: o });
        } else send(res, 200, { orders: [...s.orders.values()] });
        return;
      }
      case "POST /__sim/bulk": {
        // How the shop's next bulk operations behave: how long they stay CREATED and RUNNING,
        // and whether they fail (errorCode) instead of completing.
        const b = await readJson(req);
        for (const k of Object.keys(b)) if (!["shop", "createdMs", "runningMs", "failWith"].includes(k)) throw new HttpError(400, { error: `unknown field ${k} (expected shop, createdMs, runningMs, failWith)` });
        const shop = b.shop === undefined ? null : requireShop(b.shop);
        for (const k of ["createdMs", "runningMs"] as const) {
          if (b[k] !== undefined && (typeof b[k] !== "number" || !Number.isInteger(b[k]) || (b[k] as number) < 0 || (b[k] as number) > 3_600_000)) throw new HttpError(400, { error: `${k} must be an integer 0..3600000` });
        }
        if (b.failWith !== undefined && b.failWith !== null && !["ACCESS_DENIED", "INTERNAL_SERVER_ERROR", "TIMEOUT"].includes(b.failWith as string)) {
          throw new HttpError(400, { error: "failWith must be ACCESS_DENIED, INTERNAL_SERVER_ERROR, TIMEOUT or null" });
        }
        const behaviour = bulkHost.ops.setBehaviour(shop, b as never);
        send(res, 200, { behaviour });
        return;
      }
      case "POST /__sim/scopes": {
        const b = await readJson(req);
        if (typeof b.scopes !== "string" || !/^[a-z_]+(,[a-z_]+)*$/.test(b.scopes)) throw new HttpError(400, { error: "scopes must be a comma-separated list like read_orders,read_all_orders" });
        scopes = b.scopes;
        send(res, 200, { scopes });
        return;
      }
      case "POST /__sim/bucket": {
        const b = await readJson(req);
        const s = state.shop(requireShop(b.shop));
        if (typeof b.currentlyAvailable !== "number" || b.currentlyAvailable < 0) throw new HttpError(400, { error: "currentlyAvailable must be a number >= 0" });
        s.bucket = { available: Math.min(bucketMax, b.currentlyAvailable), at: Date.now() };
        send(res, 200, { throttleStatus: throttleStatus(s) });
        return;
      }
      case "POST /__sim/holds": {
        // Holds the next `count` GraphQL requests whose query matches, for delayMs before they are
        // processed: the moment a test kills the app mid-call (the call lands later, or never).
        const b = await readJson(req);
        for (const k of Object.keys(b)) if (!["query", "delayMs", "count"].includes(k)) throw new HttpError(400, { error: `unknown field ${k} (expected query, delayMs, count)` });
        if (typeof b.query !== "string" || !b.query) throw new HttpError(400, { error: "query must be a regular expression over the GraphQL document" });
        let query: RegExp;
        try { query = new RegExp(b.query); } catch { throw new HttpError(400, { error: `bad regular expression ${b.query}` }); }
        const count = b.count ?? 1;
        const delayMs = b.delayMs;
        if (typeof count !== "number" || !Number.isInteger(count) || count < 1) throw new HttpError(400, { error: "count must be a positive integer" });
        if (typeof delayMs !== "number" || !Number.isInteger(delayMs) || delayMs < 0 || delayMs > 600_000) throw new HttpError(400, { error: "delayMs must be an integer 0..600000" });
        holds.push({ query, delayMs, count });
        send(res, 200, { holds: holds.map((h) => ({ query: h.query.source, delayMs: h.delayMs, count: h.count })) });
        return;
      }
      case "PUT /__sim/app-urls": {
        const b = await readJson(req);
        const urls = b.urls;
        if (!Array.isArray(urls) || urls.some((u) => typeof u !== "string" || !/^http:\/\/(127\.0\.0\.1|localhost):\d+$/.test(u))) {
          throw new HttpError(400, { error: "urls must be loopback origins like http://127.0.0.1:3000 (empty: the app's own URL)" });
        }
        webhooks.setAppUrls(urls as string[]);
        send(res, 200, { urls });
        return;
      }
      case "GET /__sim/holds":
        send(res, 200, { holds: holds.map((h) => ({ query: h.query.source, delayMs: h.delayMs, count: h.count })) });
        return;
      case "POST /__sim/reset":
        await readBody(req);
        state.reset();
        bulkHost.ops.clear();
        holds.length = 0;
        webhooks.setAppUrls([]);
        send(res, 200, { ok: true });
        return;
      default: {
        const answer = await catalogControl(state, route, url, () => readJson(req));
        if (!answer) throw new HttpError(404, { error: `unknown control route ${route}` });
        const webhooksSent = answer.changed ? await sendProductUpdates(answer.changed.shop, answer.changed.products) : 0;
        send(res, answer.status, answer.changed ? { ...(answer.body as object), webhooksSent } : answer.body);
        return;
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // routing

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sim.invalid");
    if (url.pathname.startsWith("/__sim/")) return handleControl(req, res, url);

    // A bulk operation's result file: like Shopify's signed storage URL, the token in it is the credential.
    const file = /^\/__bulk\/([0-9a-f]{32})\.jsonl$/.exec(url.pathname);
    if (file && req.method === "GET") {
      const body = bulkHost.ops.file(file[1]!);
      if (body === null) throw new HttpError(404, { errors: "Not Found" });
      res.writeHead(200, { "Content-Type": "application/jsonl", "Content-Length": String(Buffer.byteLength(body)) });
      res.end(body);
      return;
    }

    // The admin's host for the app's UI extensions (the order page's block and actions).
    const extension = /^\/store\/([a-zA-Z0-9][a-zA-Z0-9-]*)\/extensions\/(.+)$/.exec(url.pathname);
    if (extension) {
      const storeHandle = extension[1]!.toLowerCase();
      const shop = `${storeHandle}.myshopify.com`;
      return serveExtension(req, res, url, { appDir: dirname(appTomlPath), appUrl, shop, storeHandle, mintIdToken: () => mintIdToken(opts, shop, 1) }, extension[2]!);
    }

    const store = /^\/store\/([a-zA-Z0-9][a-zA-Z0-9-]*)\/apps\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (store && req.method === "GET") {
      const handle = store[1]!.toLowerCase();
      const shop = `${handle}.myshopify.com`;
      const path = store[3] && store[3] !== "/" ? store[3] : "/app";
      // Shopify adds the admin user's language; ?locale= on this URL stands for the user's choice.
      const locale = url.searchParams.get("locale") ?? "en";
      const q = new URLSearchParams({ embedded: "1", shop, host: encodeHost(handle), id_token: mintIdToken(opts, shop, 1), locale });
      res.writeHead(302, { Location: `${appUrl}${path}?${q.toString()}`, "Content-Length": "0" });
      res.end();
      return;
    }

    const m = /^\/([^/]+)\/admin\/(.*)$/.exec(url.pathname);
    if (m && SHOP_RE.test(m[1]!)) {
      const shop = m[1]!;
      const rest = m[2]!;
      if (rest === "oauth/access_token") return handleAccessToken(req, res, shop);
      const gql = /^api\/([^/]+)\/graphql\.json$/.exec(rest);
      if (gql) return handleGraphql(req, res, shop, gql[1]!);
    }
    throw new HttpError(404, { errors: "Not Found" });
  }

  const server = http.createServer((req, res) => {
    const started = Date.now();
    res.on("finish", () => log(`${req.method} ${(req.url ?? "").split("?")[0]} -> ${res.statusCode} (${Date.now() - started} ms)`));
    route(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof HttpError) send(res, e.status, e.body);
      else {
        log(`internal error: ${(e as Error).stack ?? String(e)}`);
        send(res, 500, { errors: "Internal Server Error" });
      }
    });
  });

  const port = await listenOnLoopback(server, opts.port);
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export { signWebhookBody, DELIVERY_TIMEOUT_MS } from "./webhooks";
export { SIM_APP_ID, resolveAppNamespace } from "./state";
export { parseAppTomlWebhooks } from "./app-toml";
