/**
 * Document rows shared by drafts and orders: validation that depends on the row kind and the
 * invoice currency, article price fallback, VAT from the coding and customer (vat.ts), and the
 * exact row amounts (totals.ts).
 */
import { type Dec, decToJson, oreToJson } from "../shared/money.js";
import { activeArticle, codingOf } from "./common.js";
import { fieldError } from "./errors.js";
import type { Company, Customer, DocRow, DocTotals } from "./state.js";
import { documentTotals, priceRow } from "./totals.js";
import { rowVatRate } from "./vat.js";

export interface RowInput {
  LineNumber?: number;
  IsTextRow: boolean;
  Text?: string;
  ArticleId?: string;
  Quantity?: Dec;
  UnitPrice?: Dec;
  DiscountPercentage?: Dec;
  /** Draft rows: a VAT-free reversed construction service row (0 %). */
  ReversedConstructionServicesVatFree?: boolean;
}

export interface RowOptions {
  /** Rows are gross (IncludesVat). */
  gross: boolean;
  /** Invoice currency is not the company currency: unit prices may have 4 decimals. */
  foreign: boolean;
  replaceUnitPriceWhenZero: boolean;
}

const ZERO: Dec = { units: 0n, scale: 0 };

export function priceRows(company: Company, customer: Customer, rows: RowInput[], opts: RowOptions): DocRow[] {
  if (rows.length === 0) throw fieldError("Rows", "Required", "At least one row is required");
  return rows.map((r, i): DocRow => {
    const at = (f: string) => `Rows[${i}].${f}`;
    const lineNumber = r.LineNumber ?? i + 1;
    if (r.IsTextRow) {
      if (!r.Text) throw fieldError(at("Text"), "Required", "Text is required on a text row");
      return { LineNumber: lineNumber, IsTextRow: true, Text: r.Text, ArticleId: null, ArticleNumber: null, Quantity: null, UnitPrice: null, DiscountPercentage: ZERO, vatRate: null, noVat: 0n, incVat: 0n };
    }
    if (r.ArticleId === undefined) throw fieldError(at("ArticleId"), "Required", "ArticleId is required on an article row");
    if (r.Quantity === undefined) throw fieldError(at("Quantity"), "Required", "Quantity is required on an article row");
    const article = activeArticle(company, r.ArticleId, at("ArticleId"));
    if (r.UnitPrice && !opts.foreign && r.UnitPrice.scale > 2) throw fieldError(at("UnitPrice"), "TooManyDecimals", "At most 2 decimals in the company currency");
    const discount = r.DiscountPercentage ?? ZERO;
    if (discount.units < 0n || discount.units > 10n ** BigInt(discount.scale)) throw fieldError(at("DiscountPercentage"), "OutOfRange", "DiscountPercentage is a fraction from 0 to 1");
    const articlePrice = (opts.gross ? article.GrossPrice : article.NetPrice) ?? ZERO;
    const useArticlePrice = r.UnitPrice === undefined || (r.UnitPrice.units === 0n && opts.replaceUnitPriceWhenZero);
    const unitPrice = useArticlePrice ? articlePrice : r.UnitPrice!;
    const rate = r.ReversedConstructionServicesVatFree ? ZERO : rowVatRate(company, customer, codingOf(company, article));
    const priced = priceRow(unitPrice, r.Quantity, discount, rate, opts.gross);
    return {
      LineNumber: lineNumber,
      IsTextRow: false,
      Text: r.Text ?? article.Name,
      ArticleId: article.Id,
      ArticleNumber: article.Number,
      Quantity: r.Quantity,
      UnitPrice: unitPrice,
      DiscountPercentage: discount,
      vatRate: rate,
      noVat: priced.noVat,
      incVat: priced.incVat,
    };
  });
}

export function rowsTotals(rows: DocRow[], gross: boolean, currencyRate: Dec): DocTotals {
  const priced = rows.filter((r) => !r.IsTextRow).map((r) => ({ amount: gross ? r.incVat : r.noVat, rate: r.vatRate! }));
  return documentTotals(priced, gross, currencyRate);
}

export function renderRow(r: DocRow): Record<string, unknown> {
  return {
    LineNumber: r.LineNumber,
    IsTextRow: r.IsTextRow,
    Text: r.Text,
    ArticleId: r.ArticleId,
    ArticleNumber: r.ArticleNumber,
    Quantity: r.Quantity === null ? null : decToJson(r.Quantity),
    UnitPrice: r.UnitPrice === null ? null : decToJson(r.UnitPrice),
    DiscountPercentage: decToJson(r.DiscountPercentage),
    VatRatePercent: r.vatRate === null ? null : decToJson(r.vatRate),
    TotalAmountNoVatInvoiceCurrency: oreToJson(r.noVat),
    TotalAmountIncVatInvoiceCurrency: oreToJson(r.incVat),
  };
}

/** Document totals under the API's names, in the invoice currency and the company currency. */
export function renderTotals(t: DocTotals): Record<string, number> {
  return {
    TotalAmountInvoiceCurrency: oreToJson(t.total),
    TotalVatAmountInvoiceCurrency: oreToJson(t.vat),
    TotalRoundingsInvoiceCurrency: 0,
    TotalAmount: oreToJson(t.totalDomestic),
    TotalVatAmount: oreToJson(t.vatDomestic),
    TotalRoundings: 0,
  };
}
