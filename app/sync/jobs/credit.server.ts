import { db } from "~/db.server";
import type { AccountingDocument } from "~/domain/accounting";
import { mapCancellationCredit, mapRefundToCredit } from "~/domain/credit";
import { shopifyOrderSchema } from "~/domain/shopify-order";
import { shopifyRefundSchema } from "~/domain/shopify-refund";
import { permanent } from "~/connectors/errors";
import type { AccountingConnector, CallCounter, RemoteDocument } from "~/connectors/types";
import { fromMinor } from "~/domain/money";
import { planRefundPayments } from "~/domain/payments";
import type { MappingSettings } from "~/domain/settings";
import { withLock } from "~/lib/lock.server";
import { redis } from "~/lib/redis.server";
import { env } from "~/env.server";
import {
  adoptOrCreate, bookedInvoice, bookkeepLinked, invoiceAbandoned, jobConnector, jobSettings, mappingFailure, NeedsReview,
  type BookedInvoice, type JobOutcome, type JobRow,
} from "./context.server";
import { registerPayments } from "./payment.server";

// Refunds and cancellations → credits against the order's invoice.
//   A refund of the whole invoice, the first credit against it: an unbooked invoice is cancelled;
//   a booked one gets Fortnox's own credit (linked to the original, and allowed once per invoice).
//   Anything else (partial, repeated refunds): a credit invoice of the refunded rows, referenced by
//   the refund's id so a lost create is found again.
//   A cancellation credits what the order's refunds have not (each refund has its own job); an
//   order cancelled before its invoice was booked is not booked at all.

const nothing = (why: string): JobOutcome => ({ documentNumber: null, outcome: why });

async function recordCredit(job: JobRow, credit: RemoteDocument, doc: AccountingDocument | null) {
  await db().$transaction([
    db().documentLink.create({
      data: { shop: job.shop, provider: job.provider, kind: "credit", shopifyId: job.subjectId, orderId: job.orderId, remoteId: credit.id,
        remoteNumber: credit.number, total: fromMinor(credit.total), currency: credit.currency, document: doc ? JSON.stringify(doc) : null },
    }),
    db().syncJob.update({ where: { id: job.id }, data: { phase: "created" } }),
  ]);
}

/** Books `doc` against `invoice`, exactly once, by the cheapest correct means. */
export async function bookCredit(job: JobRow, connector: AccountingConnector, invoice: BookedInvoice, doc: AccountingDocument, booked: boolean): Promise<JobOutcome> {
  const earlierLinks = await db().documentLink.findMany({ where: { shop: job.shop, provider: job.provider, kind: "credit", orderId: job.orderId, NOT: { shopifyId: job.subjectId } } });
  // A full refund of an unbooked invoice cancelled it (the credit record points at the invoice).
  if (earlierLinks.some((l) => l.remoteId === invoice.remoteId)) return nothing(`invoice ${invoice.number} was cancelled: nothing left to credit`);
  const earlier = earlierLinks.length;
  if (doc.creditsAll && earlier === 0) {
    const state = await connector.getDocument(invoice.remoteId);
    if (state.cancelled) return nothing(`invoice ${invoice.number} is already cancelled`);
    if (!state.booked) {
      // Nothing was bookkept, so nothing needs reversing: the invoice is withdrawn.
      await connector.cancelDocument(invoice.remoteId);
      await recordCredit(job, { ...state, cancelled: true }, null);
      return { documentNumber: invoice.number, outcome: `cancelled invoice ${invoice.number}` };
    }
    if (connector.creditInFull) {
      const credit = state.creditedBy ? await connector.getDocument(state.creditedBy) : await connector.creditInFull(invoice.remoteId);
      // Fortnox dates its own credit the day it is made: what is paid against it is dated from there.
      await recordCredit(job, credit, { ...doc, date: credit.date ?? doc.date });
      const final = booked ? await bookkeepLinked(job, connector, { kind: "credit", shopifyId: job.subjectId }, credit) : credit;
      return { documentNumber: final.number, outcome: `${state.creditedBy ? "adopted" : "created"} credit ${final.number} of invoice ${invoice.number}` };
    }
    // A target without a credit action of its own gets the full credit as a credit document.
  }

  const customerId = invoice.customerId;
  if (!customerId) throw permanent(`invoice ${invoice.number} was booked without a recorded customer; credit it by hand`, "invoice_customer_missing");
  const { remote: credit, how } = await adoptOrCreate(job, "creating", "credit invoices", doc.reference,
    () => connector.findDocuments(doc.reference, "credit"), () => connector.createDocument(doc, customerId));
  await recordCredit(job, credit, doc);
  if (credit.total !== doc.total) {
    throw new NeedsReview(`credit invoice ${credit.number} totals ${fromMinor(credit.total)} but the refund totals ${fromMinor(doc.total)}`, credit.number);
  }
  const final = booked ? await bookkeepLinked(job, connector, { kind: "credit", shopifyId: job.subjectId }, credit) : credit;
  return { documentNumber: final.number, outcome: `${how} credit ${final.number} of invoice ${invoice.number}` };
}

async function alreadyCredited(job: JobRow): Promise<JobOutcome | null> {
  const link = await db().documentLink.findFirst({ where: { shop: job.shop, provider: job.provider, kind: "credit", shopifyId: job.subjectId } });
  return link ? { documentNumber: link.remoteNumber, outcome: `already credited (${link.remoteNumber})` } : null;
}

/**
 * The refund's money as payments on its credit invoice, which settles the credit as the sale was
 * settled. Like the sale's payments they carry no reference of ours, so a retry after a possible
 * create matches by mode and amount first.
 */
async function payOutRefund(job: JobRow, counter: CallCounter, settings: MappingSettings): Promise<string> {
  if (settings.bookkeeping !== "booked" || !settings.flows.payments) return "";
  const where = { shop: job.shop, provider: job.provider, shopifyId: job.subjectId };
  const [credit, paid] = await Promise.all([
    db().documentLink.findFirst({ where: { ...where, kind: "credit" } }),
    db().documentLink.findFirst({ where: { ...where, kind: "refund_payment" } }),
  ]);
  // A withdrawn invoice (no credit document) was never paid, so nothing is paid back on it.
  if (!credit?.document || paid) return "";
  const doc: AccountingDocument = JSON.parse(credit.document);
  const planned = planRefundPayments(shopifyRefundSchema.parse(JSON.parse(job.payload)), doc, settings);
  if (!planned.length) return "";
  const { connector } = await jobConnector(job, counter);
  const document = { id: credit.remoteId, number: credit.remoteNumber ?? credit.remoteId, currency: doc.currency };
  await registerPayments(job, connector, document, planned, { kind: "refund_payment", shopifyId: job.subjectId, phase: "paying" });
  return `; paid back ${planned.map((p) => `${fromMinor(-p.amount)} ${p.mode}`).join(" + ")}`;
}

export async function runRefundJob(job: JobRow, counter: CallCounter): Promise<JobOutcome> {
  let result = await alreadyCredited(job);
  if (!result) {
    if (await invoiceAbandoned(job)) return nothing("the order was cancelled before it was invoiced: nothing to credit");
    const invoice = await bookedInvoice(job);
    const settings = await jobSettings(job.shop);
    const refund = shopifyRefundSchema.parse(JSON.parse(job.payload));
    const mapped = mapRefundToCredit(refund, invoice.document, invoice.number);
    if (!mapped.ok) throw mappingFailure(mapped.issues);
    if (!mapped.document) return nothing("the refund returned no items and no money: nothing to credit");
    const { connector } = await jobConnector(job, counter);
    result = await bookCredit(job, connector, invoice, mapped.document, settings.bookkeeping === "booked");
  }
  return { ...result, outcome: result.outcome + (await payOutRefund(job, counter, await jobSettings(job.shop))) };
}

/** A job of the order's that has not reached the accounting system is stopped; one mid-create is waited for. */
async function stopUnsent(job: JobRow, kind: "invoice" | "order"): Promise<boolean> {
  const other = await db().syncJob.findFirst({ where: { shop: job.shop, provider: job.provider, kind, subjectId: job.subjectId } });
  if (!other) return true;
  const lockMs = env().SYNC_LOCK_MS;
  return withLock(redis(), `lock:job:${other.id}`, async () => {
    const current = await db().syncJob.findUniqueOrThrow({ where: { id: other.id } });
    if (current.status === "cancelled") return true;
    // A Fortnox order that exists is withdrawn below; an invoice that exists is credited.
    if (current.status === "succeeded") return kind === "order";
    if (current.phase !== "new") return false;
    await db().syncJob.update({ where: { id: current.id }, data: { status: "cancelled", lastError: "the order was cancelled before it was booked", lastErrorCode: "order_cancelled", finishedAt: new Date() } });
    return true;
  }, { ttlMs: lockMs, waitMs: lockMs * 2 });
}

/** Cancelled before it was invoiced: nothing was booked, but a Fortnox order (document mode "order") is withdrawn. */
async function withdrawOrder(job: JobRow, counter: CallCounter): Promise<JobOutcome> {
  const link = await db().documentLink.findFirst({ where: { shop: job.shop, provider: job.provider, kind: "order", shopifyId: job.subjectId } });
  if (!link) return nothing("the order was cancelled before it was invoiced: nothing booked");
  const { connector } = await jobConnector(job, counter);
  const order = await connector.getOrder(link.remoteId);
  if (order.invoiceId) {
    throw permanent(`order ${link.remoteNumber} was invoiced in Fortnox outside Kontera (invoice ${order.invoiceId}); credit it there / order ${link.remoteNumber} fakturerades i Fortnox utanför Kontera (faktura ${order.invoiceId}); kreditera den där`, "order_invoiced_elsewhere");
  }
  if (!order.cancelled) await connector.cancelOrder(link.remoteId);
  await db().$transaction([
    db().documentLink.create({
      data: { shop: job.shop, provider: job.provider, kind: "credit", shopifyId: job.subjectId, orderId: job.orderId, remoteId: `order:${link.remoteId}`, remoteNumber: link.remoteNumber },
    }),
    db().syncJob.update({ where: { id: job.id }, data: { phase: "created" } }),
  ]);
  return { documentNumber: link.remoteNumber, outcome: `cancelled order ${link.remoteNumber}` };
}

export async function runCancelJob(job: JobRow, counter: CallCounter): Promise<JobOutcome> {
  const done = await alreadyCredited(job);
  if (done) return done;
  const hasInvoice = await db().documentLink.count({ where: { shop: job.shop, provider: job.provider, kind: "invoice", shopifyId: job.subjectId } });
  // Jobs that got further than "new" are creating or have created their document: wait for it.
  if (!hasInvoice && (await stopUnsent(job, "invoice")) && (await stopUnsent(job, "order"))) return withdrawOrder(job, counter);
  const invoice = await bookedInvoice(job);
  const settings = await jobSettings(job.shop);
  const order = shopifyOrderSchema.parse(JSON.parse(job.payload));
  const refunds = ((order as { refunds?: unknown[] }).refunds ?? []).map((r) => shopifyRefundSchema.parse(r));
  const date = (order.cancelled_at ?? order.updated_at ?? order.created_at).slice(0, 10);
  const mapped = mapCancellationCredit(refunds, invoice.document, invoice.number, job.subjectId, date);
  if (!mapped.ok) throw mappingFailure(mapped.issues);
  if (!mapped.document) return nothing("the order's refunds already credit all of it");
  const { connector } = await jobConnector(job, counter);
  return bookCredit(job, connector, invoice, mapped.document, settings.bookkeeping === "booked");
}
