import { db } from "~/db.server";
import type { AccountingDocument, MappingIssue } from "~/domain/accounting";
import { settingsFromShop, type MappingSettings } from "~/domain/settings";
import { loadConnection } from "~/connectors/connection.server";
import { authError, permanent } from "~/connectors/errors";
import { connectorFor } from "~/connectors/registry.server";
import type { AccountingConnector, CallCounter, Provider, RemoteDocument } from "~/connectors/types";
import { ensureArticle, type EntityScope } from "../entities.server";

// What every kind of job needs: the shop's settings, a connector for its accounting system, and
// for everything after the invoice, the invoice itself.

export interface JobRow {
  id: string;
  shop: string;
  provider: string;
  kind: string;
  subjectId: string;
  orderId: string | null;
  phase: string;
  payload: string;
}

export interface JobOutcome {
  documentNumber: string | null;
  outcome: string;
}

/** The document exists but something about it needs a person (duplicates found, totals differ). */
export class NeedsReview extends Error {
  constructor(message: string, readonly documentNumber: string | null) { super(message); }
}

/**
 * Exactly once without an idempotency key: a job whose `phase` says a create may have landed
 * searches for our reference first and adopts a single match (two or more need a person);
 * otherwise it records that phase, then creates.
 */
export async function adoptOrCreate<T extends { number: string }>(
  job: JobRow, phase: string, what: string, reference: string, find: () => Promise<T[]>, create: () => Promise<T>,
): Promise<{ remote: T; how: "adopted" | "created" }> {
  if (job.phase === phase) {
    const found = await find();
    if (found.length > 1) throw new NeedsReview(`${found.length} ${what} carry reference ${reference}: ${found.map((f) => f.number).join(", ")}`, found[0].number);
    if (found.length === 1) return { remote: found[0], how: "adopted" };
  }
  await db().syncJob.update({ where: { id: job.id }, data: { phase } });
  return { remote: await create(), how: "created" };
}

/**
 * Books a document whose link is already written and keeps the link pointing at it: bookkeeping
 * can give a document another id and number (a Visma draft becomes an invoice of its own).
 */
export async function bookkeepLinked(job: JobRow, connector: AccountingConnector, link: { kind: string; shopifyId: string }, doc: RemoteDocument): Promise<RemoteDocument> {
  const booked = doc.booked ? doc : await connector.bookkeep(doc.id);
  await db().documentLink.updateMany({
    where: { shop: job.shop, provider: job.provider, kind: link.kind, shopifyId: link.shopifyId, NOT: { remoteId: booked.id } },
    data: { remoteId: booked.id, remoteNumber: booked.number },
  });
  return booked;
}

/** The order was cancelled before this job booked anything: it never will. */
export class OrderCancelled extends Error {}

/** Stops a job that would book an order Shopify has since cancelled (a stale delivery got in after the cancellation). */
export async function refuseIfCancelled(job: JobRow): Promise<void> {
  const cancel = await db().syncJob.findFirst({ where: { shop: job.shop, provider: job.provider, kind: "cancel", subjectId: job.orderId ?? job.subjectId }, select: { id: true } });
  if (cancel) throw new OrderCancelled("the order was cancelled before it was booked");
}

/** The job cannot run before its order's invoice is booked; it is released when it is. */
export class WaitingForInvoice extends Error {}

/** The merchant reads this: English first, then Swedish. */
export function mappingFailure(issues: MappingIssue[]) {
  const en = issues.map((i) => i.message).join("; ");
  const sv = issues.map((i) => i.messageSv).join("; ");
  return permanent(`${en} / ${sv}`, `mapping:${issues[0].code}`);
}

export async function jobSettings(shop: string): Promise<MappingSettings> {
  const configured = settingsFromShop(await db().shop.findUnique({ where: { shop } }));
  if (!configured.ok) throw permanent(configured.error, "settings_invalid");
  return configured.settings;
}

export async function jobConnector(job: JobRow, counter: CallCounter): Promise<{ connector: AccountingConnector; scope: EntityScope }> {
  const connection = await loadConnection(job.shop, job.provider as Provider);
  if (!connection || connection.status !== "active") throw authError(`${job.provider} is not connected`, "not_connected");
  const scope = { shop: job.shop, provider: job.provider, tenantKey: connection.tenantId || connection.id };
  const connector: AccountingConnector = connectorFor(connection, counter, (spec) => ensureArticle(scope, connector, spec));
  return { connector, scope };
}

export interface BookedInvoice {
  remoteId: string;
  number: string;
  customerId: string | null;
  document: AccountingDocument;
}

/** The order's invoice as booked, or WaitingForInvoice. */
export async function bookedInvoice(job: JobRow): Promise<BookedInvoice> {
  const orderId = job.orderId ?? job.subjectId;
  const where = { shop: job.shop, provider: job.provider, kind: "invoice" };
  const [link, invoiceJob] = await Promise.all([
    db().documentLink.findFirst({ where: { ...where, shopifyId: orderId } }),
    db().syncJob.findFirst({ where: { ...where, subjectId: orderId }, select: { status: true } }),
  ]);
  // The link is written before the invoice is bookkept: the job's success is the signal.
  if (!link || invoiceJob?.status !== "succeeded") throw new WaitingForInvoice("waiting for the order's invoice to be booked");
  if (!link.document) throw permanent("the order's invoice was booked by an older version without its document; credit it by hand", "invoice_document_missing");
  return { remoteId: link.remoteId, number: link.remoteNumber ?? link.remoteId, customerId: link.customerId, document: JSON.parse(link.document) };
}

/** Where the order's invoice stands, for the jobs that depend on it. */
export async function invoiceState(scope: { shop: string; provider: string }, orderId: string): Promise<"booked" | "abandoned" | "pending"> {
  const jobs = await db().syncJob.findMany({ where: { ...scope, kind: { in: ["invoice", "cancel"] }, subjectId: orderId }, select: { kind: true, status: true } });
  const invoice = jobs.find((j) => j.kind === "invoice");
  const cancel = jobs.find((j) => j.kind === "cancel");
  if (invoice?.status === "succeeded") return "booked";
  // Cancelled before it was booked: it never will be.
  if (invoice?.status === "cancelled" || (!invoice && cancel?.status === "succeeded")) return "abandoned";
  return "pending";
}

export const invoiceAbandoned = async (job: JobRow) =>
  (await invoiceState({ shop: job.shop, provider: job.provider }, job.orderId ?? job.subjectId)) === "abandoned";
