import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withLock } from "~/lib/lock.server";
import { acquireSlot } from "~/lib/rate-limit.server";
import { checkRedisPolicy, EvictingRedisError } from "~/lib/redis.server";
import { startRedis, type RedisServer } from "../helpers/services";

let redis: RedisServer;
beforeAll(async () => { redis = await startRedis(); });
afterAll(async () => { await redis.stop(); });

describe("the shared rate limiter (real redis-server)", () => {
  it("never lets more than max requests through in any window, across concurrent callers", async () => {
    const limit = { max: 5, windowMs: 400 };
    const stamps: number[] = [];
    await Promise.all(Array.from({ length: 23 }, async () => {
      await acquireSlot(redis.client, "rl:test", limit);
      stamps.push(Date.now());
    }));
    stamps.sort((a, b) => a - b);
    let worst = 0;
    for (let i = 0; i < stamps.length; i++) {
      const inWindow = stamps.filter((t) => t >= stamps[i] && t < stamps[i] + limit.windowMs - 20).length;
      worst = Math.max(worst, inWindow);
    }
    expect(stamps).toHaveLength(23);
    expect(worst).toBeLessThanOrEqual(5);
    // 23 requests at 5 per 400 ms cannot finish in under 4 full windows.
    expect(stamps[22] - stamps[0]).toBeGreaterThanOrEqual(4 * 400 - 50);
  });
});

describe("the shared lock (real redis-server)", () => {
  it("lets one holder in at a time", async () => {
    let inside = 0;
    let maxInside = 0;
    await Promise.all(Array.from({ length: 10 }, () => withLock(redis.client, "lock:test", async () => {
      inside++;
      maxInside = Math.max(maxInside, inside);
      await new Promise((r) => setTimeout(r, 10));
      inside--;
    })));
    expect(maxInside).toBe(1);
    expect(await redis.client.get("lock:test")).toBeNull();
  });
});

describe("the Redis policy check (real redis-server)", () => {
  it("passes noeviction and refuses every policy that evicts, naming the setting to change", async () => {
    await expect(checkRedisPolicy(redis.client)).resolves.toBeUndefined();
    try {
      for (const policy of ["allkeys-lru", "volatile-lru", "allkeys-random", "volatile-ttl"]) {
        await redis.client.config("SET", "maxmemory-policy", policy);
        const refused = await checkRedisPolicy(redis.client).then(() => null, (e) => e);
        expect(refused).toBeInstanceOf(EvictingRedisError);
        expect(refused.message).toContain(`maxmemory-policy is "${policy}"`);
        expect(refused.message).toContain("noeviction");
      }
    } finally {
      await redis.client.config("SET", "maxmemory-policy", "noeviction");
    }
  });
});
