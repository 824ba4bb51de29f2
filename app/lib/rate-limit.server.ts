import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

// A sliding-window log in Redis, one per accounting connection, shared by every worker: a request
// may go out only if fewer than `max` went out in the last `windowMs`. The check and the record are
// one Lua script so two workers can never both take the last slot.

const ACQUIRE = `
local key, now, window, max, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call("zremrangebyscore", key, "-inf", now - window)
local count = redis.call("zcard", key)
if count < max then
  redis.call("zadd", key, now, member)
  redis.call("pexpire", key, window)
  return 0
end
local oldest = redis.call("zrange", key, 0, 0, "withscores")
return tonumber(oldest[2]) + window - now + 1
`;

export interface RateLimit {
  max: number;
  windowMs: number;
}

/** Redis' clock in ms, so workers on other machines agree on the window. */
async function redisNow(client: Redis): Promise<number> {
  const [sec, micro] = await client.time();
  return Number(sec) * 1000 + Math.floor(Number(micro) / 1000);
}

/** Waits until a request slot is free. */
export async function acquireSlot(client: Redis, key: string, limit: RateLimit): Promise<number> {
  let waited = 0;
  for (;;) {
    const now = await redisNow(client);
    const wait = Number(await client.eval(ACQUIRE, 1, key, now, limit.windowMs, limit.max, `${now}:${randomUUID()}`));
    if (wait <= 0) return waited;
    waited += wait;
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** How many of the window's slots are taken now (for the admin's usage gauge; reads only). */
export async function slotsInUse(client: Redis, key: string, limit: RateLimit): Promise<number> {
  return client.zcount(key, (await redisNow(client)) - limit.windowMs, "+inf");
}
