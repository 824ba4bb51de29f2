// Which VAT regime an order falls under, decided from where the goods go and who buys them.
// Pure and isomorphic: the admin's preview and the worker decide the same way.
//   domestic           seller and destination in the same country: Swedish rates (25/12/6/0 %)
//   eu_oss             another EU country, consumer: destination rates as Shopify charged them (OSS)
//   eu_reverse_charge  another EU country, company with a VAT number: 0 %, the buyer accounts for VAT
//   export             outside the EU: 0 %

export type VatRegime = "domestic" | "eu_oss" | "eu_reverse_charge" | "export";

export const EU_COUNTRIES = new Set([
  "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
  "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
]);

/** VAT numbers carry the country's prefix, except Greece, whose prefix is EL. */
const vatPrefix = (country: string) => (country === "GR" ? "EL" : country);

/** Format check only (VIES would be the authority): prefix of the destination country, 2–13 characters. */
export function vatNumberLooksValid(vatNumber: string | undefined, country: string): boolean {
  if (!vatNumber) return false;
  const v = vatNumber.replace(/[\s.-]/g, "").toUpperCase();
  return v.startsWith(vatPrefix(country)) && /^[A-Z]{2}[0-9A-Z]{2,13}$/.test(v);
}

export function normaliseVatNumber(vatNumber: string): string {
  return vatNumber.replace(/[\s.-]/g, "").toUpperCase();
}

export interface RegimeInput {
  shopCountry: string;
  destinationCountry: string;
  isCompany: boolean;
  vatNumber?: string;
  /** Shopify charged no VAT on the order (a tax-exempt B2B customer, typically). */
  taxFree: boolean;
}

export type RegimeDecision = { regime: VatRegime } | { issue: "vat_number_missing" };

export function decideRegime(input: RegimeInput): RegimeDecision {
  const to = input.destinationCountry;
  if (to === input.shopCountry) return { regime: "domestic" };
  if (!EU_COUNTRIES.has(to)) return { regime: "export" };
  if (input.isCompany && vatNumberLooksValid(input.vatNumber, to)) return { regime: "eu_reverse_charge" };
  // Shopify treated the buyer as VAT-exempt, but without a VAT number reverse charge cannot apply.
  if (input.isCompany && input.taxFree) return { issue: "vat_number_missing" };
  return { regime: "eu_oss" };
}
