/**
 * Visma eAccounting API v2 simulator — a real HTTP server (node:http) that is deliberately
 * STRICT, so a connector tested against it proves something: reused refresh tokens, missing
 * scopes, bursts above the per-endpoint quota, unknown references, sloppy decimals and wrong
 * totals fail the way the real API fails (facts: /work/shared/reference/accounting-apis.md
 * PART B; where those were unsure the simulator decided, and says why next to the decision).
 *
 *   /connect/...  identity server: authorize (auto-approves as ?company=, default the seeded
 *                 "Demo AB"), token (authorization_code | refresh_token; rotating single-use
 *                 refresh tokens, no grace period) — oauth.ts
 *   /v2/...       REST API (routes.ts and the resource modules); lists are {Meta, Data} with
 *                 $page/$pagesize/$filter/$orderby (lists.ts, filter.ts)
 *   /__sim/...    control API for tests (control.ts)
 *
 * Decisions beyond the published API, for connector authors:
 *  - Rows are priced read-only: VatRatePercent (fraction, 0.25) and both
 *    TotalAmountNoVatInvoiceCurrency and TotalAmountIncVatInvoiceCurrency (totals.ts).
 *  - Convert returns the CustomerInvoice (201) and removes the draft; order convert returns
 *    the new DRAFT (201, CreatedFromOrderId) and sets the order's InvoiceDraftId (orders.ts).
 *  - Payments answer 201 {Id, CustomerInvoiceId, PaymentDate, PaymentAmount, PaymentCurrency,
 *    PaymentType, DomesticPaymentAmount, Reference}; types 3/4 settle the rest (payments.ts).
 *  - Booked invoices have no PUT/DELETE route (404).
 *
 * Request pipeline for /v2: count -> authenticate (401) -> injected fault? -> rate limit per
 * client and endpoint (429) -> route (404) -> scope (403) -> body -> handler. Everything after
 * the body is read runs synchronously, so each request's state change is atomic.
 */
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import { listenOnLoopback } from "../listen.js";
import { type FaultRule, FaultInjector, holdBeforeProcessing } from "../shared/faults.js";
import { Delays, closeServer, readBodyOr413, send } from "../shared/http.js";
import { type JsonValue, JsonSyntaxError, parseJson } from "../shared/json.js";
import { SlidingWindowLimiter } from "../shared/ratelimit.js";
import type { RestContext, RestResult } from "./common.js";
import { handleControl } from "./control.js";
import { ErrorCode, UNAUTHORIZED_BODY, VismaError, badRequest, errorBody, internalErrorBody, tooManyRequestsBody } from "./errors.js";
import { OAuthStore, type OAuthResponse } from "./oauth.js";
import { missingScope, resolveRoute, routeNotFound } from "./routes.js";
import { SimState } from "./state.js";

export interface VismaSimOptions {
  port?: number; // 0 / undefined = random free port; binds 127.0.0.1
  clients: { clientId: string; clientSecret: string; redirectUris?: string[] }[];
  accessTokenTtlSeconds?: number; // default 3600
  /** Per client and endpoint; default { max: 600, windowMs: 60_000 }. */
  rateLimit?: { max: number; windowMs: number };
  /** OSS on for new companies (seeded, reset, POST /__sim/companies); default false. Per company: PUT /__sim/companies/{id}/oss. */
  ossDefault?: boolean;
}

export interface VismaSim {
  url: string;
  /** url + "/v2" */
  apiUrl: string;
  /** url + "/connect" (authorize and token endpoints below it) */
  authUrl: string;
  close(): Promise<void>;
}

/** "customerinvoicedrafts" from /v2/customerinvoicedrafts/{id}/convert: the unit the quota and stats count by. */
const endpointOf = (segments: string[]) => (/^[a-z0-9]+$/.test(segments[0] ?? "") ? segments[0] : "(other)");

export async function startVismaSimulator(opts: VismaSimOptions): Promise<VismaSim> {
  if (!opts.clients?.length) throw new Error("startVismaSimulator: at least one OAuth client is required");
  const rate = opts.rateLimit ?? { max: 600, windowMs: 60_000 };
  // The research found no OSS default; Visma companies start without OSS, so off.
  const state = new SimState(opts.ossDefault ?? false);
  const oauth = new OAuthStore(new Map(opts.clients.map((c) => [c.clientId, c])), (opts.accessTokenTtlSeconds ?? 3600) * 1000, (id) => state.companies.has(id));
  const faults = new FaultInjector();
  const limiter = new SlidingWindowLimiter(rate.max, rate.windowMs);
  const delays = new Delays();
  let origin = "";

  async function answerWithFault(res: ServerResponse, rule: FaultRule, reply: (status: number, body: unknown, headers?: Record<string, string>) => void): Promise<void> {
    faults.consume(rule);
    await delays.sleep(rule.delayMs ?? 0);
    if (rule.status === 429) {
      const hint: Record<string, string> = rule.retryAfterSeconds === undefined ? {} : { "Retry-After": String(rule.retryAfterSeconds) };
      reply(429, tooManyRequestsBody(rate.max, Math.max(1, rule.retryAfterSeconds ?? 1)), hint);
    } else reply(rule.status!, internalErrorBody());
  }

  async function handleRest(req: IncomingMessage, res: ServerResponse, url: URL, rawBody: string): Promise<void> {
    const method = req.method ?? "GET";
    const segments = url.pathname.split("/").slice(2).filter((s, i, all) => s !== "" || i < all.length - 1);
    const endpoint = endpointOf(segments.map((s) => s.toLowerCase()));
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      state.countCall(endpoint, status);
      send(res, status, body, undefined, headers);
    };
    state.stats.requests++;

    const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    const grant = auth ? oauth.authenticate(auth[1]) : undefined;
    const company = grant ? state.companies.get(grant.companyId) : undefined;
    if (!grant || !company) {
      state.stats.unauthorized++;
      return reply(401, UNAUTHORIZED_BODY);
    }

    const rule = faults.find(method, url.pathname);
    if (rule?.status !== undefined) {
      state.stats.faulted++;
      return answerWithFault(res, rule, reply);
    }

    // Per client id AND endpoint, across companies (research B.3): one busy tenant can starve another.
    const key = `${grant.clientId}\u0000${endpoint}`;
    if (!limiter.tryAccept(key)) {
      state.stats.rateLimited++;
      return reply(429, tooManyRequestsBody(rate.max, Math.max(1, Math.ceil(limiter.msUntilFree(key) / 1000))));
    }

    if (!(await holdBeforeProcessing(faults, rule, delays, () => res.destroyed || req.socket.destroyed))) return;

    let result: RestResult;
    try {
      const route = resolveRoute(method, segments.map((s, i) => (i === 0 || i === 2 ? s.toLowerCase() : decodeSegment(s))));
      if (!grant.scopes.has("ea:api")) throw missingScope(["ea:api"]);
      if (route.scopes.length > 0 && !route.scopes.some((s) => grant.scopes.has(s))) throw missingScope(route.scopes);
      const ctx: RestContext = { company, sim: state, query: url.searchParams, body: parseRestBody(method, req.headers["content-type"], rawBody) };
      result = route.run(ctx);
    } catch (err) {
      if (!(err instanceof VismaError)) throw err;
      result = { status: err.status, body: errorBody(err) };
    }

    // afterCommit: the change is stored; the client only hears about it later (or never).
    if (rule?.afterCommit) await delays.sleep(rule.delayMs ?? 0);
    reply(result.status, result.body);
  }

  async function handleOAuth(req: IncomingMessage, res: ServerResponse, url: URL, rawBody: string): Promise<void> {
    const method = req.method ?? "GET";
    const rule = faults.find(method, url.pathname);
    const sendOAuth = (r: OAuthResponse) => send(res, r.status, r.body, r.contentType, r.headers);
    if (rule?.status !== undefined) return answerWithFault(res, rule, (status, body, headers) => send(res, status, body, undefined, headers));
    // OAuth calls are never dropped: the identity server has no "hung up" case to simulate.
    await holdBeforeProcessing(faults, rule, delays, () => false);
    let r: OAuthResponse;
    if (method === "GET" && url.pathname === "/connect/authorize") r = oauth.authorize(url.searchParams);
    else if (method === "POST" && url.pathname === "/connect/token") r = oauth.token(req.headers.authorization, req.headers["content-type"], rawBody, state.stats);
    else r = { status: 404, body: JSON.stringify({ error: "not_found" }), contentType: "application/json; charset=UTF-8" };
    if (rule?.afterCommit) await delays.sleep(rule.delayMs ?? 0);
    sendOAuth(r);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", origin);
    const rawBody = await readBodyOr413(req, res, { Message: "Request body too large" });
    if (rawBody === undefined) return;
    if (url.pathname === "/v2" || url.pathname.startsWith("/v2/")) return handleRest(req, res, url, rawBody);
    if (url.pathname.startsWith("/connect/")) return handleOAuth(req, res, url, rawBody);
    if (url.pathname.startsWith("/__sim/")) {
      const r = handleControl({ state, oauth, faults, limiter }, req.method ?? "GET", url.pathname, rawBody);
      return send(res, r.status, r.body);
    }
    send(res, 404, errorBody(routeNotFound()));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // Never log request data (it may contain tokens); the error message is enough.
      console.error(`visma simulator: internal error: ${err instanceof Error ? err.message : String(err)}`);
      send(res, 500, internalErrorBody());
    });
  });
  server.keepAliveTimeout = 5000;

  const port = await listenOnLoopback(server, opts.port);
  origin = `http://127.0.0.1:${port}`;

  return {
    url: origin,
    apiUrl: `${origin}/v2`,
    authUrl: `${origin}/connect`,
    close: () => closeServer(server, delays),
  };
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw routeNotFound();
  }
}

/**
 * Body rules for /v2 writes: a non-empty POST/PUT body must be declared application/json and
 * be valid JSON, else 400 2000 (what ASP.NET answers when it cannot bind the model). Bodies on
 * other methods are ignored. Numbers keep their decimal text (shared/json.ts).
 */
function parseRestBody(method: string, contentType: string | undefined, raw: string): JsonValue | undefined {
  if ((method !== "POST" && method !== "PUT") || raw.trim() === "") return undefined;
  const fail = (message: string) => badRequest(ErrorCode.VALIDATION, message, [{ Field: "", ErrorCode: "InvalidBody", Message: message }]);
  if (!/^application\/json\s*(;|$)/i.test(contentType ?? "")) throw fail("The request body must be application/json");
  try {
    return parseJson(raw);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw fail(`The request body is not valid JSON: ${err.message}`);
    throw err;
  }
}
