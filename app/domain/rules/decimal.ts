// Exact decimal arithmetic for templates: a merchant's `{{ order.total_price | times: 0.8 }}`
// must give the öre an accountant would, so numbers are integers scaled by a power of ten
// (BigInt), never JS floats. Division keeps DIVISION_SCALE decimals, rounded half away from zero.

export interface Decimal {
  units: bigint;
  scale: number;
}

const DECIMAL_TEXT = /^([+-])?(\d+)(?:\.(\d+))?$/;
const DIVISION_SCALE = 10;

/** "199.20", "-3", "0.8" → Decimal; anything else (including "1e3", "1,5") → null. */
export function parseDecimal(text: string): Decimal | null {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (!m) return null;
  const frac = m[3] ?? "";
  const units = BigInt(m[2] + frac);
  return { units: m[1] === "-" ? -units : units, scale: frac.length };
}

export function formatDecimal(d: Decimal): string {
  const negative = d.units < 0n;
  const digits = (negative ? -d.units : d.units).toString().padStart(d.scale + 1, "0");
  const whole = digits.slice(0, digits.length - d.scale);
  const frac = d.scale ? `.${digits.slice(digits.length - d.scale)}` : "";
  return `${negative ? "-" : ""}${whole}${frac}`;
}

const pow10 = (n: number) => 10n ** BigInt(n);

function rescale(d: Decimal, scale: number): Decimal {
  return scale >= d.scale ? { units: d.units * pow10(scale - d.scale), scale } : roundTo(d, scale);
}

/** Drops trailing zeros below `min` decimals: 159.360 → 159.36, but never below what the inputs had. */
function trim(d: Decimal, min: number): Decimal {
  let { units, scale } = d;
  while (scale > min && units % 10n === 0n) { units /= 10n; scale--; }
  return { units, scale };
}

/** a ÷ b rounded half away from zero. */
function divRound(a: bigint, b: bigint): bigint {
  const negative = (a < 0n) !== (b < 0n);
  const [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  const q = (2n * x + y) / (2n * y);
  return negative ? -q : q;
}

/** Rounds to `scale` decimals, half away from zero, as the accounting systems round öre. */
export function roundTo(d: Decimal, scale: number): Decimal {
  if (scale >= d.scale) return { units: d.units * pow10(scale - d.scale), scale };
  return { units: divRound(d.units, pow10(d.scale - scale)), scale };
}

/** Drops the decimals (towards zero). */
export function truncateTo(d: Decimal, scale: number): Decimal {
  if (scale >= d.scale) return rescale(d, scale);
  return { units: d.units / pow10(d.scale - scale), scale };
}

export function add(a: Decimal, b: Decimal): Decimal {
  const s = Math.max(a.scale, b.scale);
  return { units: rescale(a, s).units + rescale(b, s).units, scale: s };
}

export function subtract(a: Decimal, b: Decimal): Decimal {
  return add(a, { units: -b.units, scale: b.scale });
}

export function multiply(a: Decimal, b: Decimal): Decimal {
  return trim({ units: a.units * b.units, scale: a.scale + b.scale }, Math.max(a.scale, b.scale));
}

/** null when dividing by zero. */
export function divide(a: Decimal, b: Decimal): Decimal | null {
  if (b.units === 0n) return null;
  // a/b at DIVISION_SCALE: (a.units·10^(DS + b.scale − a.scale)) / b.units, scaled to stay integral.
  const shift = DIVISION_SCALE + b.scale - a.scale;
  const numerator = shift >= 0 ? a.units * pow10(shift) : a.units;
  const denominator = shift >= 0 ? b.units : b.units * pow10(-shift);
  return trim({ units: divRound(numerator, denominator), scale: DIVISION_SCALE }, Math.max(a.scale, b.scale));
}

export function compare(a: Decimal, b: Decimal): number {
  const s = Math.max(a.scale, b.scale);
  const [x, y] = [rescale(a, s).units, rescale(b, s).units];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Groups thousands and picks the decimal mark: sv "1 234,50", en "1,234.50". */
export function formatGrouped(d: Decimal, locale: "sv" | "en"): string {
  const [sign, rest] = formatDecimal(d).startsWith("-") ? ["-", formatDecimal(d).slice(1)] : ["", formatDecimal(d)];
  const [whole, frac] = rest.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, locale === "sv" ? " " : ",");
  return `${sign}${grouped}${frac !== undefined ? (locale === "sv" ? "," : ".") + frac : ""}`;
}
