import type { VatRegime } from "./vat";

// The neutral accounting document every connector books. Amounts are integer minor units.

/** invoice: a sale. credit: a credit invoice against one (negative quantities, negative total). */
export type DocumentKind = "invoice" | "credit";

export interface DocumentCustomer {
  /** Stable key for our customer cache: shopify:<id>, email:<address> or guest:<currency>. */
  key: string;
  type: "PRIVATE" | "COMPANY";
  name: string;
  email?: string;
  orgNumber?: string;
  vatNumber?: string;
  phone?: string;
  address1?: string;
  address2?: string;
  zip?: string;
  city?: string;
  countryCode?: string;
  currency: string;
  /** The VAT regime of the order the customer is created for (Fortnox keeps it per customer). */
  regime?: VatRegime;
  /** The buyer's reference person, from the shop's mapping rules. */
  yourReference?: string;
}

/**
 * Header fields the shop's mapping rules set (app/domain/rules), each within what the target
 * takes. Never our reference: that is `reference`, which the connectors write where they search.
 */
export interface DocumentFields {
  ourReference?: string;
  yourReference?: string;
  yourOrderNumber?: string;
  /** Printed on the invoice. */
  remarks?: string;
  /** Internal, not printed. */
  comments?: string;
  project?: string;
  costCenter?: string;
}

export interface DocumentRow {
  /**
   * item and shipping: sales. gift_card: a gift card sold, a debt at 0 % VAT. tip: outside VAT.
   * adjustment: a refund amount Shopify did not tie to items.
   */
  kind: "item" | "shipping" | "gift_card" | "tip" | "adjustment";
  /**
   * The article to book the row on: the SKU, the shop's default article, or its shipping article.
   * Absent on free-text rows (gift cards, tips, adjustments), which are booked by account alone.
   */
  articleNumber?: string;
  /**
   * The article stands for many products (the shop's default article for items without a SKU,
   * or its shipping article), so a target that takes VAT from the article needs one per rate.
   */
  generic?: boolean;
  /** The Shopify line item the row books, so a refund can credit exactly that row. */
  lineItemId?: number;
  description: string;
  /** Negative on credits. */
  quantity: number;
  /** Per unit; including VAT when the document's prices include VAT. Never negative. */
  unitPrice: number;
  /** Row-level discount amount (not per unit); negative on credits, so the row total mirrors. */
  discount: number;
  /** VAT percent, e.g. 25. */
  vatRate: number;
  /** The sales account, from the VAT regime and rate. */
  account: string;
}

export interface AccountingDocument {
  kind: DocumentKind;
  /** Our reference, written into the document so a lost create can be found again. */
  reference: string;
  orderName: string;
  date: string; // YYYY-MM-DD, the shop's local date of the order
  currency: string;
  /** Shop currency per 1 unit of `currency`, as Shopify converted it; absent when booking the shop currency. */
  currencyRate?: string;
  pricesIncludeVat: boolean;
  regime: VatRegime;
  customer: DocumentCustomer;
  rows: DocumentRow[];
  /** What the document must total, to the öre. */
  total: number;
  /** The VAT Shopify charged, to the öre. */
  vat: number;
  /** Where a target books the öre its own arithmetic differs from Shopify's. */
  roundingAccount: string;
  /** Set by the shop's mapping rules; credits carry their invoice's. */
  fields?: DocumentFields;
  /** Credits only: the number of the invoice they credit. */
  creditOf?: string;
  /** Credits only: this credit reverses the whole invoice, row for row. */
  creditsAll?: boolean;
}

export interface MappingIssue {
  code: string;
  /** For the merchant, in English and Swedish. */
  message: string;
  messageSv: string;
  field?: string;
}

export type MappingResult = { ok: true; document: AccountingDocument } | { ok: false; issues: MappingIssue[] };
