/**
 * In-memory Visma companies and their data. Each company is what one access token reaches
 * (the token is bound to the company picked at consent). Entities are kept in a typed internal
 * shape (money as integer öre or exact Dec) and rendered to PascalCase JSON by their modules.
 */
import { randomUUID } from "node:crypto";
import { type Dec, parseDec } from "../shared/money.js";

export const DEFAULT_COMPANY_ID = "c0000000-0000-4000-8000-000000000001";

export interface TermsOfPayment {
  Id: string;
  Name: string;
  NumberOfDays: number;
  TermsOfPaymentTypeId: number;
}

export interface Unit {
  Id: string;
  Name: string;
  Code: string;
}

export interface Coding {
  Id: string;
  Name: string;
  Type: "Goods" | "Service";
  /** Swedish rate as a fraction, e.g. 0.25. */
  rate: Dec;
  /** 25, 12, 6 or 0: which OSS destination rate it maps to (vat.ts). */
  percent: number;
  IsActive: boolean;
  domesticAccount: number;
}

export interface BankAccount {
  Id: string;
  Name: string;
  BankAccountNumber: string;
  AccountNumber: number;
}

export interface FiscalYear {
  Id: string;
  year: number;
  locked: boolean;
}

export interface Customer {
  Id: string;
  CustomerNumber: string;
  Name: string;
  IsPrivatePerson: boolean;
  IsActive: boolean;
  InvoiceCity: string;
  InvoicePostalCode: string;
  InvoiceAddress1: string | null;
  InvoiceAddress2: string | null;
  InvoiceCountryCode: string;
  EmailAddress: string | null;
  Telephone: string | null;
  MobilePhone: string | null;
  CorporateIdentityNumber: string | null;
  VatNumber: string | null;
  CurrencyCode: string;
  TermsOfPaymentId: string;
  DeliveryBasedVat: boolean;
  ChangedUtc: string;
}

export interface Article {
  Id: string;
  IsActive: boolean;
  Number: string;
  Name: string;
  CodingId: string;
  UnitId: string;
  NetPrice: Dec | null;
  GrossPrice: Dec | null;
  IsStock: boolean;
  /** Read-only over the API: moved by the stock module (here: the control API's stock count). */
  StockBalance: Dec;
  ChangedUtc: string;
}

/** A priced row as stored on drafts, invoices and orders (amounts in öre of the document currency). */
export interface DocRow {
  LineNumber: number;
  IsTextRow: boolean;
  Text: string | null;
  ArticleId: string | null;
  ArticleNumber: string | null;
  Quantity: Dec | null;
  UnitPrice: Dec | null;
  DiscountPercentage: Dec;
  /** null on text rows. */
  vatRate: Dec | null;
  noVat: bigint;
  incVat: bigint;
  /** Draft rows only. */
  ReversedConstructionServicesVatFree?: boolean;
  /** Order rows only. */
  DeliveredQuantity?: Dec | null;
  IsWorkCost?: boolean;
  EligibleForReverseChargeOnVat?: boolean;
}

/** Document totals in the invoice currency (…InvoiceCurrency) and the company currency. */
export interface DocTotals {
  total: bigint;
  vat: bigint;
  totalDomestic: bigint;
  vatDomestic: bigint;
}

export interface Draft {
  Id: string;
  CustomerId: string;
  IsCreditInvoice: boolean;
  InvoiceDate: string;
  DueDate: string;
  EuThirdParty: boolean;
  RotReducedInvoicingType: number;
  YourReference: string | null;
  OurReference: string | null;
  BuyersOrderReference: string | null;
  InvoiceCurrencyCode: string;
  CurrencyRate: Dec;
  IncludesVat: boolean;
  ReplaceUnitPriceWhenZero: boolean;
  Rows: DocRow[];
  totals: DocTotals;
  CreatedFromOrderId: string | null;
  CreatedUtc: string;
  ChangedUtc: string;
}

export interface Invoice extends Draft {
  InvoiceNumber: number;
  CreatedFromDraftId: string;
  remainingInvoiceCurrency: bigint;
  remaining: bigint;
  PaymentDate: string | null;
}

export interface Payment {
  Id: string;
  CustomerInvoiceId: string;
  PaymentDate: string;
  amount: bigint;
  PaymentCurrency: string;
  PaymentType: number;
  domesticAmount: bigint;
  Reference: string | null;
  CompanyBankAccountId: string;
}

export interface Order {
  Id: string;
  OrderNumber: number;
  CustomerId: string;
  CurrencyCode: string;
  EuThirdParty: boolean;
  OrderDate: string;
  Status: number;
  RotReducedInvoicingType: number;
  ReverseChargeOnConstructionServices: boolean;
  YourReference: string | null;
  OurReference: string | null;
  BuyersOrderReference: string | null;
  IncludesVat: boolean;
  Rows: DocRow[];
  totals: DocTotals;
  InvoiceDraftId: string | null;
  ChangedUtc: string;
}

export interface Company {
  Id: string;
  Name: string;
  CorporateIdentityNumber: string;
  CurrencyCode: string;
  oss: boolean;
  ShowPricesExclVatPC: boolean;
  /** Seeded default CurrencyRate per foreign currency (SEK per unit). */
  currencyRates: Map<string, Dec>;
  currencies: Map<string, string>; // Code -> Description
  termsOfPayments: Map<string, TermsOfPayment>;
  units: Map<string, Unit>;
  codings: Map<string, Coding>;
  bankAccounts: Map<string, BankAccount>;
  fiscalYears: Map<number, FiscalYear>;
  customers: Map<string, Customer>;
  articles: Map<string, Article>;
  drafts: Map<string, Draft>;
  invoices: Map<string, Invoice>;
  payments: Map<string, Payment>;
  orders: Map<string, Order>;
  nextInvoiceNumber: number;
  nextOrderNumber: number;
}

const dec = (s: string): Dec => parseDec(s)!;

const CODINGS: [Coding["Type"], number, string, number][] = [
  ["Goods", 25, "Varor 25%", 3001],
  ["Goods", 12, "Varor 12%", 3002],
  ["Goods", 6, "Varor 6%", 3003],
  ["Goods", 0, "Varor 0%", 3004],
  ["Service", 25, "Tjänster 25%", 3041],
  ["Service", 12, "Tjänster 12%", 3042],
  ["Service", 6, "Tjänster 6%", 3043],
  ["Service", 0, "Tjänster 0%", 3044],
];

export function seedCompany(id: string, name: string, corporateIdentityNumber: string, oss: boolean): Company {
  const byId = <T extends { Id: string }>(items: T[]) => new Map(items.map((i) => [i.Id, i]));
  return {
    Id: id,
    Name: name,
    CorporateIdentityNumber: corporateIdentityNumber,
    CurrencyCode: "SEK",
    oss,
    ShowPricesExclVatPC: false,
    // Made-up but fixed rates, so foreign totals are predictable in tests.
    currencyRates: new Map([["EUR", dec("11.5")], ["NOK", dec("1.02")], ["DKK", dec("1.54")], ["USD", dec("10.5")], ["GBP", dec("13.25")]]),
    currencies: new Map([["SEK", "Svenska kronor"], ["EUR", "Euro"], ["NOK", "Norska kronor"], ["DKK", "Danska kronor"], ["USD", "US-dollar"], ["GBP", "Brittiska pund"]]),
    termsOfPayments: byId([
      { Id: randomUUID(), Name: "30 dagar", NumberOfDays: 30, TermsOfPaymentTypeId: 0 },
      { Id: randomUUID(), Name: "Kortbetalning", NumberOfDays: 0, TermsOfPaymentTypeId: 3 },
      { Id: randomUUID(), Name: "Betaltjänst", NumberOfDays: 0, TermsOfPaymentTypeId: 5 },
    ]),
    units: byId([
      { Id: randomUUID(), Name: "Styck", Code: "st" },
      { Id: randomUUID(), Name: "Timme", Code: "h" },
    ]),
    codings: byId(
      CODINGS.map(([Type, percent, Name, domesticAccount]) => ({ Id: randomUUID(), Name, Type, percent, rate: dec(String(percent / 100)), IsActive: true, domesticAccount })),
    ),
    bankAccounts: byId([{ Id: randomUUID(), Name: "Företagskonto", BankAccountNumber: "1234-5678901", AccountNumber: 1930 }]),
    fiscalYears: new Map(Array.from({ length: 11 }, (_, i) => 2020 + i).map((year) => [year, { Id: randomUUID(), year, locked: false }])),
    customers: new Map(),
    articles: new Map(),
    drafts: new Map(),
    invoices: new Map(),
    payments: new Map(),
    orders: new Map(),
    nextInvoiceNumber: 1,
    nextOrderNumber: 1,
  };
}

export interface SimStats {
  requests: number;
  unauthorized: number;
  rateLimited: number;
  faulted: number;
  tokenRequests: number;
  refreshes: number;
  invalidGrants: number;
  /** endpoint -> status -> count, e.g. calls.customerinvoicedrafts["201"]. */
  calls: Record<string, Record<string, number>>;
}

const emptyStats = (): SimStats => ({ requests: 0, unauthorized: 0, rateLimited: 0, faulted: 0, tokenRequests: 0, refreshes: 0, invalidGrants: 0, calls: {} });

export class SimState {
  companies = new Map<string, Company>();
  stats = emptyStats();

  constructor(public readonly ossDefault: boolean) {
    this.reset();
  }

  reset(): void {
    this.companies = new Map([[DEFAULT_COMPANY_ID, seedCompany(DEFAULT_COMPANY_ID, "Demo AB", "556677-8899", this.ossDefault)]]);
    this.stats = emptyStats();
  }

  countCall(endpoint: string, status: number): void {
    const byStatus = (this.stats.calls[endpoint] ??= {});
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }
}

/** ChangedUtc etc.: ISO-8601 UTC without milliseconds, like "2018-03-05T15:14:04Z". */
export const utcNow = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

/** Dates are stored "YYYY-MM-DD" and rendered the way the API writes them. */
export const renderDate = (d: string | null): string | null => (d === null ? null : `${d}T00:00:00`);
