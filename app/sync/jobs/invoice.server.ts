import { db } from "~/db.server";
import type { AccountingDocument } from "~/domain/accounting";
import type { RuleIssue } from "~/domain/rules/issues";
import type { MappingSettings } from "~/domain/settings";
import { invoiceDocument } from "~/domain/invoice-document";
import { metafieldsReferenced } from "~/domain/rules/apply";
import { fromMinor } from "~/domain/money";
import { shopifyOrderSchema } from "~/domain/shopify-order";
import { orderMetafields } from "~/shopify/order-metafields.server";
import { withBarcodes } from "~/shopify/variant-barcodes.server";
import type { AccountingConnector, CallCounter, RemoteDocument } from "~/connectors/types";
import { ensureArticle, ensureEntity, type EntityScope } from "../entities.server";
import { adoptOrCreate, bookkeepLinked, jobConnector, jobSettings, mappingFailure, NeedsReview, refuseIfCancelled, WaitingForInvoice, type JobOutcome, type JobRow } from "./context.server";

// Order → invoice, exactly once: mapping → customer and articles → the invoice (searching for it
// first when an earlier attempt may have created it) → DocumentLink → bookkeeping if the shop
// books its invoices. Each step's result is committed before the next, so a run that dies
// anywhere is resumed by the next one without a second invoice. In document mode "order" the
// first half makes a Fortnox order, and the invoice is Fortnox's conversion of it on fulfilment.

/** The order as a document, with its customer and articles present in the accounting system. */
export async function prepareDocument(job: JobRow, settings: MappingSettings, connector: AccountingConnector, scope: EntityScope) {
  const order = await withBarcodes(job.shop, shopifyOrderSchema.parse(JSON.parse(job.payload)), settings);
  // Metafields are read only when a rule uses them: most shops pay no extra Shopify call.
  const keys = metafieldsReferenced(settings.rules);
  const metafields = keys.length ? await orderMetafields(job.shop, order.admin_graphql_api_id, keys) : undefined;
  const mapped = invoiceDocument({ order, settings, provider: connector.provider, metafields });
  if (!mapped.ok) throw mappingFailure(mapped.issues);
  const doc = mapped.document;
  const customerNumber = await ensureEntity(scope, "customer", doc.customer.key,
    () => connector.findCustomer(doc.customer), () => connector.createCustomer(doc.customer));
  const articles = new Map(doc.rows.map((r) => connector.articleFor(r, doc)).filter((a) => a !== null).map((a) => [a.number, a]));
  for (const spec of articles.values()) await ensureArticle(scope, connector, spec);
  return { doc, customerNumber, warnings: mapped.warnings };
}

/** Records the step's phase, so a later attempt knows a create may have landed. */
const creating = (job: JobRow) => db().syncJob.update({ where: { id: job.id }, data: { phase: "creating" } });

/** Document mode "order": the Fortnox order, created at the shop's trigger; invoiced on fulfilment. */
export async function runOrderJob(job: JobRow, counter: CallCounter): Promise<JobOutcome> {
  const existing = await db().documentLink.findFirst({ where: { shop: job.shop, provider: job.provider, kind: "order", shopifyId: job.subjectId } });
  if (existing) return { documentNumber: existing.remoteNumber, outcome: `already ordered (${existing.remoteNumber})` };
  if (job.phase === "new") await refuseIfCancelled(job);
  const settings = await jobSettings(job.shop);
  const { connector, scope } = await jobConnector(job, counter);
  const { doc, customerNumber } = await prepareDocument(job, settings, connector, scope);
  const { remote, how } = await adoptOrCreate(job, "creating", "orders", doc.reference,
    () => connector.findOrders(doc.reference), () => connector.createOrder(doc, customerNumber));
  await db().$transaction([
    db().documentLink.create({
      data: { shop: job.shop, provider: job.provider, kind: "order", shopifyId: doc.reference, orderId: doc.reference, remoteId: remote.id,
        remoteNumber: remote.number, customerId: customerNumber, total: fromMinor(remote.total), currency: doc.currency, document: JSON.stringify(doc) },
    }),
    db().syncJob.update({ where: { id: job.id }, data: { phase: "created" } }),
  ]);
  if (remote.total !== doc.total) throw new NeedsReview(`order ${remote.number} totals ${fromMinor(remote.total)} but the Shopify order totals ${fromMinor(doc.total)}`, remote.number);
  return { documentNumber: remote.number, outcome: `${how} order ${remote.number}` };
}

/** The invoice of a Fortnox order, on fulfilment: Fortnox converts the order, so it bills what was ordered. */
async function invoiceFromOrder(job: JobRow, connector: AccountingConnector): Promise<{ remote: RemoteDocument; doc: AccountingDocument; customerId: string | null; how: string }> {
  const link = await db().documentLink.findFirst({ where: { shop: job.shop, provider: job.provider, kind: "order", shopifyId: job.subjectId } });
  if (!link?.document) throw new WaitingForInvoice("waiting for the Fortnox order to be created");
  const ordered: AccountingDocument = JSON.parse(link.document);
  // The invoice is dated the day Fortnox makes it (the delivery), not the day of the order:
  // payments and credits are dated against it.
  const dated = (remote: RemoteDocument) => ({ ...ordered, date: remote.date ?? ordered.date });
  if (job.phase === "creating") {
    const order = await connector.getOrder(link.remoteId);
    if (order.invoiceId) {
      const remote = await connector.getDocument(order.invoiceId);
      return { remote, doc: dated(remote), customerId: link.customerId, how: "adopted" };
    }
  }
  await creating(job);
  const remote = await connector.invoiceOrder(link.remoteId, ordered);
  return { remote, doc: dated(remote), customerId: link.customerId, how: "created" };
}

export async function runInvoiceJob(job: JobRow, counter: CallCounter): Promise<JobOutcome> {
  const settings = await jobSettings(job.shop);
  const existing = await db().documentLink.findFirst({ where: { shop: job.shop, provider: job.provider, kind: "invoice", shopifyId: job.subjectId } });
  const { connector, scope } = await jobConnector(job, counter);
  let number: string;
  let outcome: string;
  let remote: RemoteDocument | undefined;
  let note = "";

  if (existing) {
    number = existing.remoteNumber ?? existing.remoteId;
    outcome = "already booked";
  } else {
    // Nothing sent yet: an order cancelled meanwhile is not booked at all. (Once a create may
    // have landed, the cancellation's credit takes care of it instead.)
    if (job.phase === "new") await refuseIfCancelled(job);
    let doc: AccountingDocument;
    let customerId: string | null;
    let warnings: RuleIssue[] = [];
    if (settings.document === "order") {
      ({ remote, doc, customerId, how: outcome } = await invoiceFromOrder(job, connector));
    } else {
      const prepared = await prepareDocument(job, settings, connector, scope);
      doc = prepared.doc;
      customerId = prepared.customerNumber;
      warnings = prepared.warnings;
      // An earlier attempt may have sent the create and never recorded the answer.
      ({ remote, how: outcome } = await adoptOrCreate(job, "creating", "invoices", doc.reference,
        () => connector.findDocuments(doc.reference, "invoice"), () => connector.createDocument(doc, customerId!)));
    }
    await db().$transaction([
      db().documentLink.create({
        data: { shop: job.shop, provider: job.provider, kind: "invoice", shopifyId: doc.reference, orderId: doc.reference, remoteId: remote!.id,
          remoteNumber: remote!.number, customerId, total: fromMinor(remote!.total), currency: remote!.currency, document: JSON.stringify(doc) },
      }),
      db().syncJob.update({ where: { id: job.id }, data: { phase: "created" } }),
    ]);
    number = remote!.number;
    // The merchant reads the outcome in the job's history: a value a rule had cut is told there.
    if (warnings.length) note = ` (${warnings.map((w) => w.message).join("; ")})`;
    if (remote!.total !== doc.total) {
      throw new NeedsReview(`invoice ${remote!.number} totals ${fromMinor(remote!.total)} but the order totals ${fromMinor(doc.total)}`, remote!.number);
    }
  }

  if (settings.bookkeeping === "booked") {
    // A fresh create is known to be unbooked; anything else is asked, so a bookkeeping that
    // landed before a crash is not sent twice.
    const state = remote && outcome === "created" ? remote : await connector.getDocument(existing?.remoteId ?? remote!.id);
    number = (await bookkeepLinked(job, connector, { kind: "invoice", shopifyId: job.subjectId }, state)).number;
  }
  return { documentNumber: number, outcome: `${outcome} invoice ${number}${note}` };
}
