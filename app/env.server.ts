import { z } from "zod";

// The one place that reads process.env. A missing or malformed value stops start-up with a
// single message that names every bad variable, so an operator fixes them all in one go.

const url = z.string().url().transform((u) => u.replace(/\/+$/, ""));
const loopbackOrigin = url.refine((u) => /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(u), {
  message: "must be an http origin on loopback (http://127.0.0.1:PORT); it exists only to reach the local Shopify simulator",
});
const int = (def: number) => z.coerce.number().int().positive().default(def);

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    SHOPIFY_API_KEY: z.string().min(1, "required: the app's client id from the Partner Dashboard"),
    SHOPIFY_API_SECRET: z.string().min(1, "required: the app's client secret"),
    SHOPIFY_APP_URL: url,
    SCOPES: z.string().regex(/^[a-z_]+(,[a-z_]+)*$/, "comma-separated Shopify access scopes, e.g. read_orders,write_orders"),
    DATABASE_URL: z.string().regex(/^(file:|postgres(ql)?:\/\/)/, "file:./path.sqlite or postgresql://user:pass@host:port/db"),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, "redis://host:port"),
    ENCRYPTION_KEY: z.string().refine((v) => decodeKey(v) !== null, {
      message: "32 random bytes as 64 hex characters or base64 (openssl rand -hex 32)",
    }),
    FORTNOX_CLIENT_ID: z.string().min(1, "required: the Fortnox integration's client id"),
    FORTNOX_CLIENT_SECRET: z.string().min(1, "required: the Fortnox integration's client secret"),
    FORTNOX_API_URL: url.default("https://api.fortnox.se/3"),
    FORTNOX_AUTH_URL: url.default("https://apps.fortnox.se/oauth-v1"),
    VISMA_CLIENT_ID: z.string().default(""),
    VISMA_CLIENT_SECRET: z.string().default(""),
    VISMA_API_URL: url.default("https://eaccountingapi.vismaonline.com/v2"),
    VISMA_AUTH_URL: url.default("https://identity.vismaonline.com/connect"),
    // Local development only: send https://<shop>.myshopify.com/* to the Shopify simulator instead.
    SHOPIFY_ADMIN_ORIGIN: loopbackOrigin.optional(),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    SYNC_CONCURRENCY: int(4),
    SYNC_MAX_ATTEMPTS: int(8),
    SYNC_RETRY_BASE_MS: int(2_000),
    SYNC_LOCK_MS: int(30_000),
    SWEEPER_INTERVAL_MS: int(30_000),
    SWEEPER_STALE_MS: int(120_000),
    // How long a call to Fortnox or Visma may take before we treat it as lost (and search before
    // creating again). The fault suite shortens it so its injected hangs cost seconds, not minutes.
    ACCOUNTING_TIMEOUT_MS: int(30_000),
    // A backfill of more orders than this reads them with a bulk operation instead of pages.
    BACKFILL_BULK_THRESHOLD: int(250),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && env.SHOPIFY_ADMIN_ORIGIN) {
      ctx.addIssue({ code: "custom", path: ["SHOPIFY_ADMIN_ORIGIN"], message: "must not be set in production" });
    }
  });

export type Env = z.infer<typeof schema>;

export function decodeKey(value: string): Buffer | null {
  const raw = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
  return raw.length === 32 ? raw : null;
}

export class ConfigError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings count as missing, as they do in most .env files.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => {
    const name = String(i.path[0] ?? "?");
    const why = i.code === "invalid_type" && cleaned[name] === undefined ? "is missing" : i.message;
    return `  ${name}: ${why}`;
  });
  throw new ConfigError(`Kontera cannot start; fix these environment variables:\n${lines.join("\n")}`);
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
