import { db } from "~/db.server";
import { fromMinor, sum } from "~/domain/money";
import { planPayments } from "~/domain/payments";
import type { CallCounter, RemotePayment } from "~/connectors/types";
import { orderTransactions } from "~/shopify/transactions.server";
import { bookedInvoice, invoiceAbandoned, jobConnector, jobSettings, mappingFailure, type JobOutcome, type JobRow } from "./context.server";

// The order is paid → the invoice's payments, one per gateway (a gift card is a gateway), each
// bookkept. Payments carry no reference of ours in Fortnox, so a retry after a possible create
// matches what the invoice already has by mode and amount before it registers anything.

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

  const unmatched: RemotePayment[] = job.phase === "creating" ? await connector.findPayments(invoice.remoteId) : [];
  const registered: RemotePayment[] = [];
  for (const planned of plan.payments) {
    const i = unmatched.findIndex((p) => p.mode === planned.mode && p.amount === planned.amount);
    if (i >= 0) { registered.push(unmatched.splice(i, 1)[0]); continue; }
    if (job.phase !== "creating") {
      job.phase = "creating";
      await db().syncJob.update({ where: { id: job.id }, data: { phase: "creating" } });
    }
    registered.push(await connector.createPayment(remoteInvoice, planned));
  }
  for (const p of registered) if (!p.booked) await connector.bookkeepPayment(p.id);

  const ids = registered.map((p) => p.id).join(",");
  await db().$transaction([
    db().documentLink.create({
      data: { shop: job.shop, provider: job.provider, kind: "payment", shopifyId: job.subjectId, orderId: job.subjectId, remoteId: ids,
        remoteNumber: ids, total: fromMinor(sum(plan.payments.map((p) => p.amount))), currency: invoice.document.currency, document: JSON.stringify(plan.payments) },
    }),
    db().syncJob.update({ where: { id: job.id }, data: { phase: "created" } }),
  ]);
  const what = plan.payments.map((p) => `${fromMinor(p.amount)} ${p.mode}`).join(" + ");
  return { documentNumber: ids, outcome: `registered ${what} on invoice ${invoice.number}` };
}
