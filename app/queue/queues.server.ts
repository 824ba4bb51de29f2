import Queue from "bull";
import IORedis from "ioredis";
import { z } from "zod";
import { env } from "~/env.server";
import { log } from "~/lib/log.server";
import { checkRedisPolicy, EvictingRedisError } from "~/lib/redis.server";

// The Bull queue of sync jobs. A Bull job's id is its SyncJob's id; the SyncJob row (the outbox)
// is the truth, and Redis is only the delivery mechanism: losing a Bull job delays work, the
// sweeper puts it back.

export const SYNC_QUEUE = "kontera-sync";
export const syncJobData = z.object({ syncJobId: z.string().min(1) });
export type SyncJobData = z.infer<typeof syncJobData>;

/** Exponential backoff with ±50 % jitter, capped at 10 minutes. */
export function retryDelay(attemptsMade: number, baseMs = env().SYNC_RETRY_BASE_MS): number {
  const exp = Math.min(baseMs * 2 ** Math.max(0, attemptsMade - 1), 600_000);
  return Math.round(exp * (0.5 + Math.random()));
}

declare global {
  // eslint-disable-next-line no-var
  var __kontera_queue: Queue.Queue<SyncJobData> | undefined;
}

/** A failed run whose next attempt must wait at least `notBeforeMs`, whatever the backoff says. */
export class RetryError extends Error {
  constructor(message: string, readonly notBeforeMs: number) {
    super(message);
  }
}

export function syncQueue(): Queue.Queue<SyncJobData> {
  if (globalThis.__kontera_queue) return globalThis.__kontera_queue;
  const url = env().REDIS_URL;
  // Bull needs separate connections for its blocking client and subscriber; none may give up on
  // a request while Redis restarts (bull#2347), so retries are unlimited.
  const opts = { maxRetriesPerRequest: null, enableReadyCheck: false };
  const queue = new Queue<SyncJobData>(SYNC_QUEUE, {
    createClient: () => new IORedis(url, opts),
    settings: {
      lockDuration: env().SYNC_LOCK_MS,
      stalledInterval: Math.max(1_000, Math.floor(env().SYNC_LOCK_MS / 2)),
      maxStalledCount: 5,
      backoffStrategies: { jitter: (attemptsMade: number, err?: Error) => Math.max(retryDelay(attemptsMade), err instanceof RetryError ? err.notBeforeMs : 0) },
    },
  });
  queue.on("error", (e) => log.warn("queue error", { error: e }));
  globalThis.__kontera_queue = queue;
  return queue;
}

export function jobOptions(syncJobId: string): Queue.JobOptions {
  return {
    jobId: syncJobId,
    attempts: env().SYNC_MAX_ATTEMPTS,
    backoff: { type: "jitter" },
    removeOnComplete: true,
    removeOnFail: true,
  };
}

/**
 * Best effort: when Redis is down the job stays pending in the database and the sweeper enqueues
 * it later. Finished Bull jobs are removed (jobOptions), so an add goes through unless the job is
 * still queued or running, in which case it is on its way already.
 *
 * Nothing is added to a Redis that would evict it. The worker refuses to start on one; the web
 * process checks here, before every add, rather than refusing to start: a web process that does
 * not run cannot accept webhooks, and Shopify gives up on a failing address (and drops its
 * subscriptions), while a webhook accepted into the outbox is kept in the database until a worker
 * on a safe Redis sweeps it up. Checking each time also notices a policy changed at run time, for
 * one INFO round trip per add.
 */
export async function enqueue(syncJobIds: string[]): Promise<void> {
  if (!syncJobIds.length) return;
  try {
    await checkRedisPolicy();
    const queue = syncQueue();
    for (const id of syncJobIds) await queue.add({ syncJobId: id }, jobOptions(id));
  } catch (e) {
    if (e instanceof EvictingRedisError) log.error("not enqueueing: the jobs stay pending in the database until Redis is fixed", { error: e, count: syncJobIds.length });
    else log.warn("could not enqueue; the sweeper will retry", { error: e, count: syncJobIds.length });
  }
}

/** Backfill runs share the queue under their own job name: one chunk (a few pages) per job. */
export const BACKFILL_JOB = "__backfill";
export const backfillJobData = z.object({ backfillId: z.string().min(1) });

/**
 * Best effort, like enqueue: a backfill whose chunk is lost is found by the sweeper (running, its
 * lease run out, not touched for a while). Each chunk gets its own job id, because the chunk that
 * adds its successor is itself still in Redis; two chunks of one run are kept apart by the lease.
 */
export async function enqueueBackfill(backfillId: string, delayMs = 0): Promise<void> {
  try {
    await checkRedisPolicy();
    await syncQueue().add(BACKFILL_JOB, { backfillId } as never, {
      jobId: `backfill:${backfillId}:${Date.now()}:${Math.random().toString(36).slice(2, 8)}`,
      delay: delayMs, attempts: 1, removeOnComplete: true, removeOnFail: true,
    });
  } catch (e) {
    log.warn("could not enqueue a backfill chunk; the sweeper will retry", { error: e, backfillId });
  }
}
