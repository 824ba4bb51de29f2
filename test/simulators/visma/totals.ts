/**
 * Document arithmetic, exact in integer öre (of the document's currency):
 *
 *   row amount = round2(UnitPrice × Quantity × (1 − DiscountPercentage))   half away from zero
 *   IncludesVat (rows are gross):  Total = Σ rows,  VAT per rate = round2(gross_r × r / (1 + r))
 *   otherwise   (rows are net):    Net   = Σ rows,  VAT per rate = round2(net_r × r),  Total = Net + VAT
 *   company-currency amounts = round2(amount × CurrencyRate)
 *
 * No öresavrundning: TotalRoundings is always 0. Rounding half away from zero makes a credit
 * (negative quantities) the exact mirror of its original.
 *
 * Each row also shows both its net and gross amount (TotalAmountNoVatInvoiceCurrency /
 * TotalAmountIncVatInvoiceCurrency, the names of the real convert-validation rows). The one in
 * the price basis IS the row amount; the other applies the rate to that row alone, so the rows'
 * derived side can differ by an öre from the per-rate VAT: the document totals are what count.
 */
import { type Dec, decToString, divRound, mulDec, rescale } from "../shared/money.js";
import type { DocTotals } from "./state.js";

export interface PricedRow {
  amount: bigint;
  noVat: bigint;
  incVat: bigint;
}

const ONE = (scale: number) => 10n ** BigInt(scale);

/** VAT in `amount` öre at fraction `rate` (0.25): on top (net) or included (gross). */
export function vatOf(amount: bigint, rate: Dec, gross: boolean): bigint {
  return divRound(amount * rate.units, gross ? ONE(rate.scale) + rate.units : ONE(rate.scale));
}

export function priceRow(unitPrice: Dec, quantity: Dec, discount: Dec, rate: Dec, gross: boolean): PricedRow {
  const keep: Dec = { units: ONE(discount.scale) - discount.units, scale: discount.scale };
  const amount = rescale(mulDec(mulDec(unitPrice, quantity), keep), 2);
  const vat = vatOf(amount, rate, gross);
  return gross ? { amount, incVat: amount, noVat: amount - vat } : { amount, noVat: amount, incVat: amount + vat };
}

export function documentTotals(rows: { amount: bigint; rate: Dec }[], gross: boolean, currencyRate: Dec): DocTotals {
  const groups = new Map<string, { rate: Dec; sum: bigint }>();
  for (const r of rows) {
    const key = decToString(r.rate);
    const g = groups.get(key) ?? { rate: r.rate, sum: 0n };
    g.sum += r.amount;
    groups.set(key, g);
  }
  let vat = 0n;
  for (const g of groups.values()) vat += vatOf(g.sum, g.rate, gross);
  const sum = rows.reduce((a, r) => a + r.amount, 0n);
  const total = gross ? sum : sum + vat;
  const domestic = (ore: bigint) => rescale({ units: ore * currencyRate.units, scale: 2 + currencyRate.scale }, 2);
  return { total, vat, totalDomestic: domestic(total), vatDomestic: domestic(vat) };
}
