/**
 * Exact decimal arithmetic for the simulator. Money is held as integer öre (bigint) and
 * quantities/prices as scaled integers, so a total like 3 × 33.33 is always 99.99 and the
 * simulator can be used to catch a client's float rounding bugs instead of adding its own.
 *
 * Inputs arrive as decimal text (see json.ts), never as binary floats.
 */

/** value = units / 10^scale, e.g. 199.2 -> { units: 1992n, scale: 1 }. */
export interface Dec {
  units: bigint;
  scale: number;
}

const DECIMAL_RE = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
/** Refuse absurd inputs ("1e999999") instead of allocating huge bigints. */
const MAX_DIGITS = 30;

/** Parses a decimal literal such as "199.20", "-5", "1.5e1". Returns null when it is not one. */
export function parseDec(text: string): Dec | null {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m) return null;
  const [, sign, intPart, fracPart = "", expPart] = m;
  const exp = expPart === undefined ? 0 : Number(expPart);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > MAX_DIGITS) return null;
  let digits = (intPart + fracPart).replace(/^0+(?=\d)/, "");
  let scale = fracPart.length - exp;
  if (scale < 0) {
    digits += "0".repeat(-scale);
    scale = 0;
  }
  if (digits.length > 2 * MAX_DIGITS) return null;
  const units = BigInt(digits) * (sign ? -1n : 1n);
  return normalize({ units, scale });
}

/** Strips trailing zero decimals: 199.20 -> 199.2 (so `scale` = number of significant decimals). */
export function normalize(d: Dec): Dec {
  let { units, scale } = d;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale--;
  }
  return { units, scale };
}

export function decFromInt(n: number | bigint): Dec {
  return { units: BigInt(n), scale: 0 };
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Integer division rounding half away from zero, so that a credit (negated) document is the exact mirror of the original. */
export function divRound(numerator: bigint, denominator: bigint): bigint {
  if (denominator < 0n) return divRound(-numerator, -denominator);
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  const q = (abs * 2n + denominator) / (denominator * 2n);
  return negative ? -q : q;
}

/** Rescales to `places` decimals, rounding half away from zero. */
export function rescale(d: Dec, places: number): bigint {
  if (d.scale <= places) return d.units * pow10(places - d.scale);
  return divRound(d.units, pow10(d.scale - places));
}

/** Converts a decimal amount to integer öre; caller has already checked it has at most 2 decimals. */
export function toOre(d: Dec): bigint {
  return rescale(d, 2);
}

/** a × b, exact (no rounding). */
export function mulDec(a: Dec, b: Dec): Dec {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** round(a × b) to öre, exact. */
export function mulToOre(a: Dec, b: Dec): bigint {
  return rescale({ units: a.units * b.units, scale: a.scale + b.scale }, 2);
}

/** a − b, exactly. */
export function subDec(a: Dec, b: Dec): Dec {
  const scale = Math.max(a.scale, b.scale);
  return normalize({ units: rescale(a, scale) - rescale(b, scale), scale });
}

export function negate(d: Dec): Dec {
  return { units: -d.units, scale: d.scale };
}

export function isZero(d: Dec): boolean {
  return d.units === 0n;
}

export function compareDec(a: Dec, b: Dec): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.units * pow10(scale - a.scale);
  const y = b.units * pow10(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function decToString(d: Dec): string {
  const n = normalize(d);
  const negative = n.units < 0n;
  const abs = (negative ? -n.units : n.units).toString().padStart(n.scale + 1, "0");
  const intPart = abs.slice(0, abs.length - n.scale);
  const frac = abs.slice(abs.length - n.scale);
  return (negative ? "-" : "") + intPart + (frac ? "." + frac : "");
}

export function oreToString(ore: bigint): string {
  return decToString({ units: ore, scale: 2 });
}

/**
 * For JSON output only: both APIs return amounts as JSON numbers ("Total": 1234.5).
 * Number() of the exact decimal text yields the double whose shortest representation IS
 * that text, so JSON.stringify prints exactly the decimal we computed (no arithmetic on floats).
 */
export function decToJson(d: Dec): number {
  return Number(decToString(d));
}

export function oreToJson(ore: bigint): number {
  return Number(oreToString(ore));
}
