import { db } from "~/db.server";
import type { DocumentRow } from "~/domain/accounting";
import { mapOrderToInvoice } from "~/domain/mapping";
import { fromMinor } from "~/domain/money";
import { shopifyOrderSchema } from "~/domain/shopify-order";
import type { ArticleSpec, CallCounter, RemoteDocument } from "~/connectors/types";
import { ensureEntity } from "../entities.server";
import { jobConnector, jobSettings, mappingFailure, NeedsReview, type JobOutcome, type JobRow } from "./context.server";

// Order → invoice, exactly once: mapping → customer and articles → the invoice (searching for it
// first when an earlier attempt may have created it) → DocumentLink → bookkeeping if the shop
// books its invoices. Each step's result is committed before the next, so a run that dies
// anywhere is resumed by the next one without a second invoice.

type ArticleRow = DocumentRow & { articleNumber: string };

export function articleSpec(row: ArticleRow, defaultArticle: string): ArticleSpec {
  if (row.kind === "shipping") return { number: row.articleNumber, description: "Frakt", service: true };
  if (row.articleNumber === defaultArticle) return { number: row.articleNumber, description: "Shopify-försäljning", service: true };
  return { number: row.articleNumber, description: row.description, service: false };
}

export async function runInvoiceJob(job: JobRow, counter: CallCounter): Promise<JobOutcome> {
  const settings = await jobSettings(job.shop);
  const existing = await db().documentLink.findFirst({ where: { shop: job.shop, provider: job.provider, kind: "invoice", shopifyId: job.subjectId } });
  const { connector, scope } = await jobConnector(job, counter);
  let number: string;
  let outcome: string;
  let remote: RemoteDocument | undefined;

  if (existing) {
    number = existing.remoteNumber ?? existing.remoteId;
    outcome = "already booked";
  } else {
    const order = shopifyOrderSchema.parse(JSON.parse(job.payload));
    const mapped = mapOrderToInvoice(order, settings);
    if (!mapped.ok) throw mappingFailure(mapped.issues);
    const doc = mapped.document;

    const customerNumber = await ensureEntity(scope, "customer", doc.customer.key,
      () => connector.findCustomer(doc.customer), () => connector.createCustomer(doc.customer));
    const articles = new Map(doc.rows.filter((r): r is ArticleRow => !!r.articleNumber)
      .map((r) => [r.articleNumber, articleSpec(r, settings.defaultArticleNumber)]));
    for (const spec of articles.values()) {
      await ensureEntity(scope, "article", spec.number, () => connector.findArticle(spec.number), () => connector.createArticle(spec));
    }

    outcome = "created";
    if (job.phase === "creating") {
      // An earlier attempt sent the create and never recorded the answer: it may have landed.
      const found = await connector.findDocuments(doc.reference, "invoice");
      if (found.length > 1) throw new NeedsReview(`${found.length} invoices carry reference ${doc.reference}: ${found.map((f) => f.number).join(", ")}`, found[0].number);
      if (found.length === 1) { remote = found[0]; outcome = "adopted"; }
    }
    if (!remote) {
      await db().syncJob.update({ where: { id: job.id }, data: { phase: "creating" } });
      remote = await connector.createDocument(doc, customerNumber);
    }
    await db().$transaction([
      db().documentLink.create({
        data: { shop: job.shop, provider: job.provider, kind: "invoice", shopifyId: doc.reference, orderId: doc.reference, remoteId: remote.id,
          remoteNumber: remote.number, customerId: customerNumber, total: fromMinor(remote.total), currency: remote.currency, document: JSON.stringify(doc) },
      }),
      db().syncJob.update({ where: { id: job.id }, data: { phase: "created" } }),
    ]);
    number = remote.number;
    if (remote.total !== doc.total) {
      throw new NeedsReview(`invoice ${remote.number} totals ${fromMinor(remote.total)} but the order totals ${fromMinor(doc.total)}`, remote.number);
    }
  }

  if (settings.bookkeeping === "booked") {
    // A fresh create is known to be unbooked; anything else is asked, so a bookkeeping that
    // landed before a crash is not sent twice.
    const state = remote && outcome === "created" ? remote : await connector.getDocument(existing?.remoteId ?? remote!.id);
    if (!state.booked) await connector.bookkeep(state.id);
  }
  return { documentType: "invoice", documentNumber: number, outcome: `${outcome} invoice ${number}` };
}
