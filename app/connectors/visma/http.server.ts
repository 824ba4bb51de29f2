import type { RateLimit } from "~/lib/rate-limit.server";
import { authError, permanent, retryable } from "../errors";
import { providerRequest, type HttpOptions, type HttpResponse, type ProviderHttp } from "../http.server";

// Visma's side of the shared request loop: its limit per client and endpoint, and its error bodies.

// 600 requests a minute, counted per API client (all our merchants together) and per endpoint.
// The extra 500 ms absorbs the time between our slot and Visma's arrival stamp.
export const VISMA_LIMIT: RateLimit = { max: 600, windowMs: 60_500 };

export interface VismaHttpOptions extends HttpOptions {
  clientId: string;
}

/** The endpoint a path counts against: its resource (/customerinvoicedrafts/{id}/convert → customerinvoicedrafts). */
export const vismaEndpoint = (path: string) => path.split(/[/?]/).filter(Boolean)[0] ?? "";

/** Visma's CommonExtendedBadRequest: ErrorCode, DeveloperErrorMessage, and per-field Errors. */
export function parseVismaError(body: unknown): { code?: string; message?: string } {
  const b = body as { ErrorCode?: unknown; DeveloperErrorMessage?: unknown; Message?: unknown; Errors?: unknown } | undefined;
  if (!b || typeof b !== "object") return {};
  const fields = Array.isArray(b.Errors)
    ? b.Errors.map((e: { Field?: unknown; Message?: unknown }) => [e?.Field, e?.Message].filter((x) => typeof x === "string" && x).join(": ")).filter(Boolean)
    : [];
  const main = typeof b.DeveloperErrorMessage === "string" ? b.DeveloperErrorMessage : typeof b.Message === "string" ? b.Message : undefined;
  const message = [main, ...fields].filter(Boolean).join("; ") || undefined;
  return { code: b.ErrorCode === undefined || b.ErrorCode === null ? undefined : String(b.ErrorCode), message };
}

/** Visma sends no Retry-After; its 429 says "Try again in N seconds". Capped at a minute. */
export function vismaRetryAfterMs(body: unknown): number | undefined {
  const m = /try again in (\d{1,4}) seconds?/i.exec(parseVismaError(body).message ?? "");
  return m ? Math.min(Number(m[1]) * 1000, 60_000) : undefined;
}

const visma = (clientId: string): ProviderHttp => ({
  name: "Visma",
  limit: (path) => ({ key: `ratelimit:visma:${clientId}:${vismaEndpoint(path)}`, limit: VISMA_LIMIT }),
  retryAfter: (_res, body) => vismaRetryAfterMs(body),
  classify(status, body, text) {
    const { code, message } = parseVismaError(body);
    const what = `Visma ${status}${code ? ` (code ${code})` : ""}: ${message ?? (text.slice(0, 200) || "no message")}`;
    if (status >= 500) return retryable(what, code ?? `http_${status}`, status);
    // NoAccessToScopes: the merchant's authorisation lacks a scope we need; reconnecting grants it.
    if (status === 403 && code === "4006") return authError(`${what}; reconnect Visma to grant the missing scope`, code, 403);
    return permanent(what, code ?? `http_${status}`, status);
  },
});

export function vismaRequest(
  opts: VismaHttpOptions,
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  options?: { body?: unknown; query?: Record<string, string>; allow404?: boolean },
): Promise<HttpResponse> {
  return providerRequest(visma(opts.clientId), opts, method, path, options);
}
