import { db } from "~/db.server";
import { env } from "~/env.server";
import type { DocumentRow } from "~/domain/accounting";
import { mapOrderToInvoice } from "~/domain/mapping";
import { settingsFromShop } from "~/domain/settings";
import { fromMinor } from "~/domain/money";
import { shopifyOrderSchema } from "~/domain/shopify-order";
import { loadConnection, requireReauth } from "~/connectors/connection.server";
import { authError, classify, ConnectorError, permanent } from "~/connectors/errors";
import { connectorFor } from "~/connectors/registry.server";
import type { AccountingConnector, ArticleSpec, CallCounter, Provider, RemoteDocument } from "~/connectors/types";
import { withLock } from "~/lib/lock.server";
import { log, withContext } from "~/lib/log.server";
import { redis } from "~/lib/redis.server";
import { writeBack, type WriteBackStatus } from "~/shopify/write-back.server";
import { ensureEntity } from "./entities.server";

// Runs one SyncJob: order snapshot → mapping → customer and articles → the invoice, exactly once
// → DocumentLink → status back on the order. Each step's result is committed before the next
// step, so a run that dies anywhere can be resumed by the next one without a second invoice.

const SETTLED = ["succeeded", "needs_action", "needs_review", "failed", "paused"];

/** The invoice exists but something about it needs a person (duplicates found, totals differ). */
class NeedsReview extends Error {
  constructor(message: string, readonly documentNumber: string | null) { super(message); }
}

export interface RunOptions {
  /** This is the last attempt Bull will make: a retryable failure now ends as "failed". */
  final: boolean;
}

export type RunResult = "settled" | "retry" | "skipped";

export function articleSpec(row: DocumentRow, defaultArticle: string): ArticleSpec {
  if (row.kind === "shipping") return { number: row.articleNumber, description: "Frakt", service: true };
  if (row.articleNumber === defaultArticle) return { number: row.articleNumber, description: "Shopify-försäljning", service: true };
  return { number: row.articleNumber, description: row.description, service: false };
}

async function bookInvoice(
  job: { id: string; shop: string; provider: string; subjectId: string; phase: string; payload: string },
  counter: CallCounter,
): Promise<{ documentNumber: string; outcome: string }> {
  const existing = await db().documentLink.findFirst({ where: { shop: job.shop, provider: job.provider, kind: "invoice", shopifyId: job.subjectId } });
  if (existing) return { documentNumber: existing.remoteNumber ?? existing.remoteId, outcome: "already booked" };

  const order = shopifyOrderSchema.parse(JSON.parse(job.payload));
  const configured = settingsFromShop(await db().shop.findUnique({ where: { shop: job.shop } }));
  if (!configured.ok) throw permanent(configured.error, "settings_invalid");
  const settings = configured.settings;
  const mapped = mapOrderToInvoice(order, settings);
  if (!mapped.ok) {
    // The merchant reads this: English first, then Swedish.
    const en = mapped.issues.map((i) => i.message).join("; ");
    const sv = mapped.issues.map((i) => i.messageSv).join("; ");
    throw permanent(`${en} / ${sv}`, `mapping:${mapped.issues[0].code}`);
  }
  const doc = mapped.document;

  const connection = await loadConnection(job.shop, job.provider as Provider);
  if (!connection || connection.status !== "active") throw authError(`${job.provider} is not connected`, "not_connected");
  const connector: AccountingConnector = connectorFor(connection, counter);
  const scope = { shop: job.shop, provider: job.provider, tenantKey: connection.tenantId || connection.id };

  const customerNumber = await ensureEntity(scope, "customer", doc.customer.key,
    () => connector.findCustomer(doc.customer), () => connector.createCustomer(doc.customer));
  const articles = new Map(doc.rows.map((r) => [r.articleNumber, articleSpec(r, settings.defaultArticleNumber)]));
  for (const spec of articles.values()) {
    await ensureEntity(scope, "article", spec.number, () => connector.findArticle(spec.number), () => connector.createArticle(spec));
  }

  let remote: RemoteDocument | undefined;
  let outcome = "created";
  if (job.phase === "creating") {
    // An earlier attempt sent the create and never recorded the answer: it may have landed.
    const found = await connector.findDocuments(doc.reference);
    if (found.length > 1) throw new NeedsReview(`${found.length} invoices carry reference ${doc.reference}: ${found.map((f) => f.number).join(", ")}`, found[0].number);
    if (found.length === 1) { remote = found[0]; outcome = "adopted"; }
  }
  if (!remote) {
    await db().syncJob.update({ where: { id: job.id }, data: { phase: "creating" } });
    remote = await connector.createDocument(doc, customerNumber);
  }
  await db().$transaction([
    db().documentLink.create({
      data: { shop: job.shop, provider: job.provider, kind: "invoice", shopifyId: doc.reference, remoteId: remote.id,
        remoteNumber: remote.number, total: fromMinor(remote.total), currency: remote.currency },
    }),
    db().syncJob.update({ where: { id: job.id }, data: { phase: "created" } }),
  ]);
  if (remote.total !== doc.total) {
    throw new NeedsReview(`invoice ${remote.number} totals ${fromMinor(remote.total)} but the order totals ${fromMinor(doc.total)}`, remote.number);
  }
  return { documentNumber: remote.number, outcome };
}

async function reportToShopify(job: { shop: string; provider: string; subjectId: string }, status: WriteBackStatus, documentNumber: string | null, error: string | null, required: boolean) {
  try {
    await writeBack(job.shop, job.subjectId, { provider: job.provider, documentType: "invoice", documentNumber, status, at: new Date().toISOString(), error });
  } catch (e) {
    if (required) throw e;
    log.warn("status write-back failed", { error: e });
  }
}

export async function runSyncJob(syncJobId: string, { final }: RunOptions): Promise<RunResult> {
  const lockMs = env().SYNC_LOCK_MS;
  // One run per job at a time, even if Bull hands a stalled job to a second worker.
  return withLock(redis(), `lock:job:${syncJobId}`, async () => {
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
        const { documentNumber, outcome } = await bookInvoice(job, counter);
        await reportToShopify(job, "synced", documentNumber, null, true);
        await db().syncJob.update({ where: { id: job.id }, data: { status: "succeeded", phase: "written_back", lastError: null, lastErrorCode: null, finishedAt: new Date() } });
        await finish("succeeded", { outcome: `${outcome} invoice ${documentNumber}` });
        log.info("job succeeded", { outcome, documentNumber, apiCalls: counter.calls });
        return "settled";
      } catch (e) {
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
        if (err.kind === "auth") {
          // An active connection that was refused needs the merchant; one they disconnected stays so.
          const connection = await loadConnection(job.shop, job.provider as Provider);
          if (connection?.status === "active") await requireReauth(connection, err.message);
          await db().syncJob.update({ where: { id: job.id }, data: { status: "paused", lastError: err.message, lastErrorCode: err.code ?? "auth" } });
          await finish("paused", { error: err.message, errorCode: err.code ?? "auth" });
          return "settled";
        }
        if (err.kind === "permanent" || final) {
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
        return "retry";
      }
    });
  }, { ttlMs: lockMs, waitMs: lockMs * 2 });
}
