// Minimal HS256 JWT signing and verification (App Bridge / OpenID Connect ID tokens).
import { createHmac, timingSafeEqual } from "node:crypto";

export interface JwtPayload {
  [claim: string]: unknown;
}

function b64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

export function signHs256(payload: JwtPayload, secret: string): string {
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(payload));
  const sig = createHmac("sha256", secret).update(`${header}.${body}`).digest("base64url");
  return `${header}.${body}.${sig}`;
}

export type VerifyResult =
  | { ok: true; header: JwtPayload; payload: JwtPayload }
  | { ok: false; reason: string };

function decodePart(part: string): JwtPayload | null {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as JwtPayload) : null;
  } catch {
    return null;
  }
}

/** Verifies structure, algorithm and signature only; claims are checked by the caller. */
export function verifyHs256(token: string, secret: string): VerifyResult {
  if (typeof token !== "string" || token.length === 0) return { ok: false, reason: "token is missing" };
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "token is not a JWT" };
  const [h, p, s] = parts as [string, string, string];
  const header = decodePart(h);
  const payload = decodePart(p);
  if (!header || !payload) return { ok: false, reason: "token is malformed" };
  if (header.alg !== "HS256") return { ok: false, reason: `unsupported alg ${String(header.alg)}` };
  const expected = createHmac("sha256", secret).update(`${h}.${p}`).digest();
  let given: Buffer;
  try {
    given = Buffer.from(s, "base64url");
  } catch {
    return { ok: false, reason: "signature is malformed" };
  }
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "signature verification failed" };
  }
  return { ok: true, header, payload };
}
