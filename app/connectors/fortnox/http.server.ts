import { env } from "~/env.server";
import { currentContext, log } from "~/lib/log.server";
import { acquireSlot, type RateLimit } from "~/lib/rate-limit.server";
import { redis } from "~/lib/redis.server";
import type { TokenSource } from "../connection.server";
import { authError, permanent, retryable } from "../errors";
import type { CallCounter } from "../types";
import { outboundFetch } from "~/lib/outbound-fetch.server";

// Every call to Fortnox goes through here: the shared per-tenant rate limit, the access token,
// and one place that turns Fortnox's answers into the error classification.

// Fortnox allows 25 requests per 5 s per token (client + tenant), counted on its own clock when a
// request arrives. The extra 300 ms absorbs the time between our slot and Fortnox's arrival stamp.
export const FORTNOX_LIMIT: RateLimit = { max: 25, windowMs: 5_300 };
const MAX_429_WAIT_MS = 120_000;

export interface FortnoxHttpOptions {
  apiUrl: string;
  tenantKey: string;
  tokens: Pick<TokenSource, "accessToken">;
  counter: CallCounter;
}

export interface FortnoxResponse {
  status: number;
  body: any;
}

/** Fortnox spells ErrorInformation's keys in either case and sends codes as numbers or strings. */
export function parseFortnoxError(body: unknown): { code?: string; message?: string } {
  const info = (body as Record<string, unknown> | undefined)?.ErrorInformation as Record<string, unknown> | undefined;
  if (!info) return { message: (body as { message?: string } | undefined)?.message };
  const pick = (k: string) => Object.entries(info).find(([key]) => key.toLowerCase() === k)?.[1];
  const code = pick("code");
  return { code: code === undefined ? undefined : String(code), message: pick("message") as string | undefined };
}

/** A Retry-After of delta seconds (the HTTP-date form is not used by APIs we talk to), capped at a minute. */
export function retryAfterMs(header: string | null): number | undefined {
  if (header === null || !/^\d{1,5}$/.test(header.trim())) return undefined;
  return Math.min(Number(header.trim()) * 1000, 60_000);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function fortnoxRequest(
  opts: FortnoxHttpOptions,
  method: "GET" | "POST" | "PUT",
  path: string,
  { body, query, allow404 = false }: { body?: unknown; query?: Record<string, string>; allow404?: boolean } = {},
): Promise<FortnoxResponse> {
  const url = `${opts.apiUrl}${path}${query ? `?${new URLSearchParams(query)}` : ""}`;
  let rejected: string | undefined;
  let waited429 = 0;
  for (let attempt429 = 0; ; ) {
    await acquireSlot(redis(), `ratelimit:fortnox:${opts.tenantKey}`, FORTNOX_LIMIT);
    const token = await opts.tokens.accessToken(rejected);
    let res: Response;
    try {
      opts.counter.calls++;
      res = await outboundFetch(url, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          "X-Correlation-Id": currentContext()?.correlationId ?? "",
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(env().ACCOUNTING_TIMEOUT_MS),
      });
    } catch (e) {
      throw retryable(`Fortnox did not answer ${method} ${path}: ${(e as Error).message}`, "network");
    }
    const text = await res.text();
    let parsed: any;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }

    if (res.status === 429) {
      // Another process or a burst used the window up: wait and go again; this is not a failure.
      // Fortnox documents no Retry-After, but when one comes it knows better than our backoff.
      const wait = retryAfterMs(res.headers.get("retry-after")) ?? Math.min(1000 * 2 ** attempt429++, 10_000) * (0.5 + Math.random());
      waited429 += wait;
      if (waited429 > MAX_429_WAIT_MS) throw retryable("Fortnox kept answering 429 Too Many Requests", "rate_limited", 429);
      log.info("fortnox rate limited; waiting", { path, waitMs: Math.round(wait) });
      await sleep(wait);
      continue;
    }
    if (res.status === 401) {
      if (rejected === undefined) { rejected = token; continue; } // refresh once, then try again
      throw authError("Fortnox refused a freshly refreshed access token; reconnect Fortnox", "unauthorized", 401);
    }
    if (res.ok || (allow404 && res.status === 404)) return { status: res.status, body: parsed };

    const { code, message } = parseFortnoxError(parsed);
    const what = `Fortnox ${res.status}${code ? ` (code ${code})` : ""}: ${message ?? (text.slice(0, 200) || "no message")}`;
    if (res.status >= 500) throw retryable(what, code ?? `http_${res.status}`, res.status);
    if (res.status === 403 && code === "2000663") throw authError(`${what}; reconnect Fortnox to grant the missing scope`, code, 403);
    throw permanent(what, code ?? `http_${res.status}`, res.status);
  }
}
