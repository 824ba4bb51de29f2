/**
 * Which VAT rates a document row may carry. The company's own (Swedish) rates are always
 * valid. A company that has activated OSS may also book a sale to an EU consumer at the
 * destination country's rate; the destination is the customer card's CountryCode and the
 * consumer is marked by VATType EUVAT. Anything else fails like an unknown rate does today.
 */
import { vatNotFound } from "./common.js";
import { ossRates } from "../shared/eu-vat-rates.js";
import type { Customer, Tenant } from "./state.js";

export function isDocumentVatAllowed(tenant: Tenant, customer: Customer, vat: number): boolean {
  if (tenant.vatRates.includes(vat)) return true;
  if (!tenant.oss || customer.VATType !== "EUVAT") return false;
  // No CountryCode means no destination, so no foreign rate can be right.
  return ossRates(customer.text.CountryCode || undefined).includes(vat);
}

export function checkDocumentVat(tenant: Tenant, customer: Customer, vat: number): void {
  if (!isDocumentVatAllowed(tenant, customer, vat)) throw vatNotFound(vat);
}

/** Free rows at an OSS rate: the account for EU sales subject to VAT, as on an article's EUVATAccount. */
export const OSS_DEFAULT_ACCOUNT = 3106;
