import IORedis, { type Redis } from "ioredis";
import { env } from "~/env.server";

// Shared connection for locks and rate limiting. Bull opens its own connections (queue/queues.server.ts).

declare global {
  // eslint-disable-next-line no-var
  var __kontera_redis: Redis | undefined;
}

export function redis(): Redis {
  globalThis.__kontera_redis ??= new IORedis(env().REDIS_URL, { maxRetriesPerRequest: null });
  return globalThis.__kontera_redis;
}

export class EvictingRedisError extends Error {}

/**
 * Bull keeps jobs and locks in Redis, and a Redis whose maxmemory-policy is not "noeviction"
 * drops them silently once it is full. Refused in every environment, not only in production: a
 * check that only bites in production is one no test runs as configured, and Redis's own default
 * is noeviction, so a development Redis passes as it is. Read from INFO, which managed Redis
 * services answer where many of them disable CONFIG.
 */
export async function checkRedisPolicy(client: Redis = redis()): Promise<void> {
  const info = await client.info("memory");
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? "(not reported)";
  if (policy === "noeviction") return;
  throw new EvictingRedisError(`Redis maxmemory-policy is "${policy}"; Bull needs "noeviction" (set it in the Redis config): an evicting Redis loses queued jobs`);
}
