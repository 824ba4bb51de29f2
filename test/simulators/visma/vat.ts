/**
 * The VAT rate of a document row. Visma takes no VAT on rows (research B.7): it follows from
 * the article's account coding and the customer's situation.
 *   - customer in SE:                         the coding's rate
 *   - other EU country, company customer with
 *     a VAT number:                           0 (reverse charge)
 *   - other EU country otherwise (consumer):  OSS on  -> destination rate: coding 25 % -> the
 *                                             country's standard rate, 12/6 % -> its highest
 *                                             reduced rate (standard if it has none), 0 -> 0;
 *                                             OSS off -> the coding's (Swedish) rate
 *   - any other country:                      0 (export)
 * DeliveryBasedVat is stored but not used: the simulator has no delivery address.
 */
import { EU_VAT_RATES_2026, ossRates } from "../shared/eu-vat-rates.js";
import { type Dec, parseDec } from "../shared/money.js";
import type { Coding, Company, Customer } from "./state.js";

const ZERO: Dec = { units: 0n, scale: 0 };

/** 25.5 (percent, as the table writes it) -> 0.255, exact via its shortest decimal text. */
function fraction(percent: number): Dec {
  const p = parseDec(String(percent))!;
  return { units: p.units, scale: p.scale + 2 };
}

export const isEuCountry = (country: string) => country === "SE" || Object.hasOwn(EU_VAT_RATES_2026, country);

export function rowVatRate(company: Company, customer: Customer, coding: Coding): Dec {
  const country = customer.InvoiceCountryCode;
  if (country === "SE") return coding.rate;
  if (!isEuCountry(country)) return ZERO;
  if (!customer.IsPrivatePerson && customer.VatNumber) return ZERO;
  if (!company.oss) return coding.rate;
  if (coding.percent === 0) return ZERO;
  const rates = ossRates(country);
  return fraction(coding.percent === 25 ? rates[0] : (rates[1] ?? rates[0]));
}

/** Whether prices on the customer's documents include VAT (read-only IncludesVat). */
export const includesVat = (company: Company, customer: Customer) => customer.IsPrivatePerson && !company.ShowPricesExclVatPC;
