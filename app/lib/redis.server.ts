import IORedis, { type Redis } from "ioredis";
import { env } from "~/env.server";
import { log } from "~/lib/log.server";

// Shared connection for locks and rate limiting. Bull opens its own connections (queue/queues.server.ts).

declare global {
  // eslint-disable-next-line no-var
  var __kontera_redis: Redis | undefined;
}

export function redis(): Redis {
  globalThis.__kontera_redis ??= new IORedis(env().REDIS_URL, { maxRetriesPerRequest: null });
  return globalThis.__kontera_redis;
}

/**
 * Bull keeps jobs and locks in Redis; an evicting Redis silently drops them. The outbox makes that
 * survivable, but production must not run that way, so refuse to start there.
 */
export async function checkRedisPolicy(client: Redis = redis()): Promise<void> {
  const [, policy] = (await client.config("GET", "maxmemory-policy")) as [string, string];
  if (policy === "noeviction") return;
  const msg = `Redis maxmemory-policy is "${policy}"; Bull needs "noeviction" (set it in the Redis config)`;
  if (env().NODE_ENV === "production") throw new Error(msg);
  log.warn(msg);
}
