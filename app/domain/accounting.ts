import type { VatRegime } from "./vat";

// The neutral accounting document every connector books. Amounts are integer minor units.

export type DocumentKind = "invoice";

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
}

export interface DocumentRow {
  kind: "item" | "shipping";
  /** The article to book the row on: the SKU, the shop's default article, or its shipping article. */
  articleNumber: string;
  description: string;
  quantity: number;
  /** Per unit; including VAT when the document's prices include VAT. */
  unitPrice: number;
  /** Row-level discount amount (not per unit). */
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
}

export interface MappingIssue {
  code: string;
  /** For the merchant, in English and Swedish. */
  message: string;
  messageSv: string;
  field?: string;
}

export type MappingResult = { ok: true; document: AccountingDocument } | { ok: false; issues: MappingIssue[] };
