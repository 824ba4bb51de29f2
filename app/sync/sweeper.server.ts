import { db } from "~/db.server";
import { env } from "~/env.server";
import { log } from "~/lib/log.server";
import { enqueue, syncQueue } from "~/queue/queues.server";
import { sweepBackfills } from "./backfill-run.server";
import { invoiceState } from "./jobs/context.server";

// Redis is not the source of truth: the sweeper compares the outbox with the queue and puts back
// whatever the queue lost (a flushed or restarted Redis, an enqueue that failed after the commit,
// a run that died without Bull noticing). Jobs that Bull still holds are left alone.

const UNSETTLED = ["pending", "retrying", "running"];

export async function sweep(now = Date.now()): Promise<{ checked: number; requeued: number }> {
  const stale = await db().syncJob.findMany({
    where: { status: { in: UNSETTLED }, updatedAt: { lt: new Date(now - env().SWEEPER_STALE_MS) } },
    select: { id: true, status: true },
    orderBy: { updatedAt: "asc" },
    take: 1000,
  });
  const queue = syncQueue();
  const lost: string[] = [];
  for (const job of stale) {
    const bull = await queue.getJob(job.id);
    const state = bull ? await bull.getState() : "missing";
    if (state === "waiting" || state === "delayed" || state === "active" || state === "paused") continue;
    lost.push(job.id);
  }
  if (lost.length) {
    // A run that died mid-way left its job "running": hand it back as pending; the runner marks
    // the dead attempt abandoned and, if it was creating, searches before it creates again.
    await db().syncJob.updateMany({ where: { id: { in: lost }, status: "running" }, data: { status: "pending" } });
    await db().syncJob.updateMany({ where: { id: { in: lost } }, data: { enqueuedAt: new Date(now) } });
    await enqueue(lost);
    log.info("sweeper re-enqueued jobs the queue had lost", { count: lost.length });
  }
  return { checked: stale.length, requeued: lost.length + (await releaseOrphanedWaiting(now)) + (await sweepBackfills(now)) };
}

/** A job left waiting for an invoice that has since settled (its release died with a process). */
async function releaseOrphanedWaiting(now: number): Promise<number> {
  const waiting = await db().syncJob.findMany({
    where: { status: "waiting", updatedAt: { lt: new Date(now - env().SWEEPER_STALE_MS) } },
    select: { id: true, shop: true, provider: true, orderId: true },
    take: 1000,
  });
  const ready: string[] = [];
  for (const job of waiting) {
    if (job.orderId && (await invoiceState(job, job.orderId)) !== "pending") ready.push(job.id);
  }
  if (!ready.length) return 0;
  await db().syncJob.updateMany({ where: { id: { in: ready }, status: "waiting" }, data: { status: "pending", enqueuedAt: new Date(now) } });
  await enqueue(ready);
  log.info("sweeper released jobs whose invoice is booked", { count: ready.length });
  return ready.length;
}
