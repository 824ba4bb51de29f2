import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

// Structured JSON logs, one object per line. A correlation id (per webhook, carried by its job)
// lives in async context so every line and outbound call of that unit of work carries it.
// Tokens and customers' personal data never reach a log line: known-sensitive keys are dropped
// and anything email-shaped or bearer-shaped in a message is masked.

export interface LogContext {
  correlationId: string;
  shop?: string;
  jobId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

const SENSITIVE_KEY = /token|secret|authorization|password|email|phone|first_?name|last_?name|address|^name$|customer_?name|org(anisation)?_?(nr|number)|^code$|^state$/i;

const threshold: number = LEVELS[(process.env.LOG_LEVEL as Level) ?? "info"] ?? LEVELS.info;

export function withContext<T>(ctx: Partial<LogContext>, fn: () => T): T {
  const parent = storage.getStore();
  return storage.run({ ...parent, ...ctx, correlationId: ctx.correlationId ?? parent?.correlationId ?? randomUUID() }, fn);
}

export function currentContext(): LogContext | undefined {
  return storage.getStore();
}

export function scrubText(text: string): string {
  return text
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, "[email]")
    .replace(/\b(Bearer|Basic)\s+[\w.~+/=-]+/gi, "$1 [redacted]")
    .replace(/\b(shpat|shprt|shpss)_\w+/g, "$1_[redacted]");
}

export function scrub(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[deep]";
  if (typeof value === "string") return scrubText(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: scrubText(value.message) };
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SENSITIVE_KEY.test(k) ? "[redacted]" : scrub(v, depth + 1);
    return out;
  }
  return value;
}

function write(level: Level, msg: string, fields?: Record<string, unknown>) {
  if (LEVELS[level] < threshold) return;
  const ctx = storage.getStore();
  const line = { ts: new Date().toISOString(), level, msg: scrubText(msg), ...ctx, ...(fields ? (scrub(fields) as object) : {}) };
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(JSON.stringify(line) + "\n");
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};
