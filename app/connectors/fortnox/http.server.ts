import { env } from "~/env.server";
import type { RateLimit } from "~/lib/rate-limit.server";
import { authError, permanent, retryable } from "../errors";
import { providerRequest, retryAfterMs, type HttpOptions, type HttpResponse, type ProviderHttp } from "../http.server";

// Fortnox's side of the shared request loop: its per-company limit and its error bodies.

// Fortnox allows 25 requests per 5 s per token (client + tenant), counted on its own clock when a
// request arrives. The extra 300 ms absorbs the time between our slot and Fortnox's arrival stamp.
// FORTNOX_LIMIT_SCALE multiplies it for a simulator run at a scaled limit (the import at scale);
// production refuses anything but 1.
export const fortnoxLimit = (): RateLimit => ({ max: 25 * env().FORTNOX_LIMIT_SCALE, windowMs: 5_300 });

export interface FortnoxHttpOptions extends HttpOptions {
  tenantKey: string;
}

/** Fortnox spells ErrorInformation's keys in either case and sends codes as numbers or strings. */
export function parseFortnoxError(body: unknown): { code?: string; message?: string } {
  const info = (body as Record<string, unknown> | undefined)?.ErrorInformation as Record<string, unknown> | undefined;
  if (!info) return { message: (body as { message?: string } | undefined)?.message };
  const pick = (k: string) => Object.entries(info).find(([key]) => key.toLowerCase() === k)?.[1];
  const code = pick("code");
  return { code: code === undefined ? undefined : String(code), message: pick("message") as string | undefined };
}

const fortnox = (tenantKey: string): ProviderHttp => ({
  name: "Fortnox",
  // The limit belongs to the Fortnox company, whichever shop is using it.
  limit: () => ({ key: `ratelimit:fortnox:${tenantKey}`, limit: fortnoxLimit() }),
  // Fortnox documents no Retry-After, but when one comes it is honoured.
  retryAfter: (res) => retryAfterMs(res.headers.get("retry-after")),
  classify(status, body, text) {
    const { code, message } = parseFortnoxError(body);
    const what = `Fortnox ${status}${code ? ` (code ${code})` : ""}: ${message ?? (text.slice(0, 200) || "no message")}`;
    if (status >= 500) return retryable(what, code ?? `http_${status}`, status);
    if (status === 403 && code === "2000663") return authError(`${what}; reconnect Fortnox to grant the missing scope`, code, 403);
    return permanent(what, code ?? `http_${status}`, status);
  },
});

export function fortnoxRequest(
  opts: FortnoxHttpOptions,
  method: "GET" | "POST" | "PUT",
  path: string,
  options?: { body?: unknown; query?: Record<string, string>; allow404?: boolean },
): Promise<HttpResponse> {
  return providerRequest(fortnox(opts.tenantKey), opts, method, path, options);
}
