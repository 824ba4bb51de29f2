/**
 * Fault injection for tests and the demo (POST /__sim/faults). A rule matches on method and
 * a regex over the pathname; each matching request consumes one `count` of the FIRST
 * matching rule that still has count left.
 *  - status:      answer 429/500/503 without processing (after auth).
 *  - afterCommit: process normally, then hold the response for delayMs — the "the
 *                 accounting system committed but the client never saw the answer" case.
 *  - delayMs only: wait, then process normally.
 *  - dropIfAbandoned (with delayMs, not afterCommit): a request whose client hung up during the
 *                 delay is never processed, as if it had not left the client: a client killed
 *                 before its call reached the API.
 *  - probability: the rule bites that share of matching requests (randomised fault rates); the
 *                 others pass as if it were not there.
 *  - retryAfterSeconds: a 429 carries a Retry-After header (neither Fortnox nor Visma documents
 *                 one, so the client must cope with and without one).
 */
import { z } from "zod";
import type { Delays } from "./http.js";

export interface FaultRule {
  method?: string;
  path: RegExp;
  source: string;
  status?: 429 | 500 | 503;
  count: number;
  delayMs?: number;
  afterCommit?: boolean;
  dropIfAbandoned?: boolean;
  probability?: number;
  retryAfterSeconds?: number;
}

const ruleSchema = z.strictObject({
  method: z.string().min(1).optional(),
  path: z.string().min(1),
  status: z.union([z.literal(429), z.literal(500), z.literal(503)]).optional(),
  count: z.number().int().positive(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
  afterCommit: z.boolean().optional(),
  dropIfAbandoned: z.boolean().optional(),
  probability: z.number().gt(0).max(1).optional(),
  retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
});
export const faultsBodySchema = z.strictObject({ rules: z.array(ruleSchema) });

export class FaultInjector {
  private rules: FaultRule[] = [];

  /** Validates and appends; throws Error with a readable message on bad input. */
  add(body: unknown): number {
    const parsed = faultsBodySchema.safeParse(body);
    if (!parsed.success) throw new Error(`invalid fault rules: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    const rules = parsed.data.rules.map((r): FaultRule => {
      let path: RegExp;
      try {
        path = new RegExp(r.path);
      } catch {
        throw new Error(`invalid fault rules: bad regex ${r.path}`);
      }
      if (r.afterCommit && r.status !== undefined) throw new Error("invalid fault rules: afterCommit cannot be combined with status");
      if (r.dropIfAbandoned && (r.afterCommit || r.status !== undefined || !r.delayMs)) throw new Error("invalid fault rules: dropIfAbandoned needs delayMs, without afterCommit or status");
      if (r.retryAfterSeconds !== undefined && r.status !== 429) throw new Error("invalid fault rules: retryAfterSeconds needs status 429");
      return { ...r, method: r.method?.toUpperCase(), path, source: r.path };
    });
    this.rules.push(...rules);
    return this.rules.length;
  }

  clear(): void {
    this.rules = [];
  }

  /** The rule that applies to this request (not consumed yet); a rule with a probability rolls for it. */
  find(method: string, pathname: string): FaultRule | undefined {
    return this.rules.find((r) => r.count > 0 && (!r.method || r.method === method) && r.path.test(pathname) && (r.probability === undefined || Math.random() < r.probability));
  }

  consume(rule: FaultRule): void {
    rule.count--;
  }

  list(): unknown[] {
    return this.rules.map((r) => ({ method: r.method, path: r.source, status: r.status, count: r.count, delayMs: r.delayMs, afterCommit: r.afterCommit, dropIfAbandoned: r.dropIfAbandoned, probability: r.probability, retryAfterSeconds: r.retryAfterSeconds }));
  }
}

/**
 * Before a request is processed: consumes a matching rule without a status and waits out its
 * delay (an afterCommit rule waits after processing instead). Returns false when the rule says
 * to drop the call because its client hung up meanwhile.
 */
export async function holdBeforeProcessing(faults: FaultInjector, rule: FaultRule | undefined, delays: Delays, abandoned: () => boolean): Promise<boolean> {
  if (!rule) return true;
  faults.consume(rule);
  if (!rule.afterCommit) await delays.sleep(rule.delayMs ?? 0);
  return !(rule.dropIfAbandoned && abandoned());
}
