import { db } from "~/db.server";
import { env } from "~/env.server";
import { loadConnection, requireReauth } from "~/connectors/connection.server";
import { classify, ConnectorError } from "~/connectors/errors";
import type { CallCounter, Provider } from "~/connectors/types";
import { withLock } from "~/lib/lock.server";
import { log, withContext } from "~/lib/log.server";
import { redis } from "~/lib/redis.server";
import { enqueue } from "~/queue/queues.server";
import { writeBack, type WriteBackStatus } from "~/shopify/write-back.server";
import { jobSettled } from "./alerts.server";
import { invoiceState, NeedsReview, OrderCancelled, WaitingForInvoice, type JobOutcome, type JobRow } from "./jobs/context.server";
import { runCancelJob, runRefundJob } from "./jobs/credit.server";
import { runCustomerJob } from "./jobs/customer.server";
import { runProductJob } from "./jobs/product.server";
import { runEditJob } from "./jobs/edit.server";
import { runInvoiceJob, runOrderJob } from "./jobs/invoice.server";
import { runPaymentJob } from "./jobs/payment.server";

// Runs one SyncJob of any kind under its lock: records the attempt, runs the kind's handler,
// reports the result on the order, and classifies failures (retry, needs action, paused for
// re-authorisation, needs review). A settled job's order already shows its status.

const SETTLED = ["succeeded", "needs_action", "needs_review", "failed", "paused", "cancelled"];

const HANDLERS: Record<string, (job: JobRow, counter: CallCounter) => Promise<JobOutcome>> = {
  order: runOrderJob,
  invoice: runInvoiceJob,
  credit: runRefundJob,
  cancel: runCancelJob,
  payment: runPaymentJob,
  edit: runEditJob,
  customer: runCustomerJob,
  product: runProductJob,
};

/** What the merchant reads before a failure that is not the invoice's own. */
const FAILED_STEP: Record<string, string> = { credit: "refund", cancel: "cancellation", payment: "payment", edit: "edit", order: "Fortnox order" };

export interface RunOptions {
  /** This is the last attempt Bull will make: a retryable failure now ends as "failed". */
  final: boolean;
}

/**
 * "retry_after_lost_call": a call went unanswered and may still land on the other side (Fortnox
 * can commit a create after we stopped waiting), so the next attempt, which searches before it
 * creates, must not look before that call could have landed.
 */
export type RunResult = "settled" | "retry" | "retry_after_lost_call" | "skipped";

/** An order's document is booked (or will never be): what waited for it goes now. */
async function releaseWaiting(job: { shop: string; provider: string; subjectId: string }) {
  const waiting = await db().syncJob.findMany({ where: { shop: job.shop, provider: job.provider, orderId: job.subjectId, status: "waiting" }, select: { id: true } });
  if (!waiting.length) return;
  await db().syncJob.updateMany({ where: { id: { in: waiting.map((w) => w.id) }, status: "waiting" }, data: { status: "pending", enqueuedAt: new Date() } });
  await enqueue(waiting.map((w) => w.id));
}

/** The order's status as its documents stand: the metafield is one per order, whatever job wrote last. */
async function reportToShopify(job: JobRow, status: WriteBackStatus, documentNumber: string | null, error: string | null, required: boolean) {
  // Customers and products have no order to report on.
  if (job.kind === "customer" || job.kind === "product") return;
  const orderId = job.orderId ?? job.subjectId;
  const links = await db().documentLink.findMany({ where: { shop: job.shop, provider: job.provider, orderId }, orderBy: { createdAt: "asc" } });
  const invoice = links.find((l) => l.kind === "invoice");
  const credits = links.filter((l) => l.kind === "credit" && l.remoteId !== invoice?.remoteId).map((l) => l.remoteNumber ?? l.remoteId);
  const summary = {
    provider: job.provider,
    documentType: "invoice",
    documentNumber: invoice?.remoteNumber ?? (job.kind === "invoice" ? documentNumber : null),
    ...(credits.length ? { credits } : {}),
    ...(links.some((l) => l.kind === "payment") ? { paid: true } : {}),
    status,
    at: new Date().toISOString(),
    // Which of the order's documents failed matters when it is not the invoice.
    error: error && FAILED_STEP[job.kind] ? `${FAILED_STEP[job.kind]}: ${error}` : error,
  };
  try {
    await writeBack(job.shop, orderId, summary);
  } catch (e) {
    if (required) throw e;
    log.warn("status write-back failed", { error: e });
  }
}

export async function runSyncJob(syncJobId: string, { final }: RunOptions): Promise<RunResult> {
  const lockMs = env().SYNC_LOCK_MS;
  // One run per job at a time, even if Bull hands a stalled job to a second worker.
  const result = await withLock(redis(), `lock:job:${syncJobId}`, async (): Promise<RunResult> => {
    const job = await db().syncJob.findUnique({ where: { id: syncJobId } });
    if (!job || SETTLED.includes(job.status)) return "skipped";

    return withContext({ correlationId: job.correlationId, shop: job.shop, jobId: job.id }, async () => {
      // We hold the job's lock, so any attempt still marked running died with its process.
      await db().syncAttempt.updateMany({ where: { syncJobId: job.id, status: "running" }, data: { status: "abandoned", finishedAt: new Date() } });
      const number = job.attempts + 1;
      const attempt = await db().syncAttempt.create({ data: { syncJobId: job.id, number, correlationId: job.correlationId } });
      await db().syncJob.update({ where: { id: job.id }, data: { status: "running", attempts: number } });
      const counter: CallCounter = { calls: 0 };
      const finish = (status: string, data: { outcome?: string; error?: string | null; errorCode?: string | null }) =>
        db().syncAttempt.update({ where: { id: attempt.id }, data: { status, ...data, apiCalls: counter.calls, finishedAt: new Date() } });

      try {
        const handler = HANDLERS[job.kind];
        if (!handler) throw new Error(`no handler for ${job.kind} jobs`);
        const { documentNumber, outcome } = await handler(job, counter);
        await reportToShopify(job, "synced", documentNumber, null, true);
        await db().syncJob.update({ where: { id: job.id }, data: { status: "succeeded", phase: "written_back", lastError: null, lastErrorCode: null, finishedAt: new Date() } });
        await finish("succeeded", { outcome });
        log.info("job succeeded", { kind: job.kind, outcome, apiCalls: counter.calls });
        // What waited on this order's documents can go (an invoice waits for its Fortnox order).
        if (job.kind === "order" || job.kind === "invoice" || job.kind === "cancel") await releaseWaiting({ ...job, subjectId: job.orderId ?? job.subjectId });
        return "settled";
      } catch (e) {
        if (e instanceof WaitingForInvoice) {
          await db().syncJob.update({ where: { id: job.id }, data: { status: "waiting", lastError: e.message, lastErrorCode: "waiting_for_invoice" } });
          await finish("waiting", { error: e.message, errorCode: "waiting_for_invoice" });
          // A release while this run is still active cannot enqueue it (Bull holds its id), so a
          // job whose invoice settled meanwhile, or that was released, goes again by retrying.
          const settledMeanwhile = (await invoiceState(job, job.orderId ?? job.subjectId)) !== "pending";
          const released = (await db().syncJob.findUnique({ where: { id: job.id }, select: { status: true } }))?.status === "pending";
          if (settledMeanwhile || released) {
            await db().syncJob.update({ where: { id: job.id }, data: { status: "retrying" } });
            return "retry";
          }
          return "settled";
        }
        if (e instanceof OrderCancelled) {
          await db().syncJob.update({ where: { id: job.id }, data: { status: "cancelled", lastError: e.message, lastErrorCode: "order_cancelled", finishedAt: new Date() } });
          await finish("cancelled", { error: e.message, errorCode: "order_cancelled" });
          await releaseWaiting({ ...job, subjectId: job.orderId ?? job.subjectId });
          return "settled";
        }
        // The order's status goes out first: a settled job means its order already shows it.
        if (e instanceof NeedsReview) {
          await reportToShopify(job, "needs_review", e.documentNumber, e.message, false);
          await db().syncJob.update({ where: { id: job.id }, data: { status: "needs_review", lastError: e.message, lastErrorCode: "needs_review", finishedAt: new Date() } });
          await finish("needs_review", { error: e.message, errorCode: "needs_review" });
          log.warn("job needs review", { reason: e.message });
          return "settled";
        }
        const err = classify(e);
        if (!(e instanceof ConnectorError)) log.error("unexpected error in job", { error: e });
        const connection = err.kind === "auth" ? await loadConnection(job.shop, job.provider as Provider) : null;
        // An active connection that was refused needs the merchant; one they disconnected stays so.
        // One they reconnected while this run held the old authorisation is not refused: go again.
        const reconnected = connection?.status === "active" && !(await requireReauth(connection, err.message, counter.authorisation));
        if (err.kind === "auth" && !reconnected) {
          await db().syncJob.update({ where: { id: job.id }, data: { status: "paused", lastError: err.message, lastErrorCode: err.code ?? "auth" } });
          await finish("paused", { error: err.message, errorCode: err.code ?? "auth" });
          return "settled";
        }
        if (err.kind === "permanent" || (final && !reconnected)) {
          const status = err.kind === "permanent" ? "needs_action" : "failed";
          await reportToShopify(job, status, null, err.message, false);
          await db().syncJob.update({ where: { id: job.id }, data: { status, lastError: err.message, lastErrorCode: err.code ?? null, finishedAt: new Date() } });
          await finish(status, { error: err.message, errorCode: err.code ?? null });
          log.warn(`job ${status}`, { errorCode: err.code, reason: err.message });
          return "settled";
        }
        await db().syncJob.update({ where: { id: job.id }, data: { status: "retrying", lastError: err.message, lastErrorCode: err.code ?? null } });
        await finish("failed", { outcome: "retry scheduled", error: err.message, errorCode: err.code ?? null });
        log.info("job will be retried", { errorCode: err.code, reason: err.message });
        return err.code === "network" ? "retry_after_lost_call" : "retry";
      }
    });
  }, { ttlMs: lockMs, waitMs: lockMs * 2 });
  // Every way a job settles passes here: a terminal problem raises its alert, a success may resolve one.
  if (result === "settled") await jobSettled(syncJobId);
  return result;
}
