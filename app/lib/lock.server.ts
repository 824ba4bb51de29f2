import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

// A mutual-exclusion lock in Redis shared by every web and worker process. Used where two
// processes doing the same thing at once would break something outside our database: rotating a
// single-use refresh token, creating the same customer twice.

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

export class LockTimeoutError extends Error {}

export async function withLock<T>(
  client: Redis,
  key: string,
  fn: () => Promise<T>,
  { ttlMs = 30_000, waitMs = 60_000 }: { ttlMs?: number; waitMs?: number } = {},
): Promise<T> {
  const token = randomUUID();
  const deadline = Date.now() + waitMs;
  let delay = 20;
  while ((await client.set(key, token, "PX", ttlMs, "NX")) !== "OK") {
    if (Date.now() > deadline) throw new LockTimeoutError(`timed out waiting for lock ${key}`);
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 250);
  }
  // Keep the lock while fn is slow (a refresh behind a 429 wait), but never beyond its owner's life.
  const keepAlive = setInterval(() => void client.eval(EXTEND, 1, key, token, String(ttlMs)).catch(() => {}), ttlMs / 3);
  try {
    return await fn();
  } finally {
    clearInterval(keepAlive);
    await client.eval(RELEASE, 1, key, token);
  }
}
