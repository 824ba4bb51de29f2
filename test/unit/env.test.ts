import { describe, expect, it } from "vitest";
import { ConfigError, mailTransport, parseEnv } from "~/env.server";

const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://kontera.example.com/",
  SCOPES: "read_orders,write_orders",
  DATABASE_URL: "file:./prisma/dev.sqlite",
  REDIS_URL: "redis://127.0.0.1:6379",
  ENCRYPTION_KEY: "a".repeat(64),
  FORTNOX_CLIENT_ID: "id",
  FORTNOX_CLIENT_SECRET: "fsecret",
};

describe("configuration", () => {
  it("parses a valid environment and fills the documented defaults", () => {
    const env = parseEnv(valid);
    expect(env.SHOPIFY_APP_URL).toBe("https://kontera.example.com");
    expect(env.FORTNOX_API_URL).toBe("https://api.fortnox.se/3");
    expect(env.FORTNOX_AUTH_URL).toBe("https://apps.fortnox.se/oauth-v1");
    expect(env.VISMA_API_URL).toBe("https://eaccountingapi.vismaonline.com/v2");
    expect(env.VISMA_AUTH_URL).toBe("https://identity.vismaonline.com/connect");
  });

  it("names every missing or malformed variable in one message", () => {
    const bad = { ...valid, SHOPIFY_API_SECRET: undefined, REDIS_URL: "localhost:6379", ENCRYPTION_KEY: "short", SHOPIFY_APP_URL: "not a url" };
    let message = "";
    try { parseEnv(bad); } catch (e) { expect(e).toBeInstanceOf(ConfigError); message = (e as Error).message; }
    for (const name of ["SHOPIFY_API_SECRET", "REDIS_URL", "ENCRYPTION_KEY", "SHOPIFY_APP_URL"]) expect(message).toContain(name);
    expect(message).toContain("SHOPIFY_API_SECRET: is missing");
    expect(message).not.toContain("FORTNOX_CLIENT_ID");
  });

  it("accepts the simulator origin only on loopback and never in production", () => {
    expect(parseEnv({ ...valid, SHOPIFY_ADMIN_ORIGIN: "http://127.0.0.1:4020" }).SHOPIFY_ADMIN_ORIGIN).toBe("http://127.0.0.1:4020");
    expect(() => parseEnv({ ...valid, SHOPIFY_ADMIN_ORIGIN: "http://evil.example.com" })).toThrow(/SHOPIFY_ADMIN_ORIGIN/);
    expect(() => parseEnv({ ...valid, NODE_ENV: "production", SHOPIFY_ADMIN_ORIGIN: "http://127.0.0.1:4020" })).toThrow(/must not be set in production/);
  });

  it("mails through the outbox by default outside production; production and smtp must say where", () => {
    const dev = parseEnv(valid);
    expect([mailTransport(dev), dev.MAIL_OUTBOX_DIR]).toEqual(["outbox", ".tmp/outbox"]);
    expect(() => parseEnv({ ...valid, NODE_ENV: "production" })).toThrow(/MAIL_TRANSPORT: required in production/);
    let message = "";
    try { parseEnv({ ...valid, MAIL_TRANSPORT: "smtp" }); } catch (e) { message = (e as Error).message; }
    expect(message).toMatch(/SMTP_URL: required/);
    expect(message).toMatch(/MAIL_FROM: required/);
    expect(() => parseEnv({ ...valid, MAIL_TRANSPORT: "smtp", SMTP_URL: "http://mail.example.com", MAIL_FROM: "a@b.se" })).toThrow(/SMTP_URL/);
    const smtp = parseEnv({ ...valid, MAIL_TRANSPORT: "smtp", SMTP_URL: "smtp://u:p@mail.example.com:587", MAIL_FROM: "Kontera <alerts@example.com>" });
    expect(mailTransport(smtp)).toBe("smtp");
  });
});
