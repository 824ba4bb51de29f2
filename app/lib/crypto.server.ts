import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { decodeKey, env } from "~/env.server";

// OAuth tokens at rest: AES-256-GCM with a fresh 96-bit nonce per value. The associated data
// binds a ciphertext to its owner (shop + provider), so a row copied to another shop won't decrypt.

const VERSION = "v1";

function key(): Buffer {
  const k = decodeKey(env().ENCRYPTION_KEY);
  if (!k) throw new Error("ENCRYPTION_KEY is invalid");
  return k;
}

export function encrypt(plaintext: string, context: string, k: Buffer = key()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", k, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(":");
}

export function decrypt(sealed: string, context: string, k: Buffer = key()): string {
  const [version, iv, tag, body] = sealed.split(":");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("not a sealed value");
  const decipher = createDecipheriv("aes-256-gcm", k, Buffer.from(iv, "base64"));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
}
