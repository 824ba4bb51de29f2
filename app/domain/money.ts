// Money is exact: amounts travel as decimal strings ("199.20") and are computed in integer minor
// units (öre). Never parse money with parseFloat.

const DECIMAL = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

export function isDecimal(value: string): boolean {
  return DECIMAL.test(value);
}

/** "199.2" → 19920. Throws on anything that is not a plain decimal with at most 2 decimals. */
export function toMinor(value: string): number {
  const m = DECIMAL.exec(value.trim());
  if (!m) throw new Error(`not a money amount: ${JSON.stringify(value)}`);
  const minor = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  if (!Number.isSafeInteger(minor)) throw new Error(`money amount out of range: ${value}`);
  return m[1] ? -minor : minor;
}

/** 19920 → "199.20" */
export function fromMinor(minor: number): string {
  if (!Number.isSafeInteger(minor)) throw new Error(`not an integer minor amount: ${minor}`);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/**
 * For JSON APIs that take numbers (Fortnox): the decimal text of the amount as a JSON number.
 * JSON.stringify(Number("199.20")) prints 199.2, the same decimal, so nothing is lost.
 */
export function minorToJsonNumber(minor: number): number {
  return Number(fromMinor(minor));
}

/** A JSON number from an API ("199.2", 1500) → minor units, via its decimal text. */
export function jsonNumberToMinor(value: number | string): number {
  const text = typeof value === "number" ? value.toFixed(2) : value;
  return toMinor(text);
}

export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** An amount in a foreign currency in the shop's, at `rate` (shop currency per 1 unit, a decimal string), half away from zero. */
export function atRate(minor: number, rate: string): number {
  const [whole, frac = ""] = rate.split(".");
  const micro = BigInt(whole) * 1_000_000n + BigInt(frac.padEnd(6, "0").slice(0, 6));
  const scaled = BigInt(minor) * micro;
  const half = scaled < 0n ? -500_000n : 500_000n;
  return Number((scaled + half) / 1_000_000n);
}

/** n ÷ d in whole units, half away from zero, as the accounting systems round öre. */
export function roundDiv(n: number, d: number): number {
  const q = Math.floor((Math.abs(n) * 2 + Math.abs(d)) / (2 * Math.abs(d)));
  return (n < 0) !== (d < 0) ? -q : q;
}
