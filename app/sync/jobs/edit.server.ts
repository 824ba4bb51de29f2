import { db } from "~/db.server";
import type { AccountingDocument } from "~/domain/accounting";
import { mapCancellationCredit } from "~/domain/credit";
import { editedSince } from "~/domain/edits";
import { fromMinor } from "~/domain/money";
import { planPayments, type PlannedPayment } from "~/domain/payments";
import type { MappingSettings } from "~/domain/settings";
import { shopifyOrderSchema, type ShopifyOrder } from "~/domain/shopify-order";
import type { AccountingConnector, CallCounter } from "~/connectors/types";
import { orderTransactions } from "~/shopify/transactions.server";
import { adoptOrCreate, bookedInvoice, jobConnector, jobSettings, mappingFailure, NeedsReview, type BookedInvoice, type JobOutcome, type JobRow } from "./context.server";
import { bookCredit } from "./credit.server";
import { prepareDocument } from "./invoice.server";
import { registerPayments } from "./payment.server";

// An order edited after its invoice was booked is never booked a second time on its own. By the
// shop's choice the merchant reviews it, or the invoice is credited in full, the payments it had
// are moved onto that credit, and the edited order is invoiced anew and paid from its
// transactions. Each step is recorded before the next, so a run that dies resumes where it was.

function review(order: ShopifyOrder, invoice: BookedInvoice, what: string, why = "") {
  return new NeedsReview(
    `Order ${order.name} was edited after invoice ${invoice.number} was booked (${what})${why}: credit invoice ${invoice.number} and invoice the order again in Fortnox / ` +
    `Order ${order.name} ändrades efter att faktura ${invoice.number} bokfördes: kreditera faktura ${invoice.number} och fakturera ordern på nytt i Fortnox`,
    invoice.number,
  );
}

const linkOf = (job: JobRow, kind: string, shopifyId = job.subjectId) =>
  db().documentLink.findFirst({ where: { shop: job.shop, provider: job.provider, kind, shopifyId } });

/** Steps 1 and 2: the old invoice credited in full, and what was paid on it moved onto the credit. */
async function creditOld(job: JobRow, connector: AccountingConnector, invoice: BookedInvoice, order: ShopifyOrder, settings: MappingSettings) {
  const booked = settings.bookkeeping === "booked";
  if (!(await linkOf(job, "credit"))) {
    const date = (order.updated_at ?? order.created_at).slice(0, 10);
    const credit = mapCancellationCredit([], invoice.document, invoice.number, job.subjectId, date);
    if (!credit.ok) throw mappingFailure(credit.issues);
    if (credit.document) await bookCredit(job, connector, invoice, credit.document, booked);
  }
  const [credit, moved, paid] = await Promise.all([linkOf(job, "credit"), linkOf(job, "refund_payment"), linkOf(job, "payment", job.orderId!)]);
  // A withdrawn (never booked) invoice had no payments; a booked one's move with it.
  if (!credit?.document || moved || !paid?.document) return;
  const creditDoc: AccountingDocument = JSON.parse(credit.document);
  const reversal = (JSON.parse(paid.document) as PlannedPayment[]).map((p) => ({
    ...p, amount: -p.amount, amountShop: -p.amountShop, date: [p.date, creditDoc.date].sort().at(-1)!,
  }));
  await registerPayments(job, connector, { id: credit.remoteId, number: credit.remoteNumber ?? credit.remoteId, currency: creditDoc.currency }, reversal,
    { kind: "refund_payment", shopifyId: job.subjectId, phase: "moving" });
}

/** Step 3: the edited order's invoice, and the order's links moved onto it. */
async function invoiceAnew(job: JobRow, connector: AccountingConnector, scope: Parameters<typeof prepareDocument>[3], invoice: BookedInvoice, settings: MappingSettings) {
  const { doc: mapped, customerNumber } = await prepareDocument(job, settings, connector, scope);
  const doc: AccountingDocument = { ...mapped, reference: job.subjectId };
  const { remote: made } = await adoptOrCreate(job, "reinvoicing", "invoices", doc.reference,
    () => connector.findDocuments(doc.reference, "invoice"), () => connector.createDocument(doc, customerNumber));
  // Booked before any link names it, so the links below get the id it keeps.
  const remote = settings.bookkeeping === "booked" && !made.booked ? await connector.bookkeep(made.id) : made;
  const orderId = job.orderId!;
  const where = { shop: job.shop, provider: job.provider };
  const old = await db().documentLink.findFirstOrThrow({ where: { ...where, kind: "invoice", shopifyId: orderId } });
  const { id: _id, createdAt: _at, ...oldData } = old;
  await db().$transaction([
    db().documentLink.create({ data: { ...oldData, kind: "replaced_invoice", shopifyId: job.subjectId } }),
    db().documentLink.update({ where: { id: old.id }, data: { remoteId: remote.id, remoteNumber: remote.number, customerId: customerNumber,
      total: fromMinor(remote.total), currency: remote.currency, document: JSON.stringify(doc) } }),
    db().documentLink.updateMany({ where: { ...where, kind: "payment", shopifyId: orderId }, data: { kind: "replaced_payment", shopifyId: `${job.subjectId}/payment` } }),
  ]);
  return { remote, doc, was: invoice.number };
}

async function reinvoice(job: JobRow, counter: CallCounter, settings: MappingSettings, invoice: BookedInvoice, order: ShopifyOrder): Promise<JobOutcome> {
  const { connector, scope } = await jobConnector(job, counter);
  let was = invoice.number;
  let current = invoice;
  if (!(await linkOf(job, "replaced_invoice"))) {
    await creditOld(job, connector, invoice, order, settings);
    const made = await invoiceAnew(job, connector, scope, invoice, settings);
    current = { remoteId: made.remote.id, number: made.remote.number, customerId: null, document: made.doc };
  } else {
    was = (await linkOf(job, "replaced_invoice"))!.remoteNumber ?? was;
  }
  // Step 4: the new invoice is paid from the order's transactions, as any invoice is.
  if (settings.bookkeeping === "booked" && settings.flows.payments && !(await linkOf(job, "payment", job.orderId!))) {
    const plan = planPayments(await orderTransactions(job.shop, job.orderId!), current.document, settings);
    if (!plan.ok) throw mappingFailure(plan.issues);
    if (plan.payments.length) {
      await registerPayments(job, connector, { id: current.remoteId, number: current.number, currency: current.document.currency }, plan.payments,
        { kind: "payment", shopifyId: job.orderId!, phase: "paying" });
    }
  }
  return { documentNumber: current.number, outcome: `invoice ${was} credited and the edited order invoiced as ${current.number}` };
}

export async function runEditJob(job: JobRow, counter: CallCounter): Promise<JobOutcome> {
  const invoice = await bookedInvoice(job);
  const order = shopifyOrderSchema.parse(JSON.parse(job.payload));
  const settings = await jobSettings(job.shop);
  if (await linkOf(job, "replaced_invoice")) return reinvoice(job, counter, settings, invoice, order);
  const check = editedSince(order, invoice.document, settings);
  if (!check.edited) return { documentNumber: invoice.number, outcome: "no change to what was sold" };
  if (settings.afterEdit === "review") throw review(order, invoice, check.summary);
  const refunded = await db().documentLink.count({ where: { shop: job.shop, provider: job.provider, kind: "credit", orderId: job.orderId, NOT: { shopifyId: job.subjectId } } });
  // Refunds already credited part of the invoice against its rows: re-invoicing the edited order
  // would bill those rows again.
  if (refunded) throw review(order, invoice, check.summary, "; it has refunds, so it is not re-invoiced automatically");
  return reinvoice(job, counter, settings, invoice, order);
}
