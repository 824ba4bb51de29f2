import type { AccountingDocument, DocumentRow } from "~/domain/accounting";
import type { ArticleSpec } from "./types";

/**
 * The article a row with an article number is booked on, as any target would make it: the
 * product itself, or for a generic row the shop's catch-all or shipping article (services).
 * The Swedish rate goes with it only from a domestic sale: a foreign sale's rate (0 %, or the
 * buyer's country's) says nothing of the rate the product sells at at home.
 */
export function rowArticle(row: DocumentRow & { articleNumber: string }, doc: AccountingDocument): ArticleSpec {
  const vat = doc.regime === "domestic" ? { vatRate: row.vatRate } : {};
  if (row.kind === "shipping") return { number: row.articleNumber, description: "Frakt", service: true, ...vat };
  if (row.generic) return { number: row.articleNumber, description: "Shopify-försäljning", service: true, ...vat };
  return { number: row.articleNumber, description: row.description, service: false, ...vat };
}
