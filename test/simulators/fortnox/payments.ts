/**
 * /3/invoicepayments — customer payments. A payment only settles its invoice once it is
 * booked (PUT /{n}/bookkeep); then Balance drops and, when fully paid, FinalPayDate is set.
 */
import { type RestContext, type RestResult, checkAccount, created, mergeText, noQuery, ok, pick, renderText, requireBody, required } from "./common.js";
import { ErrorCode, FortnoxError, badRequest, notFound } from "./errors.js";
import { date, decimal, ident, int, list, obj, parseWith, text } from "./fields.js";
import { type Dec, compareDec, decToJson, oreToJson, parseDec, toOre } from "../shared/money.js";
import { type ListSpec, runListQuery } from "./query.js";
import { today } from "../shared/dates.js";
import { type Invoice, type Payment, type Tenant, type WriteOff } from "./state.js";

const TEXT_FIELDS = ["ExternalInvoiceReference1", "ExternalInvoiceReference2"] as const;

const writeOffSchema = obj({
  Amount: decimal(2),
  AccountNumber: int(),
  TransactionInformation: text(100),
  CostCenter: text(10),
  Project: text(20),
});

const paymentSchema = obj({
  InvoiceNumber: ident(20, /^\d+$/),
  Amount: decimal(2),
  AmountCurrency: decimal(2),
  CurrencyRate: decimal(6),
  CurrencyUnit: decimal(2),
  PaymentDate: date(),
  ModeOfPayment: text(10),
  ModeOfPaymentAccount: int(),
  ExternalInvoiceReference1: text(80),
  ExternalInvoiceReference2: text(80),
  WriteOffs: list(writeOffSchema),
});
const envelope = obj({ InvoicePayment: paymentSchema });

export function getPayment(tenant: Tenant, n: string): Payment {
  const p = /^\d+$/.test(n) ? tenant.payments.get(Number(n)) : undefined;
  if (!p) throw notFound(ErrorCode.PAYMENT_NOT_FOUND, "Kan inte hitta inbetalningen.");
  return p;
}

function renderPayment(p: Payment, tenant: Tenant, apiUrl: string): Record<string, unknown> {
  const inv = tenant.invoices.get(p.InvoiceNumber);
  return {
    "@url": `${apiUrl}/invoicepayments/${p.Number}`,
    Number: p.Number,
    InvoiceNumber: p.InvoiceNumber,
    Amount: oreToJson(p.Amount),
    AmountCurrency: oreToJson(p.AmountCurrency),
    Currency: p.Currency,
    CurrencyRate: decToJson(p.CurrencyRate),
    CurrencyUnit: decToJson(p.CurrencyUnit),
    PaymentDate: p.PaymentDate,
    ModeOfPayment: p.ModeOfPayment,
    ModeOfPaymentAccount: p.ModeOfPaymentAccount,
    Booked: p.Booked,
    Source: "direct",
    VoucherNumber: p.VoucherNumber,
    VoucherSeries: p.Booked ? "C" : null,
    VoucherYear: p.Booked ? 1 : null,
    InvoiceCustomerName: inv?.text.CustomerName ?? null,
    InvoiceCustomerNumber: inv?.CustomerNumber ?? null,
    InvoiceDueDate: inv?.DueDate ?? null,
    InvoiceOCR: inv?.OCR ?? null,
    InvoiceTotal: inv ? oreToJson(inv.totals.total) : null,
    WriteOffExist: p.WriteOffs.length > 0,
    WriteOffs: p.WriteOffs.map((w) => ({
      Amount: oreToJson(w.Amount),
      AccountNumber: w.AccountNumber,
      TransactionInformation: w.TransactionInformation,
      CostCenter: w.CostCenter || null,
      Project: w.Project || null,
    })),
    ...renderText(p.text, TEXT_FIELDS),
  };
}

const LIST_FIELDS = ["@url", "Amount", "Booked", "Currency", "CurrencyRate", "CurrencyUnit", "InvoiceNumber", "Number", "PaymentDate", "Source", "WriteOffExist"];

const listSpec: ListSpec<Payment> = {
  // Compared as text (ILIKE), so invoicenumber=1 also returns payments for invoice 10, 11, ...
  search: { invoicenumber: (p) => String(p.InvoiceNumber) },
  filters: {},
  sort: { paymentdate: (p) => p.PaymentDate, number: (p) => p.Number },
  defaultSort: (p) => p.Number,
  date: (p) => p.PaymentDate,
  lastModified: (p) => p.lastModified,
};

/** Re-derives Balance/FinalPayDate from the booked payments (amounts in invoice currency). */
export function settleInvoice(tenant: Tenant, inv: Invoice): void {
  const booked = [...tenant.payments.values()].filter((p) => p.InvoiceNumber === inv.DocumentNumber && p.Booked);
  const paid = booked.reduce((sum, p) => sum + p.AmountCurrency + p.WriteOffs.reduce((s, w) => s + w.Amount, 0n), 0n);
  const total = inv.totals.total;
  const fullyPaid = booked.length > 0 && (total >= 0n ? paid >= total : paid <= total);
  inv.Balance = fullyPaid ? 0n : total - paid;
  inv.FinalPayDate = fullyPaid ? booked.map((p) => p.PaymentDate).sort().at(-1)! : null;
  inv.lastModified = Date.now();
}

export const payments = {
  list(ctx: RestContext): RestResult {
    const { items, meta } = runListQuery(ctx.query, [...ctx.tenant.payments.values()], listSpec);
    return ok({ MetaInformation: meta, InvoicePayments: items.map((p) => pick(renderPayment(p, ctx.tenant, ctx.apiUrl), LIST_FIELDS)) });
  },

  get(ctx: RestContext, id: string): RestResult {
    return ok({ InvoicePayment: renderPayment(getPayment(ctx.tenant, id), ctx.tenant, ctx.apiUrl) });
  },

  create(ctx: RestContext): RestResult {
    const tenant = ctx.tenant;
    const input = parseWith(envelope, requireBody(ctx)).InvoicePayment;
    if (input.InvoiceNumber === undefined) throw required("InvoiceNumber");
    const inv = tenant.invoices.get(Number(input.InvoiceNumber));
    if (!inv) throw badRequest(ErrorCode.INVOICE_NOT_FOUND, `Kan inte hitta fakturan (${input.InvoiceNumber})`);
    if (inv.Cancelled) throw badRequest(ErrorCode.DOCUMENT_STATE, "Fakturan är makulerad");
    // ASSUMED (ACCRUAL companies): payments are registered on booked invoices only; the
    // production integrations studied always bookkeep first.
    if (!inv.Booked) throw badRequest(ErrorCode.DOCUMENT_STATE, "Fakturan måste vara bokförd innan en inbetalning kan registreras");
    if (input.Amount === undefined) throw required("Amount");

    const paymentDate = input.PaymentDate ?? today();
    if (paymentDate < inv.InvoiceDate) {
      throw badRequest(ErrorCode.PAYMENT_DATE, `Betalningsdatum (${paymentDate}) får inte vara före fakturadatum (${inv.InvoiceDate})`);
    }
    let account = input.ModeOfPaymentAccount;
    if (input.ModeOfPayment !== undefined) {
      const mode = tenant.modesOfPayments.get(input.ModeOfPayment);
      if (!mode) throw badRequest(ErrorCode.MODE_OF_PAYMENT_NOT_FOUND, `Kan inte hitta betalsättet. (${input.ModeOfPayment})`);
      account ??= mode.AccountNumber;
    }
    account ??= 1930;
    checkAccount(tenant, account, "ModeOfPaymentAccount");

    const amountCurrency = paymentAmountInInvoiceCurrency(inv, input.Amount, input.AmountCurrency);
    const writeOffs: WriteOff[] = (input.WriteOffs ?? []).map((w) => {
      if (w.Amount === undefined) throw required("WriteOffs.Amount");
      if (w.AccountNumber === undefined) throw required("WriteOffs.AccountNumber");
      checkAccount(tenant, w.AccountNumber, "WriteOffs.AccountNumber");
      return { Amount: toOre(w.Amount), AccountNumber: w.AccountNumber, TransactionInformation: w.TransactionInformation ?? "", CostCenter: w.CostCenter ?? "", Project: w.Project ?? "" };
    });

    const number = ++tenant.seq.payment;
    const payment: Payment = {
      Number: number,
      InvoiceNumber: inv.DocumentNumber,
      Amount: toOre(input.Amount),
      AmountCurrency: amountCurrency,
      Currency: inv.Currency,
      CurrencyRate: input.CurrencyRate ?? inv.CurrencyRate,
      CurrencyUnit: input.CurrencyUnit ?? inv.CurrencyUnit,
      PaymentDate: paymentDate,
      ModeOfPayment: input.ModeOfPayment ?? "",
      ModeOfPaymentAccount: account,
      Booked: false,
      WriteOffs: writeOffs,
      text: {},
      VoucherNumber: null,
      lastModified: Date.now(),
    };
    mergeText(payment.text, input, TEXT_FIELDS);
    tenant.payments.set(number, payment);
    ctx.sim.stats.created.payments++;
    return created({ InvoicePayment: renderPayment(payment, tenant, ctx.apiUrl) });
  },

  /** Unbooked payments may be deleted. */
  remove(ctx: RestContext, id: string): RestResult {
    const p = getPayment(ctx.tenant, id);
    if (p.Booked) throw badRequest(ErrorCode.DOCUMENT_STATE, "En bokförd inbetalning kan inte tas bort");
    ctx.tenant.payments.delete(p.Number);
    return { status: 204, body: undefined };
  },

  actions: {
    bookkeep(ctx: RestContext, id: string): RestResult {
      noQuery(ctx);
      const p = getPayment(ctx.tenant, id);
      if (p.Booked) throw badRequest(ErrorCode.DOCUMENT_STATE, "Inbetalningen är redan bokförd");
      p.Booked = true;
      p.VoucherNumber = ++ctx.tenant.seq.voucher;
      p.lastModified = Date.now();
      const inv = ctx.tenant.invoices.get(p.InvoiceNumber);
      if (inv) settleInvoice(ctx.tenant, inv);
      return ok({ InvoicePayment: renderPayment(p, ctx.tenant, ctx.apiUrl) });
    },
  },
};

/**
 * Amount is always SEK. For a foreign-currency invoice the amount in invoice currency
 * (AmountCurrency) is required, since that is what settles the invoice's Balance.
 */
function paymentAmountInInvoiceCurrency(inv: Invoice, amount: Dec, amountCurrency: Dec | undefined): bigint {
  if (inv.Currency === "SEK") {
    if (amountCurrency !== undefined && compareDec(amountCurrency, amount) !== 0) {
      throw badRequest(ErrorCode.PAYMENT_CURRENCY, "AmountCurrency måste vara lika med Amount för en faktura i SEK");
    }
    return toOre(amount);
  }
  if (amountCurrency === undefined) {
    throw new FortnoxError(400, ErrorCode.PAYMENT_CURRENCY, `AmountCurrency krävs för en faktura i ${inv.Currency}`);
  }
  if (compareDec(amountCurrency, parseDec("0")!) === 0 && compareDec(amount, parseDec("0")!) !== 0) {
    throw badRequest(ErrorCode.PAYMENT_CURRENCY, "AmountCurrency saknas");
  }
  return toOre(amountCurrency);
}
