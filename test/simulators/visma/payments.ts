/**
 * POST /v2/customerinvoices/{id}/payments — a payment on a booked invoice. The API has no GET
 * for payments (a client reads RemainingAmount*); the control API lists them.
 *
 * PaymentType: 1 partial (≤ remaining), 2 complete (= remaining), 3 rounding and 4 bank charge
 * (≤ remaining; the rest is written off as rounding / bank fee, so the invoice is settled).
 * Foreign invoices need DomesticPaymentAmount; once nothing remains in the invoice currency
 * the company-currency remainder is 0 too (the difference is an exchange gain or loss).
 */
import { randomUUID } from "node:crypto";
import { swedishToday } from "../shared/dates.js";
import { oreToJson, toOre } from "../shared/money.js";
import { type RestContext, type RestResult, created, reference, requireBody } from "./common.js";
import { ErrorCode, badRequest, fieldError } from "./errors.js";
import { date, decimal, guid, int, obj, parseWith, req, text } from "./fields.js";
import { renderDate, type Invoice, type Payment, utcNow } from "./state.js";

const paymentSchema = obj({
  PaymentDate: req(date()),
  PaymentAmount: req(decimal(2)),
  PaymentCurrency: req(text(3)),
  PaymentType: req(int()),
  CompanyBankAccountId: req(guid()),
  DomesticPaymentAmount: decimal(2),
  Reference: text(50),
});

const abs = (n: bigint) => (n < 0n ? -n : n);

export function renderPayment(p: Payment): Record<string, unknown> {
  return {
    Id: p.Id,
    CustomerInvoiceId: p.CustomerInvoiceId,
    PaymentDate: renderDate(p.PaymentDate),
    PaymentAmount: oreToJson(p.amount),
    PaymentCurrency: p.PaymentCurrency,
    PaymentType: p.PaymentType,
    DomesticPaymentAmount: oreToJson(p.domesticAmount),
    Reference: p.Reference,
  };
}

export function registerPayment(ctx: RestContext, invoice: Invoice): RestResult {
  const { company } = ctx;
  const input = parseWith(paymentSchema, requireBody(ctx));
  reference(company.bankAccounts, input.CompanyBankAccountId, "CompanyBankAccountId", "CompanyBankAccount");
  if (input.PaymentDate > swedishToday()) {
    throw badRequest(ErrorCode.FUTURE_DATE, "PaymentDate cannot be in the future", [{ Field: "PaymentDate", ErrorCode: "FutureDateCannotBeSet", Message: "PaymentDate cannot be in the future" }]);
  }
  if (![1, 2, 3, 4].includes(input.PaymentType)) throw fieldError("PaymentType", "InvalidValue", "PaymentType must be 1, 2, 3 or 4");
  if (input.PaymentCurrency !== invoice.InvoiceCurrencyCode) throw fieldError("PaymentCurrency", "Mismatch", `The invoice is in ${invoice.InvoiceCurrencyCode}`);

  const amount = toOre(input.PaymentAmount);
  const remaining = invoice.remainingInvoiceCurrency;
  if (amount === 0n) throw fieldError("PaymentAmount", "OutOfRange", "PaymentAmount cannot be 0");
  if (amount < 0n !== invoice.totals.total < 0n) throw fieldError("PaymentAmount", "InvalidSign", "PaymentAmount must have the sign of the invoice total");
  if (abs(amount) > abs(remaining)) throw fieldError("PaymentAmount", "OutOfRange", `PaymentAmount exceeds the remaining ${oreToJson(remaining)}`);
  if (input.PaymentType === 2 && amount !== remaining) throw fieldError("PaymentAmount", "Mismatch", `A complete payment must equal the remaining ${oreToJson(remaining)}`);

  const foreign = invoice.InvoiceCurrencyCode !== company.CurrencyCode;
  let domestic = amount;
  if (foreign) {
    if (input.DomesticPaymentAmount === undefined) throw fieldError("DomesticPaymentAmount", "Required", "DomesticPaymentAmount is required for a foreign-currency invoice");
    domestic = toOre(input.DomesticPaymentAmount);
    if (domestic < 0n !== amount < 0n || domestic === 0n) throw fieldError("DomesticPaymentAmount", "InvalidSign", "DomesticPaymentAmount must have the sign of PaymentAmount");
  } else if (input.DomesticPaymentAmount !== undefined) {
    // Real code 4039 NoDomesticAmountAllowedOnDomesticInvoices (research B.4).
    throw badRequest(4039, "DomesticPaymentAmount is not allowed on a domestic invoice", [{ Field: "DomesticPaymentAmount", ErrorCode: "NotAllowed", Message: "Not allowed on a domestic invoice" }]);
  }

  const settles = input.PaymentType === 3 || input.PaymentType === 4;
  invoice.remainingInvoiceCurrency = settles ? 0n : remaining - amount;
  invoice.remaining = invoice.remainingInvoiceCurrency === 0n ? 0n : invoice.remaining - domestic;
  if (invoice.PaymentDate === null || input.PaymentDate > invoice.PaymentDate) invoice.PaymentDate = input.PaymentDate;
  invoice.ChangedUtc = utcNow();

  const payment: Payment = {
    Id: randomUUID(),
    CustomerInvoiceId: invoice.Id,
    PaymentDate: input.PaymentDate,
    amount,
    PaymentCurrency: input.PaymentCurrency,
    PaymentType: input.PaymentType,
    domesticAmount: domestic,
    Reference: input.Reference ?? null,
    CompanyBankAccountId: input.CompanyBankAccountId,
  };
  company.payments.set(payment.Id, payment);
  return created(renderPayment(payment));
}
