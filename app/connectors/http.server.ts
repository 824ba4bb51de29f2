import { env } from "~/env.server";
import { currentContext, log } from "~/lib/log.server";
import { outboundFetch } from "~/lib/outbound-fetch.server";
import { acquireSlot, type RateLimit } from "~/lib/rate-limit.server";
import { redis } from "~/lib/redis.server";
import type { TokenSource } from "./connection.server";
import { authError, type ConnectorError, retryable } from "./errors";
import type { CallCounter } from "./types";

// The one request loop every connector's calls go through: the provider's shared rate limit,
// the access token (refreshed once when refused), waiting out 429s, and the provider's own
// reading of its error answers into our classification. What differs per provider is data.

const MAX_429_WAIT_MS = 120_000;

export interface ProviderHttp {
  /** For messages: "Fortnox", "Visma". */
  name: string;
  /** The Redis key of the limit this path counts against, and the limit. */
  limit(path: string): { key: string; limit: RateLimit };
  /** How long the provider asked us to wait on a 429, when it said. */
  retryAfter(res: Response, body: unknown): number | undefined;
  /** A non-2xx, non-401, non-429 answer as a ConnectorError. */
  classify(status: number, body: unknown, text: string): ConnectorError;
}

export interface HttpOptions {
  apiUrl: string;
  tokens: Pick<TokenSource, "accessToken">;
  counter: CallCounter;
}

export interface HttpResponse {
  status: number;
  body: any;
}

/** A Retry-After of delta seconds (the HTTP-date form is not used by APIs we talk to), capped at a minute. */
export function retryAfterMs(header: string | null): number | undefined {
  if (header === null || !/^\d{1,5}$/.test(header.trim())) return undefined;
  return Math.min(Number(header.trim()) * 1000, 60_000);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function providerRequest(
  provider: ProviderHttp,
  opts: HttpOptions,
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  { body, query, allow404 = false }: { body?: unknown; query?: Record<string, string>; allow404?: boolean } = {},
): Promise<HttpResponse> {
  const url = `${opts.apiUrl}${path}${query ? `?${new URLSearchParams(query)}` : ""}`;
  const { key, limit } = provider.limit(path);
  let rejected: string | undefined;
  let waited429 = 0;
  for (let attempt429 = 0; ; ) {
    await acquireSlot(redis(), key, limit);
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
      throw retryable(`${provider.name} did not answer ${method} ${path}: ${(e as Error).message}`, "network");
    }
    const text = await res.text();
    let parsed: any;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }

    if (res.status === 429) {
      // Another process or a burst used the window up: wait and go again; this is not a failure.
      // When the provider says how long, it knows better than our backoff.
      const wait = provider.retryAfter(res, parsed) ?? Math.min(1000 * 2 ** attempt429++, 10_000) * (0.5 + Math.random());
      waited429 += wait;
      if (waited429 > MAX_429_WAIT_MS) throw retryable(`${provider.name} kept answering 429 Too Many Requests`, "rate_limited", 429);
      log.info("rate limited; waiting", { provider: provider.name, path, waitMs: Math.round(wait) });
      await sleep(wait);
      continue;
    }
    if (res.status === 401) {
      if (rejected === undefined) { rejected = token; continue; } // refresh once, then try again
      throw authError(`${provider.name} refused a freshly refreshed access token; reconnect ${provider.name}`, "unauthorized", 401);
    }
    if (res.ok || (allow404 && res.status === 404)) return { status: res.status, body: parsed };
    throw provider.classify(res.status, parsed, text);
  }
}
