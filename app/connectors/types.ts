import type { AccountingDocument, DocumentCustomer, DocumentKind, DocumentRow } from "~/domain/accounting";
import type { CustomerField } from "~/domain/customer";
import type { PlannedPayment } from "~/domain/payments";

// The one interface every accounting system implements. Shared logic (the entity cache, locks,
// search-before-create, error handling) lives in sync/, so a connector only speaks its API.

export type Provider = "fortnox" | "visma";

export interface RemoteDocument {
  id: string;
  number: string;
  total: number; // minor units
  currency: string;
  reference: string;
  /** The document's date (YYYY-MM-DD), when the target reports it. */
  date?: string;
  /** Booked documents are immutable: they can only be credited. */
  booked: boolean;
  cancelled: boolean;
  /** The id of the credit the target made of this document in full, if any. */
  creditedBy?: string;
}

/** A sales order in the accounting system, invoiced later (on fulfilment). */
export interface RemoteOrder {
  id: string;
  number: string;
  total: number;
  cancelled: boolean;
  /** The invoice the order became, once it is invoiced. */
  invoiceId?: string;
}

export interface RemotePayment {
  id: string;
  mode: string;
  /** In the document's currency. */
  amount: number;
  booked: boolean;
}

export interface ArticleSpec {
  number: string;
  description: string;
  /** Shipping and catch-all articles are services, not stock. */
  service: boolean;
  /** The barcode (EAN/GTIN), where the target keeps one on its articles. */
  ean?: string;
  /**
   * The Swedish VAT rate the article sells at, when the order that makes it shows one (a domestic
   * sale). Targets that take VAT from the article (Visma's sales categories) need it; Fortnox
   * takes VAT per row and ignores it.
   */
  vatRate?: number;
  /** The sales account for that rate (Fortnox keeps one per article; Visma's category carries it). */
  salesAccount?: string;
  /** The sales price in öre, excluding and including VAT; absent = the target's price is left alone. */
  price?: { net: number; gross: number };
}

export interface ArticleStock {
  number: string;
  quantity: string;
  /** Whether the target keeps stock for it, when its list says (else keepsStock reads it). */
  keepsStock?: boolean;
}

/**
 * What a target tells about the payments on a document: Fortnox lists each one; Visma's API
 * only shows how much is still unpaid, so the total paid is all a retry can match against.
 */
export type PaymentsFound = { listed: RemotePayment[] } | { paidTotal: number };

export interface AccountingConnector {
  readonly provider: Provider;
  /** The connected company (a cheap authenticated read: the admin's "test connection"). */
  company(): Promise<{ name: string; tenantId: string }>;
  /** Exact match on a customer we would create for `customer`, or null. */
  findCustomer(customer: DocumentCustomer): Promise<string | null>;
  createCustomer(customer: DocumentCustomer): Promise<string>;
  /**
   * Writes `fields` of `customer` onto the existing customer `id`, clearing those now empty in
   * Shopify; every other field stays as the accountant left it.
   */
  updateCustomer(id: string, customer: DocumentCustomer, fields: readonly CustomerField[]): Promise<void>;
  /** Marks the customer inactive: accounting customers carry history and are never deleted. */
  deactivateCustomer(id: string): Promise<void>;
  /** The article `row` is booked on in this target, or null where the row is booked by account alone. */
  articleFor(row: DocumentRow, doc: AccountingDocument): ArticleSpec | null;
  findArticle(number: string): Promise<string | null>;
  createArticle(article: ArticleSpec): Promise<string>;
  /**
   * Writes the article's description, EAN and (when the spec has one) sales price onto article
   * `id` (what findArticle or createArticle returned) and makes it active; its accounts and stock
   * stay as the accountant keeps them.
   */
  updateArticle(id: string, article: ArticleSpec): Promise<void>;
  /** Marks the article inactive: documents refer to it, so it is never deleted. */
  deactivateArticle(id: string): Promise<void>;
  /**
   * Articles changed since `since` with their quantity in stock (a decimal string). Absent where
   * Kontera does not read stock from the target.
   */
  stockChangedSince?(since: Date): Promise<ArticleStock[]>;
  /** Whether the target keeps stock for the article (an article it does not is at 0 whatever is on the shelf). */
  keepsStock?(number: string): Promise<boolean>;
  /** Live documents of this kind that carry exactly this reference (never a substring match). */
  findDocuments(reference: string, kind: DocumentKind): Promise<RemoteDocument[]>;
  createDocument(doc: AccountingDocument, customerId: string): Promise<RemoteDocument>;
  /**
   * The document, also after bookkeeping gave it another id (a Visma draft becomes an invoice
   * with its own id): `id` may be the one the document had when it was created.
   */
  getDocument(id: string): Promise<RemoteDocument>;
  /** Books the document and returns it as booked; its id and number can change on the way. */
  bookkeep(id: string): Promise<RemoteDocument>;
  /** Withdraws an unbooked document. */
  cancelDocument(id: string): Promise<void>;
  /**
   * The target's own full credit of a booked document, linked to it; returns the credit. Absent
   * where the target has none: a full credit is then a credit document like any other.
   */
  creditInFull?(id: string): Promise<RemoteDocument>;
  /** Live orders that carry exactly this reference. */
  findOrders(reference: string): Promise<RemoteOrder[]>;
  createOrder(doc: AccountingDocument, customerId: string): Promise<RemoteOrder>;
  getOrder(id: string): Promise<RemoteOrder>;
  /** Turns the order into its invoice (once; the target refuses a second time) and returns the invoice. */
  invoiceOrder(id: string, doc: AccountingDocument): Promise<RemoteDocument>;
  cancelOrder(id: string): Promise<void>;
  findPayments(documentId: string): Promise<PaymentsFound>;
  createPayment(document: Pick<RemoteDocument, "id" | "number" | "currency">, payment: PlannedPayment): Promise<RemotePayment>;
  /** Payments the target books on registration come back `booked` and never reach this. */
  bookkeepPayment(id: string): Promise<void>;
}

/** Counts outbound calls for the attempt history and the demo's calls-per-order figure. */
export interface CallCounter {
  calls: number;
  /**
   * The sealed refresh token this run last read or stored: an authentication failure is about
   * that authorisation, and says nothing about one the merchant made by reconnecting since.
   */
  authorisation?: string | null;
}
