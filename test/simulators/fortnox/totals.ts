/**
 * Document totals, computed exactly in integer öre.
 *
 *   row base   = round(Price × DeliveredQuantity)                    (to öre)
 *   row total  = base − discount
 *                PERCENT: discount = round(base × Discount / 100)
 *                AMOUNT:  discount = Discount (an amount for the whole row)
 *   VATIncluded=true  (row totals include VAT):
 *                Total    = Σ rows + Freight
 *                TotalVAT = Σ_rate round(group × rate / (100 + rate))
 *                Net      = Total − TotalVAT
 *   VATIncluded=false:
 *                Net      = Σ rows + Freight
 *                TotalVAT = Σ_rate round(group × rate / 100)
 *                Total    = Net + TotalVAT
 *
 * Rounding is half away from zero so a credit invoice (negated quantities) is the exact
 * mirror of its original. No öresavrundning: RoundOff is always 0.
 *
 * SIMULATOR ASSUMPTION: Freight carries 25 % VAT (Fortnox's default freight VAT) and is
 * therefore added to the 25 % group; FreightVAT reports its share on its own.
 */
import { type Dec, divRound, mulToOre, parseDec, toOre } from "../shared/money.js";

export const FREIGHT_VAT_RATE = 25;

export interface RowInput {
  DeliveredQuantity: Dec;
  Price: Dec;
  VAT: number;
  Discount: Dec;
  DiscountType: "AMOUNT" | "PERCENT";
}

export interface Totals {
  rowTotals: bigint[];
  net: bigint;
  totalVAT: bigint;
  total: bigint;
  freightVAT: bigint;
  /** VAT per rate, e.g. 25 -> 2500n (öre), for tests and debugging. */
  vatByRate: Map<number, bigint>;
}

export function rowTotal(row: RowInput): bigint {
  const base = mulToOre(row.Price, row.DeliveredQuantity);
  const discount =
    row.DiscountType === "PERCENT"
      ? divRound(base * row.Discount.units, 100n * 10n ** BigInt(row.Discount.scale))
      : toOre(row.Discount);
  return base - discount;
}

/**
 * VAT on `amount` öre at `rate` percent, rounded half away from zero. The rate goes through
 * its shortest decimal text (25.5 -> 255/10), so a fractional OSS rate is as exact as 25:
 *   on top:    amount × r / 100          = amount × units / (100 × 10^scale)
 *   included:  amount × r / (100 + r)    = amount × units / (100 × 10^scale + units)
 */
function vatOf(amount: bigint, rate: number, vatIncluded: boolean): bigint {
  const r = parseDec(String(rate));
  if (!r) throw new Error(`not a VAT rate: ${rate}`);
  const hundred = 100n * 10n ** BigInt(r.scale);
  return divRound(amount * r.units, vatIncluded ? hundred + r.units : hundred);
}

export function computeTotals(rows: RowInput[], freight: bigint, vatIncluded: boolean): Totals {
  const rowTotals = rows.map(rowTotal);
  const groups = new Map<number, bigint>();
  rows.forEach((row, i) => groups.set(row.VAT, (groups.get(row.VAT) ?? 0n) + rowTotals[i]));
  if (freight !== 0n) groups.set(FREIGHT_VAT_RATE, (groups.get(FREIGHT_VAT_RATE) ?? 0n) + freight);

  const vatByRate = new Map<number, bigint>();
  let totalVAT = 0n;
  for (const [rate, amount] of groups) {
    const vat = vatOf(amount, rate, vatIncluded);
    vatByRate.set(rate, vat);
    totalVAT += vat;
  }
  const sum = rowTotals.reduce((a, b) => a + b, 0n) + freight;
  const freightVAT = vatOf(freight, FREIGHT_VAT_RATE, vatIncluded);
  if (vatIncluded) return { rowTotals, total: sum, totalVAT, net: sum - totalVAT, freightVAT, vatByRate };
  return { rowTotals, net: sum, totalVAT, total: sum + totalVAT, freightVAT, vatByRate };
}
