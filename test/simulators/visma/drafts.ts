/**
 * /v2/customerinvoicedrafts — editable drafts, and `convert`, which books one as an
 * immutable customer invoice (the only way the simulator creates invoices).
 */
import { randomUUID } from "node:crypto";
import { addDays, today } from "../shared/dates.js";
import { type Dec, compareDec, decToJson, oreToJson, parseDec } from "../shared/money.js";
import { type RestContext, type RestResult, activeCustomer, byPathId, created, noContent, ok, requireBody } from "./common.js";
import { ErrorCode, badRequest, fieldError } from "./errors.js";
import { bool, date, decimal, guid, int, list, obj, parseWith, req, text } from "./fields.js";
import { DRAFT_FIELDS, renderDocument, renderInvoice } from "./documents.js";
import { listPage } from "./lists.js";
import { priceRows, rowsTotals } from "./rows.js";
import { type Company, type Customer, type Draft, type Invoice, utcNow } from "./state.js";
import { includesVat } from "./vat.js";

const rowSchema = obj({
  LineNumber: int(),
  IsTextRow: req(bool()),
  ReversedConstructionServicesVatFree: req(bool()),
  Text: text(2000),
  ArticleId: guid(),
  Quantity: decimal(2),
  UnitPrice: decimal(4),
  DiscountPercentage: decimal(4),
});

const draftSchema = obj({
  CustomerId: req(guid()),
  EuThirdParty: req(bool()),
  RotReducedInvoicingType: req(int()),
  Rows: list(rowSchema),
  IsCreditInvoice: bool(),
  InvoiceDate: date(),
  DueDate: date(),
  YourReference: text(50),
  OurReference: text(50),
  BuyersOrderReference: text(35),
  CurrencyRate: decimal(6),
  ReplaceUnitPriceWhenZero: bool(),
});
export type DraftInput = ReturnType<typeof draftSchema.parse>;

/** Booking needs a fiscal year for the date; convert additionally needs it unlocked. */
export function fiscalYearFor(company: Company, date: string) {
  const fy = company.fiscalYears.get(Number(date.slice(0, 4)));
  if (!fy) throw badRequest(ErrorCode.NO_FISCAL_YEAR, `No fiscal year for ${date}`, [{ Field: "InvoiceDate", ErrorCode: "FiscalYearDoesNotExist", Message: `No fiscal year for ${date}` }]);
  return fy;
}

/** The rate from the body (foreign currency only), else the seeded rate; 1 at home. */
function currencyRate(company: Company, customer: Customer, given: Dec | undefined): Dec {
  const foreign = customer.CurrencyCode !== company.CurrencyCode;
  if (given !== undefined) {
    if (!foreign) throw fieldError("CurrencyRate", "NotAllowed", "CurrencyRate is only allowed when the customer's currency is foreign");
    if (given.units <= 0n) throw fieldError("CurrencyRate", "OutOfRange", "CurrencyRate must be greater than 0");
    return given;
  }
  return foreign ? (company.currencyRates.get(customer.CurrencyCode) ?? parseDec("1")!) : parseDec("1")!;
}

/** Builds a draft from already-parsed input; shared with order convert. */
export function buildDraft(company: Company, input: DraftInput, id: string, createdFromOrderId: string | null = null): Draft {
  if (input.RotReducedInvoicingType !== 0) throw fieldError("RotReducedInvoicingType", "InvalidValue", "Only 0 (no ROT/RUT) is supported");
  const customer = activeCustomer(company, input.CustomerId);
  const invoiceDate = input.InvoiceDate ?? today();
  fiscalYearFor(company, invoiceDate);
  const terms = company.termsOfPayments.get(customer.TermsOfPaymentId);
  const dueDate = input.DueDate ?? addDays(invoiceDate, terms?.NumberOfDays ?? 0);
  if (dueDate < invoiceDate) throw fieldError("DueDate", "OutOfRange", "DueDate is before InvoiceDate");
  const rate = currencyRate(company, customer, input.CurrencyRate);
  const gross = includesVat(company, customer);
  const foreign = customer.CurrencyCode !== company.CurrencyCode;
  const rows = priceRows(company, customer, input.Rows, { gross, foreign, replaceUnitPriceWhenZero: input.ReplaceUnitPriceWhenZero ?? false });
  const totals = rowsTotals(rows, gross, rate);
  const isCredit = input.IsCreditInvoice ?? false;
  if (isCredit ? totals.total > 0n : totals.total < 0n) {
    throw fieldError("IsCreditInvoice", "InvalidSign", isCredit ? "A credit invoice's total must be zero or negative" : "An invoice's total must be zero or positive");
  }
  const now = utcNow();
  return {
    Id: id,
    CustomerId: customer.Id,
    IsCreditInvoice: isCredit,
    InvoiceDate: invoiceDate,
    DueDate: dueDate,
    EuThirdParty: input.EuThirdParty,
    RotReducedInvoicingType: 0,
    YourReference: input.YourReference ?? null,
    OurReference: input.OurReference ?? null,
    BuyersOrderReference: input.BuyersOrderReference ?? null,
    InvoiceCurrencyCode: customer.CurrencyCode,
    CurrencyRate: rate,
    IncludesVat: gross,
    ReplaceUnitPriceWhenZero: input.ReplaceUnitPriceWhenZero ?? false,
    Rows: rows,
    totals,
    CreatedFromOrderId: createdFromOrderId,
    CreatedUtc: now,
    ChangedUtc: now,
  };
}

const convertSchema = obj({
  TotalAmountInvoiceCurrency: decimal(2),
  TotalVatAmountInvoiceCurrency: decimal(2),
  TotalRoundingsInvoiceCurrency: decimal(2),
});

const get = (company: Company, id: string): Draft => byPathId(company.drafts, id, "CustomerInvoiceDraft");

/**
 * Draft -> booked invoice. Totals the client sends are checked against ours, so a client that
 * computed differently learns it before anything is booked; nothing changes on any error.
 */
function convert(ctx: RestContext, id: string): RestResult {
  const { company } = ctx;
  const draft = get(company, id);
  const expected = ctx.body === undefined ? {} : parseWith(convertSchema, ctx.body);
  const computed: Record<keyof typeof expected, bigint> = { TotalAmountInvoiceCurrency: draft.totals.total, TotalVatAmountInvoiceCurrency: draft.totals.vat, TotalRoundingsInvoiceCurrency: 0n };
  for (const [field, value] of Object.entries(expected) as [keyof typeof expected, Dec | undefined][]) {
    if (value !== undefined && compareDec(value, { units: computed[field], scale: 2 }) !== 0) {
      throw fieldError(field, "Mismatch", `${field} ${decToJson(value)} differs from the computed ${oreToJson(computed[field])}`);
    }
  }
  if (fiscalYearFor(company, draft.InvoiceDate).locked) {
    throw badRequest(ErrorCode.CANNOT_BOOKKEEP, `The fiscal year of ${draft.InvoiceDate} is locked`);
  }
  const invoice: Invoice = {
    ...draft,
    Id: randomUUID(),
    InvoiceNumber: company.nextInvoiceNumber++,
    CreatedFromDraftId: draft.Id,
    remainingInvoiceCurrency: draft.totals.total,
    remaining: draft.totals.totalDomestic,
    PaymentDate: null,
    ChangedUtc: utcNow(),
  };
  company.drafts.delete(draft.Id);
  company.invoices.set(invoice.Id, invoice);
  return created(renderInvoice(invoice));
}

export const drafts = {
  list: (ctx: RestContext): RestResult => ok(listPage(ctx.query, [...ctx.company.drafts.values()].map(renderDocument), DRAFT_FIELDS)),
  get: (ctx: RestContext, id: string): RestResult => ok(renderDocument(get(ctx.company, id))),
  create(ctx: RestContext): RestResult {
    const d = buildDraft(ctx.company, parseWith(draftSchema, requireBody(ctx)), randomUUID());
    ctx.company.drafts.set(d.Id, d);
    return created(renderDocument(d));
  },
  update(ctx: RestContext, id: string): RestResult {
    const existing = get(ctx.company, id);
    const d = buildDraft(ctx.company, parseWith(draftSchema, requireBody(ctx)), existing.Id, existing.CreatedFromOrderId);
    d.CreatedUtc = existing.CreatedUtc;
    ctx.company.drafts.set(d.Id, d);
    return ok(renderDocument(d));
  },
  remove(ctx: RestContext, id: string): RestResult {
    ctx.company.drafts.delete(get(ctx.company, id).Id);
    return noContent();
  },
  actions: { convert },
};
