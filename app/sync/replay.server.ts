import { db } from "~/db.server";
import { enqueue } from "~/queue/queues.server";

// Replay: the merchant fixed the cause (in Fortnox, in settings, by reconnecting) and asks again.
// The job keeps its phase, so a replay of a job that may have created its document searches first.

const REPLAYABLE = ["failed", "needs_action", "paused", "retrying", "pending"];

export class ReplayError extends Error {}

const JOB_ID = /^[a-z0-9]{1,64}$/i;

export async function replayJob(shop: string, syncJobId: string): Promise<void> {
  // Job ids are cuids; anything else is no job, and is not sent to the database (PostgreSQL
  // rejects a NUL byte in text, which made a 500 of a hostile id).
  if (!JOB_ID.test(syncJobId)) throw new ReplayError("no such sync job");
  // Scoped by shop: a job id from another shop is simply not found.
  const job = await db().syncJob.findFirst({ where: { id: syncJobId, shop } });
  if (!job) throw new ReplayError("no such sync job");
  if (!REPLAYABLE.includes(job.status)) throw new ReplayError(`a ${job.status} job cannot be replayed`);
  await db().syncJob.update({ where: { id: job.id }, data: { status: "pending", enqueuedAt: new Date(), finishedAt: null } });
  await enqueue([job.id]);
}

/**
 * Replay many at once (a selection or a whole failure group): only the shop's own jobs in a
 * replayable state are touched, so a foreign or stale id is skipped, not an error.
 */
export async function replayJobs(shop: string, syncJobIds: string[]): Promise<number> {
  const ids = syncJobIds.filter((id) => JOB_ID.test(id));
  if (!ids.length) return 0;
  const where = { shop, id: { in: ids }, status: { in: REPLAYABLE } };
  const jobs = await db().syncJob.findMany({ where, select: { id: true } });
  if (!jobs.length) return 0;
  await db().syncJob.updateMany({ where: { ...where, id: { in: jobs.map((j) => j.id) } }, data: { status: "pending", enqueuedAt: new Date(), finishedAt: null } });
  await enqueue(jobs.map((j) => j.id));
  return jobs.length;
}

/** After the merchant (re)connects: everything that was waiting for the connection goes again. */
export async function resumePausedJobs(shop: string, provider: string): Promise<number> {
  const paused = await db().syncJob.findMany({ where: { shop, provider, status: "paused" }, select: { id: true } });
  if (!paused.length) return 0;
  await db().syncJob.updateMany({ where: { id: { in: paused.map((p) => p.id) } }, data: { status: "pending" } });
  await enqueue(paused.map((p) => p.id));
  return paused.length;
}
