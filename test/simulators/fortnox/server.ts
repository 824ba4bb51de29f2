/**
 * Fortnox API v3 simulator — a real HTTP server (node:http) that is deliberately STRICT:
 * it rejects what the real API rejects (unknown fields, missing references, reused refresh
 * tokens, bursts above 25 req/5 s ...) so tests against it prove something.
 *
 *   /oauth-v1/...  OAuth (oauth.ts)
 *   /3/...         REST API (routes.ts and the resource modules)
 *   /__sim/...     control API for tests (control.ts)
 *
 * Request pipeline for /3: count -> authenticate -> injected fault? -> rate limit -> parse
 * body -> route -> scope -> handler. Everything after the body is read runs synchronously,
 * so each request's state change is atomic.
 */
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import { listenOnLoopback } from "../listen.js";
import { type RestContext, type RestResult } from "./common.js";
import { handleControl } from "./control.js";
import {
  ErrorCode,
  FortnoxError,
  SYSTEM_EXCEPTION_BODY,
  TOO_MANY_REQUESTS_BODY,
  UNAUTHORIZED_BODY,
  badRequest,
  errorBody,
} from "./errors.js";
import { type FaultRule, FaultInjector, holdBeforeProcessing } from "../shared/faults.js";
import { Delays, closeServer, readBodyOr413, send } from "../shared/http.js";
import { type JsonValue, JsonSyntaxError, parseJson } from "../shared/json.js";
import { OAuthStore, type OAuthResponse } from "./oauth.js";
import { SlidingWindowLimiter } from "../shared/ratelimit.js";
import { missingScope, resolveRoute, routeNotFound } from "./routes.js";
import { SimState } from "./state.js";

export interface FortnoxSimOptions {
  port?: number; // 0 / undefined = random free port; binds 127.0.0.1
  clients: { clientId: string; clientSecret: string; redirectUris?: string[] }[];
  accessTokenTtlSeconds?: number; // default 3600
  rateLimit?: { max: number; windowMs: number }; // default { max: 25, windowMs: 5000 }
  /** OSS activated on new tenants (seeded, reset, POST /__sim/tenants); default true. Per tenant: PUT /__sim/tenants/{id}/oss. */
  ossDefault?: boolean;
}

export interface FortnoxSim {
  url: string;
  apiUrl: string;
  authUrl: string;
  close(): Promise<void>;
}

export async function startFortnoxSimulator(opts: FortnoxSimOptions): Promise<FortnoxSim> {
  if (!opts.clients?.length) throw new Error("startFortnoxSimulator: at least one OAuth client is required");
  const rate = opts.rateLimit ?? { max: 25, windowMs: 5000 };
  const state = new SimState(opts.ossDefault ?? true);
  const clients = new Map(opts.clients.map((c) => [c.clientId, c]));
  const oauth = new OAuthStore(clients, (opts.accessTokenTtlSeconds ?? 3600) * 1000, (id) => state.tenants.has(id));
  const faults = new FaultInjector();
  const limiter = new SlidingWindowLimiter(rate.max, rate.windowMs);
  const delays = new Delays();
  let origin = "";

  /** Answers with an injected status (after an optional delay) without processing the request. */
  async function answerWithFault(res: ServerResponse, rule: FaultRule): Promise<void> {
    faults.consume(rule);
    await delays.sleep(rule.delayMs ?? 0);
    if (rule.status === 429) {
      const hint: Record<string, string> = rule.retryAfterSeconds === undefined ? {} : { "Retry-After": String(rule.retryAfterSeconds) };
      send(res, 429, TOO_MANY_REQUESTS_BODY, undefined, hint);
    }
    else send(res, rule.status!, SYSTEM_EXCEPTION_BODY);
  }

  async function handleRest(req: IncomingMessage, res: ServerResponse, url: URL, rawBody: string): Promise<void> {
    const method = req.method ?? "GET";
    state.stats.requests++;

    const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    const grant = auth ? oauth.authenticate(auth[1]) : undefined;
    const tenant = grant ? state.tenants.get(grant.tenantId) : undefined;
    if (!grant || !tenant) {
      state.stats.unauthorized++;
      return send(res, 401, UNAUTHORIZED_BODY);
    }

    const rule = faults.find(method, url.pathname);
    if (rule?.status !== undefined) {
      state.stats.faulted++;
      return answerWithFault(res, rule);
    }

    if (!limiter.tryAccept(`${grant.clientId}\u0000${grant.tenantId}`)) {
      state.stats.rateLimited++;
      return send(res, 429, TOO_MANY_REQUESTS_BODY);
    }
    state.stats.accepted++;

    if (!(await holdBeforeProcessing(faults, rule, delays, () => res.destroyed || req.socket.destroyed))) return;

    let result: RestResult;
    try {
      const route = resolveRoute(method, url.pathname);
      const body = parseRestBody(method, req.headers["content-type"], rawBody);
      if (route.scope && !grant.scopes.has(route.scope)) throw missingScope(route.scope);
      const ctx: RestContext = { tenant, sim: state, query: url.searchParams, body, apiUrl: `${origin}/3` };
      result = route.run(ctx);
    } catch (err) {
      if (!(err instanceof FortnoxError)) throw err;
      result = { status: err.status, body: errorBody(err) };
    }

    // afterCommit: the change is stored; the client only hears about it later (or never).
    if (rule?.afterCommit) await delays.sleep(rule.delayMs ?? 0);
    send(res, result.status, result.body);
  }

  function sendOAuth(res: ServerResponse, r: OAuthResponse): void {
    send(res, r.status, r.body, r.contentType ?? "text/plain; charset=UTF-8", r.headers);
  }

  async function handleOAuth(req: IncomingMessage, res: ServerResponse, url: URL, rawBody: string): Promise<void> {
    const method = req.method ?? "GET";
    const rule = faults.find(method, url.pathname);
    if (rule?.status !== undefined) return answerWithFault(res, rule);
    // OAuth calls are never dropped: the identity server has no "hung up" case to simulate.
    await holdBeforeProcessing(faults, rule, delays, () => false);
    let r: OAuthResponse;
    if (method === "GET" && url.pathname === "/oauth-v1/auth") r = oauth.authorize(url.searchParams);
    else if (method === "POST" && url.pathname === "/oauth-v1/token") {
      r = oauth.token(req.headers.authorization, req.headers["content-type"], rawBody, state.stats);
    } else if (method === "POST" && url.pathname === "/oauth-v1/revoke") r = oauth.revoke(req.headers.authorization, rawBody);
    else r = { status: 404, body: JSON.stringify({ error: "not_found" }), contentType: "application/json" };
    if (rule?.afterCommit) await delays.sleep(rule.delayMs ?? 0);
    sendOAuth(res, r);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", origin);
    const rawBody = await readBodyOr413(req, res, { message: "Request body too large" });
    if (rawBody === undefined) return;
    const method = req.method ?? "GET";
    if (url.pathname === "/3" || url.pathname.startsWith("/3/")) return handleRest(req, res, url, rawBody);
    if (url.pathname.startsWith("/oauth-v1/")) return handleOAuth(req, res, url, rawBody);
    if (url.pathname.startsWith("/__sim/")) {
      const r = handleControl({ state, oauth, faults, limiter, apiUrl: `${origin}/3` }, method, url.pathname, rawBody);
      return send(res, r.status, r.body);
    }
    const err = routeNotFound();
    send(res, err.status, errorBody(err));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // Never log request data (it may contain tokens); the error message is enough.
      console.error(`fortnox simulator: internal error: ${err instanceof Error ? err.message : String(err)}`);
      send(res, 500, SYSTEM_EXCEPTION_BODY);
    });
  });
  server.keepAliveTimeout = 5000;

  const port = await listenOnLoopback(server, opts.port);
  origin = `http://127.0.0.1:${port}`;

  return {
    url: origin,
    apiUrl: `${origin}/3`,
    authUrl: `${origin}/oauth-v1`,
    close: () => closeServer(server, delays),
  };
}

/**
 * Body rules for /3: a non-empty POST/PUT body must be declared application/json (1000031)
 * and be valid JSON (2002115). Bodies on other methods are ignored.
 */
function parseRestBody(method: string, contentType: string | undefined, raw: string): JsonValue | undefined {
  if (method !== "POST" && method !== "PUT") return undefined;
  if (raw.trim() === "") return undefined;
  if (!/^application\/json\s*(;|$)/i.test(contentType ?? "")) {
    throw badRequest(ErrorCode.INVALID_CONTENT_TYPE, "Invalid content type, expected application/json");
  }
  try {
    return parseJson(raw);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw badRequest(ErrorCode.JSON_SYNTAX, "Error deserializing JSON: JSON_ERROR_SYNTAX");
    throw err;
  }
}
