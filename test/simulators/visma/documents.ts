/**
 * How drafts and booked invoices are rendered (they share all draft fields), and the
 * top-level names a $filter may use on each.
 */
import { decToJson, oreToJson } from "../shared/money.js";
import { renderRow, renderTotals } from "./rows.js";
import { type Draft, type Invoice, renderDate } from "./state.js";

/** The fields drafts and invoices share, in the API's names. */
export function renderDocument(d: Draft): Record<string, unknown> {
  return {
    Id: d.Id,
    CustomerId: d.CustomerId,
    IsCreditInvoice: d.IsCreditInvoice,
    InvoiceDate: renderDate(d.InvoiceDate),
    DueDate: renderDate(d.DueDate),
    EuThirdParty: d.EuThirdParty,
    RotReducedInvoicingType: d.RotReducedInvoicingType,
    YourReference: d.YourReference,
    OurReference: d.OurReference,
    BuyersOrderReference: d.BuyersOrderReference,
    InvoiceCurrencyCode: d.InvoiceCurrencyCode,
    CurrencyRate: decToJson(d.CurrencyRate),
    IncludesVat: d.IncludesVat,
    ReplaceUnitPriceWhenZero: d.ReplaceUnitPriceWhenZero,
    Rows: d.Rows.map(renderRow),
    ...renderTotals(d.totals),
    CreatedFromOrderId: d.CreatedFromOrderId,
    CreatedUtc: d.CreatedUtc,
    ChangedUtc: d.ChangedUtc,
  };
}

export const DRAFT_FIELDS = Object.keys(renderDocument(buildFieldsSample()));

/** Field names only; the values are never read. */
function buildFieldsSample(): Draft {
  const zero = { total: 0n, vat: 0n, totalDomestic: 0n, vatDomestic: 0n };
  return { Id: "", CustomerId: "", IsCreditInvoice: false, InvoiceDate: "", DueDate: "", EuThirdParty: false, RotReducedInvoicingType: 0, YourReference: null, OurReference: null, BuyersOrderReference: null, InvoiceCurrencyCode: "", CurrencyRate: { units: 1n, scale: 0 }, IncludesVat: false, ReplaceUnitPriceWhenZero: false, Rows: [], totals: zero, CreatedFromOrderId: null, CreatedUtc: "", ChangedUtc: "" };
}

/** PaymentStatus: 0 Paid, 1 Unpaid (the simulator never reports 2 Overdue). */
export function renderInvoice(i: Invoice): Record<string, unknown> {
  const { CreatedUtc: _created, ...doc } = renderDocument(i);
  return {
    ...doc,
    InvoiceNumber: i.InvoiceNumber,
    CreatedFromDraftId: i.CreatedFromDraftId,
    RemainingAmountInvoiceCurrency: oreToJson(i.remainingInvoiceCurrency),
    RemainingAmount: oreToJson(i.remaining),
    PaymentStatus: i.remainingInvoiceCurrency === 0n ? 0 : 1,
    PaymentDate: renderDate(i.PaymentDate),
  };
}

export const INVOICE_FIELDS = [...DRAFT_FIELDS.filter((f) => f !== "CreatedUtc"), "InvoiceNumber", "CreatedFromDraftId", "RemainingAmountInvoiceCurrency", "RemainingAmount", "PaymentStatus", "PaymentDate"];

