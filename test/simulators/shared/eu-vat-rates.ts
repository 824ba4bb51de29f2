/**
 * VAT rates of the other 26 EU member states in 2026, for OSS (One-Stop-Shop) sales to
 * consumers: a Swedish company that has activated OSS books such sales at the destination
 * country's rate. Keyed by ISO 3166-1 alpha-2 (Greece is GR here; only its VAT numbers use EL),
 * because customer cards in both Fortnox and Visma carry an ISO country code.
 *
 * Standard rate first, then the reduced, super-reduced and parking rates. 0 % is left out: it
 * is a Swedish rate and valid for every customer anyway. Regional rates (Greek islands,
 * Azores/Madeira, Corsica) are left out too; only the national rates are listed.
 *
 * Rates are written as decimal literals (25.5, 5.5, 2.1); totals.ts turns them back into exact
 * decimals through their shortest string form, so no arithmetic ever happens on the float.
 *
 * Changes taken into account (they differ from older tables):
 *   EE 24 from 2025-07; RO 21/11 from 2025-08; SK 23/19/5 from 2025;
 *   FI 14 -> 13.5 from 2026-01-01; LT 9 -> 12 (and books 5) from 2026-01-01;
 *   AT 4.9 on basic foods from 2026-07-01.
 */
export const EU_VAT_RATES_2026: Readonly<Record<string, readonly number[]>> = {
  AT: [20, 13, 10, 4.9],
  BE: [21, 12, 6],
  BG: [20, 9],
  CY: [19, 9, 5, 3],
  CZ: [21, 12],
  DE: [19, 7],
  DK: [25],
  EE: [24, 13, 9],
  ES: [21, 10, 4],
  FI: [25.5, 13.5, 10],
  FR: [20, 10, 5.5, 2.1],
  GR: [24, 13, 6],
  HR: [25, 13, 5],
  HU: [27, 18, 5],
  IE: [23, 13.5, 9, 4.8],
  IT: [22, 10, 5, 4],
  LT: [21, 12, 5],
  LU: [17, 14, 8, 3],
  LV: [21, 12, 5],
  MT: [18, 12, 7, 5],
  NL: [21, 9],
  PL: [23, 8, 5],
  PT: [23, 13, 6],
  RO: [21, 11],
  SI: [22, 9.5, 5],
  SK: [23, 19, 5],
};

/** The destination rates OSS allows for `country`; empty for Sweden and for non-EU countries. */
export function ossRates(country: string | undefined): readonly number[] {
  return country !== undefined && Object.hasOwn(EU_VAT_RATES_2026, country) ? EU_VAT_RATES_2026[country] : [];
}
