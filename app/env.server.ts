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
    // Alert e-mails. outbox: each message a .eml (+ .json) file in MAIL_OUTBOX_DIR, to read by
    // hand; smtp: sent through SMTP_URL. Production must choose: a silent local outbox there would
    // be a lost alert.
    MAIL_TRANSPORT: z.enum(["outbox", "smtp"]).optional(),
    MAIL_OUTBOX_DIR: z.string().default(".tmp/outbox"),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/([^@/]+@)?[^@/:]+(:\d+)?\/?$/, "smtp://user:pass@host:port (smtps:// for TLS from the start)")
      .optional(),
    MAIL_FROM: z.string().regex(/^([^<>\r\n]*<)?[^<>@\s]+@[^<>@\s]+>?$/, "an address, optionally with a name: Kontera <alerts@example.com>").optional(),
    // At most one alert e-mail per shop per interval (a digest of what was raised since), and a
    // new alert waits this long first, so a burst of failures goes out as one e-mail.
    ALERT_EMAIL_INTERVAL_MS: int(15 * 60_000),
    ALERT_EMAIL_DELAY_MS: int(60_000),
    // A backfill of more orders than this reads them with a bulk operation instead of pages.
    BACKFILL_BULK_THRESHOLD: int(250),
    // How often stock is read from the accounting system (changes since the last read) and written to Shopify.
    STOCK_SYNC_INTERVAL_MS: int(300_000),
    // Simulator runs only: Fortnox's 25 requests per 5 s multiplied, against a simulator at the same multiple.
    FORTNOX_LIMIT_SCALE: int(1),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && env.SHOPIFY_ADMIN_ORIGIN) {
      ctx.addIssue({ code: "custom", path: ["SHOPIFY_ADMIN_ORIGIN"], message: "must not be set in production" });
    }
    if (env.NODE_ENV === "production" && env.FORTNOX_LIMIT_SCALE !== 1) {
      ctx.addIssue({ code: "custom", path: ["FORTNOX_LIMIT_SCALE"], message: "must be 1 in production: Fortnox's limit is Fortnox's" });
    }
    if (env.NODE_ENV === "production" && !env.MAIL_TRANSPORT) {
      ctx.addIssue({ code: "custom", path: ["MAIL_TRANSPORT"], message: "required in production: smtp (with SMTP_URL and MAIL_FROM), or outbox to keep alert e-mails on disk" });
    }
    if (env.MAIL_TRANSPORT === "smtp") {
      if (!env.SMTP_URL) ctx.addIssue({ code: "custom", path: ["SMTP_URL"], message: "required with MAIL_TRANSPORT=smtp: smtp://user:pass@host:port" });
      if (!env.MAIL_FROM) ctx.addIssue({ code: "custom", path: ["MAIL_FROM"], message: "required with MAIL_TRANSPORT=smtp: the sender, e.g. Kontera <alerts@example.com>" });
    }
  });

export type Env = z.infer<typeof schema>;

/** The transport alert e-mails take: the outbox unless production chose otherwise. */
export const mailTransport = (e: Env): "outbox" | "smtp" => e.MAIL_TRANSPORT ?? "outbox";

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
