import { dbReady } from "~/db.server";
import { env } from "~/env.server";
import { log } from "~/lib/log.server";
import { checkRedisPolicy } from "~/lib/redis.server";
import { refreshOpenAlerts } from "~/sync/alerts.server";
import { sendDueDigests } from "~/sync/alert-mail.server";
import { stockTick } from "~/sync/stock.server";
import { sweep } from "~/sync/sweeper.server";
import { runSyncJob } from "~/sync/runner.server";
import { runBackfillChunk } from "~/sync/backfill-run.server";
import { BACKFILL_JOB, backfillJobData, RetryError, syncJobData, syncQueue } from "./queues.server";

// The worker process (`npm run worker`): runs SyncJobs and the sweeper. Start as many as you like;
// Bull spreads the jobs, and the per-connection locks and rate limiter are shared through Redis.

const SWEEP_JOB = "__sweeper";
const STOCK_JOB = "__stock";

async function main() {
  const config = env();
  await dbReady();
  await checkRedisPolicy();
  const queue = syncQueue();

  // Named processors: sync jobs (default name) and the repeatable sweep, whose tick also brings
  // alerts up to date and e-mails the digests that are due (from here, never a request).
  queue.process(SWEEP_JOB, 1, async () => {
    const swept = await sweep();
    await refreshOpenAlerts();
    return { ...swept, ...(await sendDueDigests()) };
  });
  queue.process(STOCK_JOB, 1, async () => ({ shops: await stockTick() }));
  queue.process(BACKFILL_JOB, 2, async (job) => runBackfillChunk(backfillJobData.parse(job.data).backfillId));
  queue.process(config.SYNC_CONCURRENCY, async (job) => {
    const { syncJobId } = syncJobData.parse(job.data);
    const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const result = await runSyncJob(syncJobId, { final });
    // Throwing hands the job back to Bull, which retries it after the jittered backoff (never
    // sooner than a lost call could still land: as long again as we waited for its answer).
    if (result === "retry") throw new Error("retryable failure; see the job's attempt history");
    if (result === "retry_after_lost_call") throw new RetryError("a call went unanswered; see the job's attempt history", config.ACCOUNTING_TIMEOUT_MS);
    return result;
  });

  // One repeatable sweep and one stock run for all workers (Bull dedupes repeatable jobs by name
  // and interval). The repeat schedule itself lives in Redis and vanishes with it, so a local
  // timer keeps re-registering them: after a flush they come back within one interval.
  const repeat = (name: string, every: number) => {
    const schedule = () =>
      queue.add(name, {} as never, { repeat: { every }, removeOnComplete: true, removeOnFail: true }).catch((e) => log.warn("could not schedule a repeatable job", { name, error: e }));
    setInterval(schedule, every).unref();
    return schedule();
  };
  await repeat(SWEEP_JOB, config.SWEEPER_INTERVAL_MS);
  await repeat(STOCK_JOB, config.STOCK_SYNC_INTERVAL_MS);
  // And one right away, so jobs lost while no worker ran don't wait a whole interval.
  void sweep().catch((e) => log.warn("initial sweep failed", { error: e }));
  log.info("worker started", { concurrency: config.SYNC_CONCURRENCY });

  const stop = async (signal: string) => {
    log.info("worker stopping", { signal });
    // close() waits for active jobs to finish, so a deploy does not leave jobs half-run.
    await queue.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

main().catch((e) => {
  log.error("worker failed to start", { error: e });
  process.exit(1);
});
