import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decrypt, encrypt } from "~/lib/crypto.server";

const key = randomBytes(32);

describe("token encryption (AES-256-GCM)", () => {
  it("round-trips and never contains the plaintext", () => {
    const sealed = encrypt("canary-access-token-123", "shop.myshopify.com|fortnox", key);
    expect(sealed).not.toContain("canary");
    expect(decrypt(sealed, "shop.myshopify.com|fortnox", key)).toBe("canary-access-token-123");
  });

  it("uses a fresh nonce each time", () => {
    expect(encrypt("same", "ctx", key)).not.toBe(encrypt("same", "ctx", key));
  });

  it("refuses a ciphertext moved to another shop, a flipped bit, or another key", () => {
    const sealed = encrypt("token", "a.myshopify.com|fortnox", key);
    expect(() => decrypt(sealed, "b.myshopify.com|fortnox", key)).toThrow();
    const parts = sealed.split(":");
    const body = Buffer.from(parts[3], "base64");
    body[0] ^= 1;
    expect(() => decrypt([parts[0], parts[1], parts[2], body.toString("base64")].join(":"), "a.myshopify.com|fortnox", key)).toThrow();
    expect(() => decrypt(sealed, "a.myshopify.com|fortnox", randomBytes(32))).toThrow();
  });
});
