import { editedSince } from "~/domain/edits";
import { shopifyOrderSchema } from "~/domain/shopify-order";
import type { CallCounter } from "~/connectors/types";
import { bookedInvoice, jobSettings, NeedsReview, type JobOutcome, type JobRow } from "./context.server";

// An order edited after its invoice was booked is never booked a second time on its own: the
// merchant is shown what changed and credits and re-invoices it (automatic re-invoicing is a
// setting still to come).

export async function runEditJob(job: JobRow, _counter: CallCounter): Promise<JobOutcome> {
  const invoice = await bookedInvoice(job);
  const order = shopifyOrderSchema.parse(JSON.parse(job.payload));
  const check = editedSince(order, invoice.document, await jobSettings(job.shop));
  if (!check.edited) return { documentNumber: invoice.number, outcome: "no change to what was sold" };
  throw new NeedsReview(
    `Order ${order.name} was edited after invoice ${invoice.number} was booked (${check.summary}): credit invoice ${invoice.number} and invoice the order again in Fortnox / ` +
    `Order ${order.name} ändrades efter att faktura ${invoice.number} bokfördes: kreditera faktura ${invoice.number} och fakturera ordern på nytt i Fortnox`,
    invoice.number,
  );
}
