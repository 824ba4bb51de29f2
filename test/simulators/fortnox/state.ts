/**
 * In-memory tenants (Fortnox companies) and their documents.
 *
 * Entities are stored in an internal, typed shape (money in öre, quantities as Dec) and
 * rendered to Fortnox JSON by render.ts. One Fortnox "tenant" = one company database;
 * DatabaseNumber == TenantId, which is what the access token carries.
 */
import { type Dec, parseDec } from "../shared/money.js";
import type { Totals } from "./totals.js";

export interface Currency {
  Code: string;
  Description: string;
  BuyRate: Dec;
  SellRate: Dec;
  Unit: number;
}

export interface Account {
  Number: number;
  Description: string;
  /** VAT percent implied by a sales account; articles default their VAT from it. */
  vat?: number;
}

export interface TermsOfPayment {
  Code: string;
  Description: string;
  NumberOfDays: number;
}

export interface ModeOfPayment {
  Code: string;
  Description: string;
  AccountNumber: number;
}

export interface Customer {
  CustomerNumber: string;
  Name: string;
  Type: "PRIVATE" | "COMPANY";
  VATType: string;
  Currency: string;
  PriceList: string;
  TermsOfPayment: string;
  Active: boolean;
  /** Free-text fields, keyed by their Fortnox name (Email, OrganisationNumber, CountryCode, Address1, ...). */
  text: Record<string, string>;
  ShowPriceVATIncluded: boolean;
  SalesAccount: number | null;
  DefaultDeliveryTypes: { Invoice: string; Order: string; Offer: string };
  lastModified: number;
}

export interface Article {
  ArticleNumber: string;
  Description: string;
  Type: "STOCK" | "SERVICE";
  VAT: number;
  SalesAccount: number;
  EUAccount: number;
  EUVATAccount: number;
  ExportAccount: number;
  PurchaseAccount: number;
  PurchasePrice: Dec;
  QuantityInStock: Dec;
  StockGoods: boolean;
  Active: boolean;
  WebshopArticle: boolean;
  text: Record<string, string>; // EAN, Unit, Manufacturer, Note, ...
  lastModified: number;
}

/** A sales price on a price list, from a quantity (/3/prices). */
export interface Price {
  PriceList: string;
  ArticleNumber: string;
  FromQuantity: number;
  Price: Dec;
}
export const priceKey = (list: string, article: string, from: number) => `${list}|${article}|${from}`;

export interface DocRow {
  RowId: number;
  ArticleNumber: string;
  Description: string;
  /** Orders only. */
  OrderedQuantity?: Dec;
  DeliveredQuantity: Dec;
  Price: Dec;
  VAT: number;
  AccountNumber: number;
  Discount: Dec;
  DiscountType: "AMOUNT" | "PERCENT";
  Unit: string;
  CostCenter: string;
  Project: string;
}

export interface EmailInformation {
  EmailAddressFrom: string;
  EmailAddressTo: string;
  EmailAddressCC: string;
  EmailAddressBCC: string;
  EmailSubject: string;
  EmailBody: string;
  ReadReceipt: boolean;
}

/** Fields shared by invoices and orders. */
export interface DocHeader {
  DocumentNumber: number;
  CustomerNumber: string;
  Currency: string;
  CurrencyRate: Dec;
  CurrencyUnit: Dec;
  VATIncluded: boolean;
  Freight: bigint; // öre
  Language: "SV" | "EN";
  TermsOfPayment: string;
  PriceList: string;
  Cancelled: boolean;
  /** Free-text header fields: CustomerName, Address1, YourOrderNumber, ExternalInvoiceReference1, Remarks ... */
  text: Record<string, string>;
  EmailInformation: EmailInformation;
  rows: DocRow[];
  totals: Totals;
  lastModified: number;
}

export interface Invoice extends DocHeader {
  InvoiceDate: string;
  DueDate: string;
  InvoiceType: string;
  Booked: boolean;
  Credit: boolean;
  CreditInvoiceReference: number; // 0 = none
  InvoiceReference: number; // credit invoices: the credited invoice
  OrderReference: number;
  OCR: string;
  Balance: bigint; // öre, in invoice currency
  FinalPayDate: string | null;
  Sent: boolean;
  EUQuarterlyReport: boolean;
  VoucherNumber: number | null;
  VoucherSeries: string | null;
  VoucherYear: number | null;
}

export interface Order extends DocHeader {
  OrderDate: string;
  DeliveryDate: string | null;
  OrderType: "Order";
  InvoiceReference: number; // 0 = no invoice yet
}

export interface WriteOff {
  Amount: bigint;
  AccountNumber: number;
  TransactionInformation: string;
  CostCenter: string;
  Project: string;
}

export interface Payment {
  Number: number;
  InvoiceNumber: number;
  Amount: bigint; // SEK öre
  AmountCurrency: bigint; // invoice currency öre
  Currency: string;
  CurrencyRate: Dec;
  CurrencyUnit: Dec;
  PaymentDate: string;
  ModeOfPayment: string;
  ModeOfPaymentAccount: number;
  Booked: boolean;
  WriteOffs: WriteOff[];
  text: Record<string, string>; // ExternalInvoiceReference1/2
  VoucherNumber: number | null;
  lastModified: number;
}

export interface CompanyInfo {
  CompanyName: string;
  OrganizationNumber: string;
  Address: string;
  ZipCode: string;
  City: string;
  CountryCode: string;
}

export interface Tenant {
  tenantId: number;
  company: CompanyInfo;
  currencies: Map<string, Currency>;
  /** The company's own (Swedish) VAT rates. */
  vatRates: number[];
  /** OSS activated: sales to EU consumers may use the destination country's rates (oss.ts). */
  oss: boolean;
  accounts: Map<number, Account>;
  termsOfPayments: Map<string, TermsOfPayment>;
  priceLists: Map<string, { Code: string; Description: string }>;
  modesOfPayments: Map<string, ModeOfPayment>;
  /** Projects and cost centres the company keeps; a document naming another is refused. */
  projects: Map<string, { ProjectNumber: string; Description: string }>;
  costCenters: Map<string, { Code: string; Description: string }>;
  customers: Map<string, Customer>;
  articles: Map<string, Article>;
  /** Keyed by priceKey(list, article, fromQuantity). */
  prices: Map<string, Price>;
  invoices: Map<number, Invoice>;
  orders: Map<number, Order>;
  payments: Map<number, Payment>;
  /** Last used numbers. Customer numbers are never reused (Fortnox reserves deleted ones). */
  seq: { customer: number; invoice: number; order: number; payment: number; voucher: number };
}

const dec = (s: string): Dec => parseDec(s)!;

export function seedTenant(tenantId: number, companyName: string, organizationNumber: string, oss: boolean): Tenant {
  const currencies: Currency[] = [
    { Code: "SEK", Description: "Svenska kronor", BuyRate: dec("1"), SellRate: dec("1"), Unit: 1 },
    { Code: "EUR", Description: "Euro", BuyRate: dec("11.45"), SellRate: dec("11.55"), Unit: 1 },
    { Code: "USD", Description: "US-dollar", BuyRate: dec("10.45"), SellRate: dec("10.55"), Unit: 1 },
    { Code: "NOK", Description: "Norska kronor", BuyRate: dec("0.985"), SellRate: dec("0.995"), Unit: 1 },
    { Code: "DKK", Description: "Danska kronor", BuyRate: dec("1.535"), SellRate: dec("1.545"), Unit: 1 },
  ];
  const accounts: Account[] = [
    { Number: 1510, Description: "Kundfordringar" },
    { Number: 1580, Description: "Fordringar för kontokort och kuponger" },
    { Number: 1930, Description: "Företagskonto / checkkonto / affärskonto" },
    { Number: 2421, Description: "Ej inlösta presentkort" },
    { Number: 2611, Description: "Utgående moms på försäljning inom Sverige, 25 %" },
    { Number: 2621, Description: "Utgående moms på försäljning inom Sverige, 12 %" },
    { Number: 2631, Description: "Utgående moms på försäljning inom Sverige, 6 %" },
    { Number: 3001, Description: "Försäljning inom Sverige, 25 % moms", vat: 25 },
    { Number: 3002, Description: "Försäljning inom Sverige, 12 % moms", vat: 12 },
    { Number: 3003, Description: "Försäljning inom Sverige, 6 % moms", vat: 6 },
    { Number: 3004, Description: "Försäljning inom Sverige, momsfri", vat: 0 },
    { Number: 3105, Description: "Försäljning varor till land utanför EU", vat: 0 },
    { Number: 3106, Description: "Försäljning varor till annat EU-land, momspliktig", vat: 25 },
    { Number: 3108, Description: "Försäljning varor till annat EU-land, momsfri", vat: 0 },
    { Number: 3740, Description: "Öres- och kronutjämning" },
    { Number: 3990, Description: "Övriga ersättningar och intäkter", vat: 0 },
    { Number: 4000, Description: "Inköp av varor från Sverige" },
  ];
  return {
    tenantId,
    company: {
      CompanyName: companyName,
      OrganizationNumber: organizationNumber,
      Address: "Storgatan 1",
      ZipCode: "111 22",
      City: "Stockholm",
      CountryCode: "SE",
    },
    currencies: new Map(currencies.map((c) => [c.Code, c])),
    vatRates: [25, 12, 6, 0],
    oss,
    accounts: new Map(accounts.map((a) => [a.Number, a])),
    termsOfPayments: new Map([
      ["0", { Code: "0", Description: "Kontant", NumberOfDays: 0 }],
      ["10", { Code: "10", Description: "10 dagar netto", NumberOfDays: 10 }],
      ["30", { Code: "30", Description: "30 dagar netto", NumberOfDays: 30 }],
    ]),
    priceLists: new Map([["A", { Code: "A", Description: "Standardprislista" }]]),
    modesOfPayments: new Map([
      ["KO", { Code: "KO", Description: "Kortbetalning", AccountNumber: 1930 }],
      ["BG", { Code: "BG", Description: "Bankgiro", AccountNumber: 1930 }],
      ["PK", { Code: "PK", Description: "Presentkort", AccountNumber: 2421 }],
    ]),
    projects: new Map(),
    costCenters: new Map(),
    customers: new Map(),
    articles: new Map(),
    prices: new Map(),
    invoices: new Map(),
    orders: new Map(),
    payments: new Map(),
    seq: { customer: 0, invoice: 0, order: 0, payment: 0, voucher: 0 },
  };
}

export interface SimStats {
  requests: number;
  accepted: number;
  rateLimited: number;
  /** Requests answered by an injected fault status (not part of the brief's schema, extra info). */
  faulted: number;
  maxInWindow: number;
  tokenRequests: number;
  refreshes: number;
  invalidGrants: number;
  unauthorized: number;
  created: { invoices: number; customers: number; articles: number; orders: number; payments: number };
}

export function emptyStats(): SimStats {
  return {
    requests: 0,
    accepted: 0,
    rateLimited: 0,
    faulted: 0,
    maxInWindow: 0,
    tokenRequests: 0,
    refreshes: 0,
    invalidGrants: 0,
    unauthorized: 0,
    created: { invoices: 0, customers: 0, articles: 0, orders: 0, payments: 0 },
  };
}

export const DEFAULT_TENANT_ID = 1001;

/** Everything that /__sim/reset puts back to the seed. */
export class SimState {
  tenants = new Map<number, Tenant>();
  stats = emptyStats();

  /** @param ossDefault whether new (and reset) tenants start with OSS activated. */
  constructor(readonly ossDefault = true) {
    this.reset();
  }

  reset(): void {
    this.tenants = new Map([[DEFAULT_TENANT_ID, seedTenant(DEFAULT_TENANT_ID, "Demo Handel AB", "556677-8899", this.ossDefault)]]);
    this.stats = emptyStats();
  }
}
