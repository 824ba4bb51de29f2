/**
 * /3/invoices — lifecycle per research A.10:
 *   created (Booked false, Balance = Total) -> bookkeep (immutable) -> payments -> fully paid
 *   unbooked -> cancel;  booked -> credit (new linked credit invoice).
 */
import { type RestContext, type RestResult, created, noQuery, ok, pick, requireBody } from "./common.js";
import {
  type HeaderInput,
  type RowInput,
  applyHeader,
  headerShape,
  invoiceRowSchema,
  negatedRows,
  newHeader,
  ocrFor,
  recompute,
  renderHeader,
  renderRow,
  requireCustomer,
} from "./documents.js";
import { ErrorCode, badRequest, notFound } from "./errors.js";
import { bool, date, list, obj, oneOf, parseWith, text } from "./fields.js";
import { oreToJson, subDec } from "../shared/money.js";
import { type ListSpec, runListQuery } from "./query.js";
import { addDays, today } from "../shared/dates.js";
import { type DocRow, type Invoice, type Order, type Tenant } from "./state.js";

const invoiceSchema = obj({
  ...headerShape,
  InvoiceDate: date(),
  DueDate: date(),
  InvoiceType: oneOf(["INVOICE", "AGREEMENTINVOICE", "INTRESTINVOICE", "SUMMARYINVOICE", "CASHINVOICE"]),
  PaymentWay: oneOf(["CASH", "CARD", "AG"]),
  EUQuarterlyReport: bool(),
  OCR: text(30),
  InvoiceRows: list(invoiceRowSchema),
});
const envelope = obj({ Invoice: invoiceSchema });
type InvoiceInput = HeaderInput & {
  InvoiceDate?: string;
  DueDate?: string;
  InvoiceType?: string;
  PaymentWay?: string;
  EUQuarterlyReport?: boolean;
  OCR?: string;
  InvoiceRows?: RowInput[] | null;
};

export function getInvoice(tenant: Tenant, n: string | number): Invoice {
  const inv = /^\d+$/.test(String(n)) ? tenant.invoices.get(Number(n)) : undefined;
  if (!inv) throw notFound(ErrorCode.INVOICE_NOT_FOUND, "Kan inte hitta fakturan.");
  return inv;
}

export function renderInvoice(inv: Invoice, tenant: Tenant, apiUrl: string): Record<string, unknown> {
  return {
    "@url": `${apiUrl}/invoices/${inv.DocumentNumber}`,
    ...renderHeader(inv, tenant.customers.get(inv.CustomerNumber)),
    InvoiceDate: inv.InvoiceDate,
    DueDate: inv.DueDate,
    InvoiceType: inv.InvoiceType,
    PaymentWay: inv.text.PaymentWay || null,
    AccountingMethod: "ACCRUAL",
    Booked: inv.Booked,
    Credit: String(inv.Credit),
    CreditInvoiceReference: String(inv.CreditInvoiceReference),
    InvoiceReference: String(inv.InvoiceReference),
    OrderReference: String(inv.OrderReference),
    OfferReference: "0",
    ContractReference: "0",
    OCR: inv.OCR,
    Balance: oreToJson(inv.Balance),
    FinalPayDate: inv.FinalPayDate,
    Sent: inv.Sent,
    EUQuarterlyReport: inv.EUQuarterlyReport,
    VoucherNumber: inv.VoucherNumber,
    VoucherSeries: inv.VoucherSeries,
    VoucherYear: inv.VoucherYear,
    Reminders: 0,
    LastRemindDate: null,
    HouseWork: false,
    InvoiceRows: inv.rows.map((r, i) => renderRow(r, inv.totals.rowTotals[i], false)),
  };
}

const LIST_FIELDS = [
  "@url", "Balance", "Booked", "Cancelled", "CostCenter", "Credit", "Currency", "CurrencyRate", "CurrencyUnit",
  "CustomerName", "CustomerNumber", "DocumentNumber", "DueDate", "ExternalInvoiceReference1", "ExternalInvoiceReference2",
  "FinalPayDate", "InvoiceDate", "InvoiceType", "OCR", "Project", "Sent", "TermsOfPayment", "Total", "VoucherNumber",
  "VoucherSeries", "VoucherYear", "WayOfDelivery", "YourOrderNumber",
];

const isUnpaid = (i: Invoice) => i.Booked && !i.Cancelled && i.Balance !== 0n;

const listSpec: ListSpec<Invoice> = {
  search: {
    credit: (i) => String(i.Credit),
    currency: (i) => i.Currency,
    customername: (i) => i.text.CustomerName ?? "",
    customernumber: (i) => i.CustomerNumber,
    documentnumber: (i) => String(i.DocumentNumber),
    externalinvoicereference1: (i) => i.text.ExternalInvoiceReference1 ?? "",
    externalinvoicereference2: (i) => i.text.ExternalInvoiceReference2 ?? "",
    invoicetype: (i) => i.InvoiceType,
    ocr: (i) => i.OCR,
    ourreference: (i) => i.text.OurReference ?? "",
    yourreference: (i) => i.text.YourReference ?? "",
    yourordernumber: (i) => i.text.YourOrderNumber ?? "",
    sent: (i) => String(i.Sent),
  },
  filters: {
    cancelled: (i) => i.Cancelled,
    fullypaid: (i) => !i.Cancelled && i.FinalPayDate !== null,
    unpaid: isUnpaid,
    unpaidoverdue: (i, now) => isUnpaid(i) && i.DueDate < now,
    unbooked: (i) => !i.Booked && !i.Cancelled,
  },
  sort: {
    customername: (i) => i.text.CustomerName ?? "",
    customernumber: (i) => i.CustomerNumber,
    documentnumber: (i) => i.DocumentNumber,
    invoicedate: (i) => i.InvoiceDate,
    ocr: (i) => i.OCR,
    total: (i) => i.totals.total,
  },
  defaultSort: (i) => i.DocumentNumber,
  date: (i) => i.InvoiceDate,
  lastModified: (i) => i.lastModified,
};

function termsDays(tenant: Tenant, code: string): number {
  return tenant.termsOfPayments.get(code)?.NumberOfDays ?? 30;
}

/** Creates and stores a new invoice; shared by POST, order->invoice and credit. */
export function insertInvoice(ctx: RestContext, init: (inv: Invoice) => void): Invoice {
  const tenant = ctx.tenant;
  const number = tenant.seq.invoice + 1;
  const inv = {} as Invoice;
  init(inv); // may throw a validation error: nothing has been stored or numbered yet
  inv.DocumentNumber = number;
  inv.OCR ||= ocrFor(number);
  recompute(inv);
  inv.Balance = inv.totals.total;
  tenant.seq.invoice = number;
  tenant.invoices.set(number, inv);
  ctx.sim.stats.created.invoices++;
  return inv;
}

function blankInvoice(tenant: Tenant, customerNumber: string | undefined): Invoice {
  const customer = requireCustomer(tenant, customerNumber);
  const invoiceDate = today();
  return {
    ...newHeader(tenant, 0, customer),
    InvoiceDate: invoiceDate,
    DueDate: addDays(invoiceDate, termsDays(tenant, customer.TermsOfPayment)),
    InvoiceType: "INVOICE",
    Booked: false,
    Credit: false,
    CreditInvoiceReference: 0,
    InvoiceReference: 0,
    OrderReference: 0,
    OCR: "",
    Balance: 0n,
    FinalPayDate: null,
    Sent: false,
    EUQuarterlyReport: false,
    VoucherNumber: null,
    VoucherSeries: null,
    VoucherYear: null,
  };
}

/** Applies invoice-specific fields; validates dates before anything is changed. */
function applyInvoice(tenant: Tenant, inv: Invoice, input: InvoiceInput): void {
  const invoiceDate = input.InvoiceDate ?? inv.InvoiceDate;
  const terms = input.TermsOfPayment ?? inv.TermsOfPayment;
  // DueDate follows InvoiceDate + terms unless given explicitly.
  const dueDate =
    input.DueDate ??
    (input.InvoiceDate !== undefined || input.TermsOfPayment !== undefined ? addDays(invoiceDate, termsDays(tenant, terms)) : inv.DueDate);
  if (dueDate < invoiceDate) throw badRequest(ErrorCode.INVALID_VALUE, "Förfallodatum kan inte vara före fakturadatum");
  applyHeader(tenant, inv, input, input.InvoiceRows ?? (input.InvoiceRows === null ? [] : undefined), false);
  inv.InvoiceDate = invoiceDate;
  inv.DueDate = dueDate;
  if (input.InvoiceType !== undefined) inv.InvoiceType = input.InvoiceType;
  if (input.PaymentWay !== undefined) inv.text.PaymentWay = input.PaymentWay;
  if (input.EUQuarterlyReport !== undefined) inv.EUQuarterlyReport = input.EUQuarterlyReport;
  if (input.OCR !== undefined) inv.OCR = input.OCR;
}

function assertEditable(inv: Invoice): void {
  if (inv.Booked) throw badRequest(ErrorCode.DOCUMENT_LOCKED, "Fakturan är bokförd och kan inte ändras");
  if (inv.Cancelled) throw badRequest(ErrorCode.DOCUMENT_LOCKED, "Fakturan är makulerad och kan inte ändras");
}

/** Invoice created from an order (PUT /orders/{n}/createinvoice). */
export function invoiceFromOrder(ctx: RestContext, order: Order): Invoice {
  return insertInvoice(ctx, (inv) => {
    Object.assign(inv, blankInvoice(ctx.tenant, order.CustomerNumber), {
      Currency: order.Currency,
      CurrencyRate: order.CurrencyRate,
      CurrencyUnit: order.CurrencyUnit,
      VATIncluded: order.VATIncluded,
      Freight: order.Freight,
      Language: order.Language,
      TermsOfPayment: order.TermsOfPayment,
      PriceList: order.PriceList,
      text: { ...order.text },
      EmailInformation: { ...order.EmailInformation },
      rows: order.rows.map((r) => ({ ...r, OrderedQuantity: undefined })),
      OrderReference: order.DocumentNumber,
    });
    inv.DueDate = addDays(inv.InvoiceDate, termsDays(ctx.tenant, inv.TermsOfPayment));
  });
}

export const invoices = {
  list(ctx: RestContext): RestResult {
    const { items, meta } = runListQuery(ctx.query, [...ctx.tenant.invoices.values()], listSpec);
    return ok({ MetaInformation: meta, Invoices: items.map((i) => pick(renderInvoice(i, ctx.tenant, ctx.apiUrl), LIST_FIELDS)) });
  },

  get(ctx: RestContext, id: string): RestResult {
    return ok({ Invoice: renderInvoice(getInvoice(ctx.tenant, id), ctx.tenant, ctx.apiUrl) });
  },

  create(ctx: RestContext): RestResult {
    const input = parseWith(envelope, requireBody(ctx)).Invoice as InvoiceInput;
    const inv = insertInvoice(ctx, (draft) => {
      Object.assign(draft, blankInvoice(ctx.tenant, input.CustomerNumber));
      applyInvoice(ctx.tenant, draft, input);
    });
    return created({ Invoice: renderInvoice(inv, ctx.tenant, ctx.apiUrl) });
  },

  update(ctx: RestContext, id: string): RestResult {
    const inv = getInvoice(ctx.tenant, id);
    const input = parseWith(envelope, requireBody(ctx)).Invoice as InvoiceInput;
    assertEditable(inv);
    applyInvoice(ctx.tenant, inv, input);
    inv.Balance = inv.totals.total; // unbooked invoices cannot have payments
    return ok({ Invoice: renderInvoice(inv, ctx.tenant, ctx.apiUrl) });
  },

  actions: {
    // Booking an invoice takes its stock articles' quantities out of stock (a credit's negative rows put them back).
    bookkeep(ctx: RestContext, id: string): RestResult {
      noQuery(ctx);
      const inv = getInvoice(ctx.tenant, id);
      if (inv.Cancelled) throw badRequest(ErrorCode.DOCUMENT_STATE, "Fakturan är makulerad och kan inte bokföras");
      if (inv.Booked) throw badRequest(ErrorCode.DOCUMENT_STATE, "Fakturan är redan bokförd");
      inv.Booked = true;
      moveStock(ctx.tenant, inv.rows);
      inv.VoucherNumber = ++ctx.tenant.seq.voucher;
      inv.VoucherSeries = "B";
      inv.VoucherYear = 1;
      inv.lastModified = Date.now();
      return ok({ Invoice: renderInvoice(inv, ctx.tenant, ctx.apiUrl) });
    },

    cancel(ctx: RestContext, id: string): RestResult {
      noQuery(ctx);
      const inv = getInvoice(ctx.tenant, id);
      if (inv.Booked) throw badRequest(ErrorCode.DOCUMENT_STATE, "Fakturan är bokförd och kan inte makuleras");
      if (inv.Cancelled) throw badRequest(ErrorCode.DOCUMENT_STATE, "Fakturan är redan makulerad");
      inv.Cancelled = true;
      inv.lastModified = Date.now();
      return ok({ Invoice: renderInvoice(inv, ctx.tenant, ctx.apiUrl) });
    },

    /**
     * Full credit of a booked invoice. Returns the ORIGINAL invoice, whose
     * CreditInvoiceReference points at the new credit invoice (research: return shape unconfirmed;
     * production code reads CreditInvoiceReference from the response).
     */
    credit(ctx: RestContext, id: string): RestResult {
      noQuery(ctx);
      const orig = getInvoice(ctx.tenant, id);
      if (!orig.Booked) throw badRequest(ErrorCode.DOCUMENT_STATE, "Endast bokförda fakturor kan krediteras");
      if (orig.Cancelled) throw badRequest(ErrorCode.DOCUMENT_STATE, "Fakturan är makulerad");
      if (orig.Credit) throw badRequest(ErrorCode.DOCUMENT_STATE, "En kreditfaktura kan inte krediteras");
      // ASSUMED: a second full credit is refused (the invoice is already fully credited).
      if (orig.CreditInvoiceReference !== 0) throw badRequest(ErrorCode.DOCUMENT_STATE, "Fakturan är redan krediterad");
      const credit = insertInvoice(ctx, (inv) => {
        Object.assign(inv, blankInvoice(ctx.tenant, orig.CustomerNumber), {
          Currency: orig.Currency,
          CurrencyRate: orig.CurrencyRate,
          CurrencyUnit: orig.CurrencyUnit,
          VATIncluded: orig.VATIncluded,
          Freight: -orig.Freight,
          Language: orig.Language,
          TermsOfPayment: orig.TermsOfPayment,
          PriceList: orig.PriceList,
          InvoiceType: orig.InvoiceType,
          text: { ...orig.text },
          EmailInformation: { ...orig.EmailInformation },
          rows: negatedRows(orig.rows),
          Credit: true,
          InvoiceReference: orig.DocumentNumber,
        });
      });
      orig.CreditInvoiceReference = credit.DocumentNumber;
      orig.lastModified = Date.now();
      return ok({ Invoice: renderInvoice(orig, ctx.tenant, ctx.apiUrl) });
    },
  },

  /** GET /3/invoices/{n}/email — "sends" the invoice: needs a recipient, sets Sent. */
  email(ctx: RestContext, id: string): RestResult {
    noQuery(ctx);
    const inv = getInvoice(ctx.tenant, id);
    if (inv.Cancelled) throw badRequest(ErrorCode.DOCUMENT_STATE, "Fakturan är makulerad");
    if (!inv.EmailInformation.EmailAddressTo) throw badRequest(ErrorCode.REQUIRED_FIELD, "E-postadress saknas (EmailAddressTo)");
    inv.Sent = true;
    inv.lastModified = Date.now();
    return ok({ Invoice: renderInvoice(inv, ctx.tenant, ctx.apiUrl) });
  },
};

/** Stock follows booked invoices for articles kept in stock (StockGoods); others have no stock to move. */
function moveStock(tenant: Tenant, rows: DocRow[]): void {
  for (const row of rows) {
    const article = row.ArticleNumber ? tenant.articles.get(row.ArticleNumber) : undefined;
    if (!article?.StockGoods) continue;
    article.QuantityInStock = subDec(article.QuantityInStock, row.DeliveredQuantity);
    article.lastModified = Date.now();
  }
}
