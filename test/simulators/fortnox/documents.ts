/**
 * What invoices and orders have in common: header fields, rows, validation of references
 * (customer, currency, article, VAT, account) and rendering with the real API's type quirks.
 */
import { z } from "zod";
import {
  checkAccount,
  checkCurrency,
  checkEmail,
  checkPriceList,
  checkTermsOfPayment,
  mergeText,
  renderText,
  vatPercent,
} from "./common.js";
import { ErrorCode, badRequest } from "./errors.js";
import { bool, decimal, ident, int, obj, oneOf, text, textFields } from "./fields.js";
import { type Dec, compareDec, decToJson, negate, oreToJson, parseDec, toOre } from "../shared/money.js";
import { OSS_DEFAULT_ACCOUNT, checkDocumentVat } from "./oss.js";
import type { Customer, DocHeader, DocRow, EmailInformation, Tenant } from "./state.js";
import { computeTotals } from "./totals.js";

/** Free-text header fields with their maximum lengths (lengths as documented for Fortnox where known). */
export const HEADER_TEXT = {
  YourOrderNumber: 30,
  YourReference: 50,
  OurReference: 50,
  ExternalInvoiceReference1: 80,
  ExternalInvoiceReference2: 80,
  Remarks: 1024,
  Comments: 1024,
  CustomerName: 1024,
  Address1: 1024,
  Address2: 1024,
  ZipCode: 10,
  City: 1024,
  Country: 1024,
  Phone1: 1024,
  Phone2: 1024,
  DeliveryName: 1024,
  DeliveryAddress1: 1024,
  DeliveryAddress2: 1024,
  DeliveryZipCode: 10,
  DeliveryCity: 1024,
  DeliveryCountry: 1024,
  WayOfDelivery: 10,
  TermsOfDelivery: 10,
  Project: 20,
  CostCenter: 10,
  PrintTemplate: 10,
} as const;
const HEADER_TEXT_FIELDS = Object.keys(HEADER_TEXT);

const emailInformationSchema = obj({
  EmailAddressFrom: text(100),
  EmailAddressTo: text(1024),
  EmailAddressCC: text(1024),
  EmailAddressBCC: text(1024),
  EmailSubject: text(100),
  EmailBody: text(20000),
  ReadReceipt: bool(),
})
  .nullable()
  .optional();

/** Header fields writable on both invoices and orders. Read-only fields (Total, Booked, ...) are deliberately absent. */
export const headerShape = {
  ...textFields(HEADER_TEXT),
  CustomerNumber: ident(50),
  Currency: text(3),
  CurrencyRate: decimal(6),
  CurrencyUnit: decimal(2),
  VATIncluded: bool(),
  Freight: decimal(2),
  Language: oneOf(["SV", "EN"]),
  TermsOfPayment: text(10),
  PriceList: text(10),
  EmailInformation: emailInformationSchema,
};

const rowShape = {
  RowId: int(),
  ArticleNumber: ident(50),
  Description: text(255),
  DeliveredQuantity: decimal(4),
  Price: decimal(4),
  VAT: decimal(2),
  AccountNumber: int(),
  Discount: decimal(2),
  DiscountType: oneOf(["AMOUNT", "PERCENT"]),
  Unit: text(20),
  CostCenter: text(10),
  Project: text(20),
};
export const invoiceRowSchema = obj(rowShape);
export const orderRowSchema = obj({ ...rowShape, OrderedQuantity: decimal(4) });
export type RowInput = z.output<typeof orderRowSchema>;
/** Parsed header input, loosely typed for the text fields. */
export type HeaderInput = { [K in keyof typeof headerShape]?: z.output<(typeof headerShape)[K]> } & Record<string, unknown>;

const ZERO = parseDec("0")!;
const HUNDRED = parseDec("100")!;

/** Default sales account per VAT rate when a row has neither AccountNumber nor article. */
function defaultAccount(tenant: Tenant, vat: number): number {
  // ASSUMED: a free row at a destination (OSS) rate lands on the EU sales account.
  if (!tenant.vatRates.includes(vat)) return OSS_DEFAULT_ACCOUNT;
  return vat === 12 ? 3002 : vat === 6 ? 3003 : 3001;
}

/** A project or cost centre named on a document (header or row) must exist in the company. */
export function checkDimensions(tenant: Tenant, input: { Project?: string; CostCenter?: string }, where: string): void {
  if (input.Project && !tenant.projects.has(input.Project)) {
    throw badRequest(ErrorCode.PROJECT_NOT_FOUND, `Projektet "${input.Project}" hittades inte (${where}Project)`);
  }
  if (input.CostCenter && !tenant.costCenters.has(input.CostCenter)) {
    throw badRequest(ErrorCode.COST_CENTER_NOT_FOUND, `Kostnadsstället "${input.CostCenter}" hittades inte (${where}CostCenter)`);
  }
}

export function requireCustomer(tenant: Tenant, number: string | undefined): Customer {
  if (!number) throw badRequest(ErrorCode.REQUIRED_FIELD, "Fältet CustomerNumber är obligatoriskt");
  const c = tenant.customers.get(number);
  // On documents a missing customer is a 400 (validation), not the 404 of GET /customers/{n}.
  if (!c) throw badRequest(ErrorCode.CUSTOMER_NOT_FOUND, `Kan inte hitta kunden (${number})`);
  return c;
}

/**
 * Builds the new row list. Semantics follow the research (A.5): the list given replaces
 * the old one; a row carrying RowId updates that existing row, rows without RowId are new.
 * `customer` is the document's customer after this change: OSS rates depend on it.
 */
export function buildRows(
  tenant: Tenant,
  customer: Customer,
  existing: DocRow[],
  inputs: RowInput[],
  isOrder: boolean,
  firstRowId: number,
): DocRow[] {
  let nextRowId = firstRowId;
  return inputs.map((input) => {
    let base: DocRow | undefined;
    if (input.RowId !== undefined) {
      base = existing.find((r) => r.RowId === input.RowId);
      if (!base) throw badRequest(ErrorCode.UNKNOWN_ROW, `Raden med RowId ${input.RowId} finns inte`);
    }
    checkDimensions(tenant, input, "Rows.");
    const articleNumber = input.ArticleNumber ?? base?.ArticleNumber ?? "";
    const article = articleNumber ? tenant.articles.get(articleNumber) : undefined;
    if (articleNumber && !article) throw badRequest(ErrorCode.ARTICLE_NOT_FOUND, `Kan inte hitta artikeln (${articleNumber})`);

    const vat = input.VAT !== undefined ? vatPercent(input.VAT) : (base?.VAT ?? article?.VAT ?? 25);
    checkDocumentVat(tenant, customer, vat);
    const account = input.AccountNumber ?? base?.AccountNumber ?? article?.SalesAccount ?? defaultAccount(tenant, vat);
    checkAccount(tenant, account, "AccountNumber");

    const discountType = input.DiscountType ?? base?.DiscountType ?? "PERCENT";
    const discount = input.Discount ?? base?.Discount ?? ZERO;
    if (discountType === "PERCENT" && (compareDec(discount, ZERO) < 0 || compareDec(discount, HUNDRED) > 0)) {
      // ASSUMED: a percentage discount outside 0..100 is rejected.
      throw badRequest(ErrorCode.INVALID_VALUE, "Rabatten i procent måste vara mellan 0 och 100");
    }
    const ordered = isOrder ? (input.OrderedQuantity ?? base?.OrderedQuantity ?? input.DeliveredQuantity ?? ZERO) : undefined;
    // Orders: delivered defaults to ordered (no warehouse module, everything ships).
    const delivered = input.DeliveredQuantity ?? base?.DeliveredQuantity ?? ordered ?? ZERO;

    return {
      RowId: base?.RowId ?? nextRowId++,
      ArticleNumber: articleNumber,
      Description: input.Description ?? base?.Description ?? article?.Description ?? "",
      OrderedQuantity: ordered,
      DeliveredQuantity: delivered,
      Price: input.Price ?? base?.Price ?? ZERO,
      VAT: vat,
      AccountNumber: account,
      Discount: discount,
      DiscountType: discountType,
      Unit: input.Unit ?? base?.Unit ?? article?.text.Unit ?? "",
      CostCenter: input.CostCenter ?? base?.CostCenter ?? "",
      Project: input.Project ?? base?.Project ?? "",
    };
  });
}

export function nextRowId(doc: { rows: DocRow[] }): number {
  return doc.rows.reduce((m, r) => Math.max(m, r.RowId), 0) + 1;
}

function emptyEmailInformation(): EmailInformation {
  return { EmailAddressFrom: "", EmailAddressTo: "", EmailAddressCC: "", EmailAddressBCC: "", EmailSubject: "", EmailBody: "", ReadReceipt: false };
}

/** A fresh header for `customer`, pre-filled like Fortnox does from the customer card. */
export function newHeader(tenant: Tenant, documentNumber: number, customer: Customer): DocHeader {
  const currency = tenant.currencies.get(customer.Currency) ?? tenant.currencies.get("SEK")!;
  const header: DocHeader = {
    DocumentNumber: documentNumber,
    CustomerNumber: customer.CustomerNumber,
    Currency: currency.Code,
    CurrencyRate: currency.SellRate,
    CurrencyUnit: parseDec(String(currency.Unit))!,
    VATIncluded: customer.ShowPriceVATIncluded,
    Freight: 0n,
    Language: "SV",
    TermsOfPayment: customer.TermsOfPayment,
    PriceList: customer.PriceList,
    Cancelled: false,
    text: {},
    EmailInformation: emptyEmailInformation(),
    rows: [],
    totals: computeTotals([], 0n, false),
    lastModified: Date.now(),
  };
  copyCustomerDetails(header, customer);
  header.EmailInformation.EmailAddressTo = customer.text.EmailInvoice || customer.text.Email || "";
  return header;
}

function copyCustomerDetails(header: DocHeader, customer: Customer): void {
  const t = customer.text;
  Object.assign(header.text, {
    CustomerName: customer.Name,
    Address1: t.Address1 ?? "",
    Address2: t.Address2 ?? "",
    ZipCode: t.ZipCode ?? "",
    City: t.City ?? "",
    Country: t.CountryCode === "SE" ? "Sverige" : (t.CountryCode ?? ""),
    Phone1: t.Phone1 ?? "",
    YourReference: t.YourReference ?? "",
    OurReference: t.OurReference ?? "",
  });
}

/**
 * Applies a validated header input onto `doc` (create or PUT). Everything is validated
 * before anything is written, so a rejected PUT leaves the document unchanged.
 */
export function applyHeader(tenant: Tenant, doc: DocHeader, input: HeaderInput, rowInputs: RowInput[] | undefined, isOrder: boolean): void {
  let customer: Customer | undefined;
  if (input.CustomerNumber !== undefined && input.CustomerNumber !== doc.CustomerNumber) {
    customer = requireCustomer(tenant, input.CustomerNumber);
  }
  checkCurrency(tenant, input.Currency);
  checkDimensions(tenant, { Project: input.Project as string | undefined, CostCenter: input.CostCenter as string | undefined }, "");
  checkTermsOfPayment(tenant, input.TermsOfPayment);
  checkPriceList(tenant, input.PriceList);
  if (input.CurrencyRate !== undefined && compareDec(input.CurrencyRate, ZERO) <= 0) {
    throw badRequest(ErrorCode.INVALID_VALUE, "Valutakursen måste vara större än 0");
  }
  const email = input.EmailInformation ?? undefined;
  if (email) {
    checkEmail("EmailAddressFrom", email.EmailAddressFrom);
    for (const f of ["EmailAddressTo", "EmailAddressCC", "EmailAddressBCC"] as const) checkEmail(f, email[f], true);
  }
  const rowCustomer = customer ?? requireCustomer(tenant, doc.CustomerNumber);
  const rows = rowInputs ? buildRows(tenant, rowCustomer, doc.rows, rowInputs, isOrder, nextRowId(doc)) : doc.rows;
  // Kept rows were valid for the old customer; an OSS rate may not be valid for the new one.
  if (!rowInputs && customer) for (const r of rows) checkDocumentVat(tenant, customer, r.VAT);

  // ---- all checks passed: mutate ----
  if (customer) {
    doc.CustomerNumber = customer.CustomerNumber;
    copyCustomerDetails(doc, customer);
  }
  if (input.Currency !== undefined && input.Currency !== doc.Currency) {
    const currency = tenant.currencies.get(input.Currency)!;
    doc.Currency = currency.Code;
    doc.CurrencyRate = currency.SellRate;
    doc.CurrencyUnit = parseDec(String(currency.Unit))!;
  }
  if (input.CurrencyRate !== undefined) doc.CurrencyRate = input.CurrencyRate;
  if (input.CurrencyUnit !== undefined) doc.CurrencyUnit = input.CurrencyUnit;
  if (input.VATIncluded !== undefined) doc.VATIncluded = input.VATIncluded;
  if (input.Freight !== undefined) doc.Freight = toOre(input.Freight);
  if (input.Language !== undefined) doc.Language = input.Language;
  if (input.TermsOfPayment !== undefined) doc.TermsOfPayment = input.TermsOfPayment;
  if (input.PriceList !== undefined) doc.PriceList = input.PriceList;
  mergeText(doc.text, input, HEADER_TEXT_FIELDS);
  if (email) {
    for (const [k, v] of Object.entries(email)) {
      if (v !== undefined) (doc.EmailInformation as unknown as Record<string, unknown>)[k] = v;
    }
  }
  doc.rows = rows;
  recompute(doc);
  doc.lastModified = Date.now();
}

export function recompute(doc: DocHeader): void {
  doc.totals = computeTotals(doc.rows, doc.Freight, doc.VATIncluded);
}

/** Copies a document's rows negated (credit invoices): quantity and AMOUNT discounts flip sign, prices stay. */
export function negatedRows(rows: DocRow[]): DocRow[] {
  return rows.map((r) => ({
    ...r,
    DeliveredQuantity: negate(r.DeliveredQuantity),
    OrderedQuantity: undefined,
    Discount: r.DiscountType === "AMOUNT" ? negate(r.Discount) : r.Discount,
  }));
}

const num = (d: Dec) => decToJson(d);

export function renderRow(r: DocRow, total: bigint, isOrder: boolean): Record<string, unknown> {
  return {
    RowId: r.RowId,
    ArticleNumber: r.ArticleNumber || null,
    Description: r.Description,
    ...(isOrder ? { OrderedQuantity: num(r.OrderedQuantity ?? r.DeliveredQuantity) } : {}),
    DeliveredQuantity: num(r.DeliveredQuantity),
    Price: num(r.Price),
    VAT: r.VAT,
    AccountNumber: r.AccountNumber,
    Discount: num(r.Discount),
    DiscountType: r.DiscountType,
    Unit: r.Unit || null,
    CostCenter: r.CostCenter || null,
    Project: r.Project || null,
    Total: oreToJson(total),
    HouseWork: false,
  };
}

/** Header fields as Fortnox renders them; references and numbers as strings (real API quirk). */
export function renderHeader(doc: DocHeader, customer: Customer | undefined): Record<string, unknown> {
  const t = doc.totals;
  return {
    DocumentNumber: String(doc.DocumentNumber),
    CustomerNumber: doc.CustomerNumber,
    OrganisationNumber: customer?.text.OrganisationNumber ?? "",
    Currency: doc.Currency,
    CurrencyRate: num(doc.CurrencyRate),
    CurrencyUnit: num(doc.CurrencyUnit),
    VATIncluded: doc.VATIncluded,
    Language: doc.Language,
    TermsOfPayment: doc.TermsOfPayment,
    PriceList: doc.PriceList,
    Cancelled: doc.Cancelled,
    ...renderText(doc.text, HEADER_TEXT_FIELDS),
    EmailInformation: { ...doc.EmailInformation },
    Freight: oreToJson(doc.Freight),
    FreightVAT: oreToJson(t.freightVAT),
    AdministrationFee: 0,
    AdministrationFeeVAT: 0,
    // Simulator has no administration fee, so Gross (net amount before VAT) equals Net.
    Gross: oreToJson(t.net),
    Net: oreToJson(t.net),
    TotalVAT: oreToJson(t.totalVAT),
    Total: oreToJson(t.total),
    RoundOff: 0,
    TotalToPay: oreToJson(t.total),
    NotCompleted: false,
    Labels: [],
  };
}

/** Fortnox OCR: number + length digit + Luhn check digit (invoice 18 -> "1842"). */
export function ocrFor(documentNumber: number): string {
  const base = String(documentNumber);
  const withLength = base + String((base.length + 2) % 10);
  let sum = 0;
  for (let i = 0; i < withLength.length; i++) {
    let d = Number(withLength[withLength.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return withLength + String((10 - (sum % 10)) % 10);
}
