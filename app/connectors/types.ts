import type { AccountingDocument, DocumentCustomer } from "~/domain/accounting";

// The one interface every accounting system implements. Shared logic (the entity cache, locks,
// search-before-create, error handling) lives in sync/, so a connector only speaks its API.

export type Provider = "fortnox" | "visma";

export interface RemoteDocument {
  id: string;
  number: string;
  total: number; // minor units
  currency: string;
  reference: string;
}

export interface ArticleSpec {
  number: string;
  description: string;
  /** Shipping and catch-all articles are services, not stock. */
  service: boolean;
}

export interface AccountingConnector {
  readonly provider: Provider;
  /** Exact match on a customer we would create for `customer`, or null. */
  findCustomer(customer: DocumentCustomer): Promise<string | null>;
  createCustomer(customer: DocumentCustomer): Promise<string>;
  findArticle(number: string): Promise<string | null>;
  createArticle(article: ArticleSpec): Promise<string>;
  /** Documents that carry exactly this reference (never a substring match). */
  findDocuments(reference: string): Promise<RemoteDocument[]>;
  createDocument(doc: AccountingDocument, customerId: string): Promise<RemoteDocument>;
}

/** Counts outbound calls for the attempt history and the demo's calls-per-order figure. */
export interface CallCounter {
  calls: number;
}
