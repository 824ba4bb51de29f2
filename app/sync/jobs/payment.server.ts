import { db } from "~/db.server";
import { fromMinor, sum } from "~/domain/money";
import { planPayments, type PlannedPayment } from "~/domain/payments";
import type { AccountingConnector, CallCounter, RemotePayment } from "~/connectors/types";
import { orderTransactions } from "~/shopify/transactions.server";
import { bookedInvoice, invoiceAbandoned, jobConnector, jobSettings, mappingFailure, NeedsReview, type JobOutcome, type JobRow } from "./context.server";

// The order is paid → the invoice's payments, one per gateway (a gift card is a gateway), each
// bookkept. Payments carry no reference of ours in Fortnox, so a retry after a possible create
// matches what the invoice already has by mode and amount before it registers anything.

/**
 * Which of `planned` an earlier run registered, when the target only tells the total paid: runs
 * register in the plan's order, so what landed is the plan's first few, and only one prefix adds up.
 */
function landedBefore(planned: PlannedPayment[], paidTotal: number, number: string): RemotePayment[] {
  let sum = 0;
  for (let k = 0; ; k++) {
    if (sum === paidTotal) return planned.slice(0, k).map((p) => ({ id: "", mode: p.mode, amount: p.amount, booked: true }));
    if (k === planned.length) break;
    sum += planned[k].amount;
  }
  throw new NeedsReview(`${fromMinor(paidTotal)} is already paid on ${number}, which matches none of the payments Kontera would register; check its payments`, number);
}

/**
 * Registers `planned` on `document` and bookkeeps them, then records them as one DocumentLink.
 * `phase` marks that a create may have landed: a run that finds its job in that phase first
 * matches what the document already has, by mode and amount (by the plan's order where the
 * target only tells the total paid).
 */
export async function registerPayments(
  job: JobRow,
  connector: AccountingConnector,
  document: { id: string; number: string; currency: string },
  planned: PlannedPayment[],
  link: { kind: string; shopifyId: string; phase: string },
): Promise<string> {
  const found = job.phase === link.phase ? await connector.findPayments(document.id) : { listed: [] };
  const registered: RemotePayment[] = "listed" in found ? [] : landedBefore(planned, found.paidTotal, document.number);
  const unmatched = "listed" in found ? [...found.listed] : [];
  for (const p of planned.slice(registered.length)) {
    const i = unmatched.findIndex((u) => u.mode === p.mode && u.amount === p.amount);
    if (i >= 0) { registered.push(unmatched.splice(i, 1)[0]); continue; }
    if (job.phase !== link.phase) {
      job.phase = link.phase;
      await db().syncJob.update({ where: { id: job.id }, data: { phase: link.phase } });
    }
    registered.push(await connector.createPayment(document, p));
  }
  for (const r of registered) if (!r.booked) await connector.bookkeepPayment(r.id);
  const ids = registered.map((r) => r.id).join(",");
  await db().documentLink.create({
    data: { shop: job.shop, provider: job.provider, kind: link.kind, shopifyId: link.shopifyId, orderId: job.orderId ?? job.subjectId, remoteId: ids,
      remoteNumber: ids, total: fromMinor(sum(planned.map((p) => p.amount))), currency: document.currency, document: JSON.stringify(planned) },
  });
  return ids;
}

export async function runPaymentJob(job: JobRow, counter: CallCounter): Promise<JobOutcome> {
  const done = await db().documentLink.findFirst({ where: { shop: job.shop, provider: job.provider, kind: "payment", shopifyId: job.subjectId } });
  if (done) return { documentNumber: done.remoteNumber, outcome: "already registered" };
  if (await invoiceAbandoned(job)) return { documentNumber: null, outcome: "the order was cancelled before it was invoiced: no payment" };
  const invoice = await bookedInvoice(job);
  const settings = await jobSettings(job.shop);
  const plan = planPayments(await orderTransactions(job.shop, job.subjectId), invoice.document, settings);
  if (!plan.ok) throw mappingFailure(plan.issues);
  if (!plan.payments.length) return { documentNumber: null, outcome: "no settled payment on the order yet" };

  // Fortnox takes payments on booked invoices only; a shop that leaves drafts gets none. The
  // invoice job bookkept the invoice before it succeeded, unless the shop booked drafts then.
  if (settings.bookkeeping !== "booked") return { documentNumber: null, outcome: `invoices are left as drafts: payment left to the accountant` };
  const cancelled = await db().documentLink.count({ where: { shop: job.shop, provider: job.provider, kind: "credit", orderId: job.subjectId, remoteId: invoice.remoteId } });
  if (cancelled) return { documentNumber: null, outcome: `invoice ${invoice.number} was cancelled: no payment registered` };
  const { connector } = await jobConnector(job, counter);
  const remoteInvoice = { id: invoice.remoteId, number: invoice.number, currency: invoice.document.currency };
  const ids = await registerPayments(job, connector, remoteInvoice, plan.payments, { kind: "payment", shopifyId: job.subjectId, phase: "creating" });
  const what = plan.payments.map((p) => `${fromMinor(p.amount)} ${p.mode}`).join(" + ");
  return { documentNumber: ids, outcome: `registered ${what} on invoice ${invoice.number}` };
}
