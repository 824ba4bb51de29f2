/**
 * What the simulators' `/__sim` control APIs share: error answers, body parsing and the
 * endpoints every simulator has (faults, token expiry/revocation, reset).
 */
import { z } from "zod";
import type { FaultInjector } from "./faults.js";

export interface ControlResult {
  status: number;
  body: unknown;
}

export class ControlError extends Error {
  constructor(
    public readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Control bodies are small JSON without money, so plain JSON.parse is fine here. */
export function parseControlBody(raw: string): unknown {
  if (!raw.trim()) return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new ControlError(400, "body must be valid JSON");
  }
}

export function parseControl<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ControlError(400, r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  return r.data;
}

/** Runs a control route, turning ControlErrors and bad fault rules into 4xx answers. */
export function answerControl(route: () => ControlResult): ControlResult {
  try {
    return route();
  } catch (err) {
    if (err instanceof ControlError) return { status: err.status, body: { error: err.message } };
    if (err instanceof Error && err.message.startsWith("invalid fault rules")) return { status: 400, body: { error: err.message } };
    throw err;
  }
}

/** The parts of a simulator the shared endpoints act on; POST reset resets all four. */
export interface CommonControlDeps {
  faults: FaultInjector;
  oauth: { expireAccessTokens(): void; revokeRefreshTokens(): void; reset(): void };
  state: { reset(): void };
  limiter: { reset(): void };
}

/** Answers `key` ("POST faults", "POST reset" ...) when it is one of the shared endpoints. */
export function commonControl(deps: CommonControlDeps, key: string, rawBody: string): ControlResult | undefined {
  const done = { status: 200, body: { ok: true } };
  switch (key) {
    case "POST faults":
      return { status: 200, body: { rules: deps.faults.add(parseControlBody(rawBody)) } };
    case "DELETE faults":
      deps.faults.clear();
      return { status: 200, body: { rules: 0 } };
    case "GET faults":
      return { status: 200, body: { rules: deps.faults.list() } };
    case "POST expire-tokens":
      deps.oauth.expireAccessTokens();
      return done;
    case "POST revoke-refresh-tokens":
      deps.oauth.revokeRefreshTokens();
      return done;
    case "POST reset":
      // Back to the seed: data, tokens (they are state too), faults and the rate limiter.
      deps.state.reset();
      deps.oauth.reset();
      deps.faults.clear();
      deps.limiter.reset();
      return done;
  }
  return undefined;
}
