/**
 * Shared plumbing for the REST resource modules: the per-request context, envelope
 * handling and reference-data lookups that several entities validate against.
 */
import { ErrorCode, badRequest } from "./errors.js";
import { ISO_COUNTRIES } from "../shared/countries.js";
import type { JsonValue } from "../shared/json.js";
import { type Dec, decToString } from "../shared/money.js";
import type { SimState, Tenant } from "./state.js";

export interface RestContext {
  tenant: Tenant;
  sim: SimState;
  query: URLSearchParams;
  /** Parsed JSON body, undefined when the request had none. */
  body: JsonValue | undefined;
  /** Origin + "/3", used for "@url" fields. */
  apiUrl: string;
}

export interface RestResult {
  status: number;
  body: unknown;
}

export const ok = (body: unknown): RestResult => ({ status: 200, body });
export const created = (body: unknown): RestResult => ({ status: 201, body });

/** POST/PUT bodies are wrapped in the entity name: {"Invoice": {...}}. */
export function requireBody(ctx: RestContext): JsonValue {
  if (ctx.body === undefined) throw badRequest(ErrorCode.NO_DATA, "Ingen eller felaktig typ av data.");
  return ctx.body;
}

/** Endpoints like /bookkeep take no parameters; anything in the query string is a mistake. */
export function noQuery(ctx: RestContext): void {
  for (const key of ctx.query.keys()) throw badRequest(ErrorCode.INVALID_PARAMETER, `Ogiltig parameter i anropet. (${key})`);
}

export const required = (field: string) => badRequest(ErrorCode.REQUIRED_FIELD, `Fältet ${field} är obligatoriskt`);

const EMAIL_RE = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

export function checkEmail(field: string, value: string | undefined, allowList = false): void {
  if (!value) return;
  const parts = allowList ? value.split(/[,;]/).map((s) => s.trim()) : [value];
  if (parts.some((p) => !EMAIL_RE.test(p))) {
    throw badRequest(ErrorCode.INVALID_VALUE, `Ogiltig e-postadress (${field})`);
  }
}

export function checkCurrency(tenant: Tenant, code: string | undefined): void {
  if (code !== undefined && !tenant.currencies.has(code)) {
    throw badRequest(ErrorCode.CURRENCY_NOT_FOUND, `Valutan "${code}" finns inte`);
  }
}

export function checkAccount(tenant: Tenant, account: number | undefined, field: string): void {
  if (account !== undefined && !tenant.accounts.has(account)) {
    throw badRequest(ErrorCode.ACCOUNT_NOT_FOUND, `Kunde inte hitta konto (${field}: ${account})`);
  }
}

/**
 * A VAT percent as given (25, 25.5). Number() of the exact decimal text is the double whose
 * shortest form is that text, so the value is only a label: equality with the rate tables is
 * exact and totals.ts turns it back into the same decimal before any arithmetic.
 */
export function vatPercent(vat: Dec): number {
  return Number(decToString(vat));
}

export const vatNotFound = (vat: number) => badRequest(ErrorCode.VAT_NOT_FOUND, `Kunde inte hitta moms (${vat})`);

/** The company's own (Swedish) rates; documents may also use OSS rates, see oss.ts. */
export function checkVat(tenant: Tenant, vat: number): void {
  if (!tenant.vatRates.includes(vat)) throw vatNotFound(vat);
}

export function checkTermsOfPayment(tenant: Tenant, code: string | undefined): void {
  if (code !== undefined && code !== "" && !tenant.termsOfPayments.has(code)) {
    throw badRequest(ErrorCode.TERMS_OF_PAYMENT_NOT_FOUND, `Kan inte hitta betalningsvillkoret. (${code})`);
  }
}

export function checkPriceList(tenant: Tenant, code: string | undefined): void {
  if (code !== undefined && !tenant.priceLists.has(code)) {
    throw badRequest(ErrorCode.PRICE_LIST_NOT_FOUND, `Kan inte hitta prislistan. (${code})`);
  }
}

/** Copies provided text fields onto a stored record ("" = blanked via API_BLANK). */
export function mergeText(target: Record<string, string>, input: Record<string, unknown>, fields: readonly string[]): void {
  for (const f of fields) {
    const v = input[f];
    if (typeof v === "string") target[f] = v;
  }
}

/** Unset text fields render as null, like many fields in real responses. */
export function renderText(source: Record<string, string>, fields: readonly string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const f of fields) out[f] = source[f] ?? null;
  return out;
}

export function pick<T extends Record<string, unknown>>(full: T, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = full[k];
  return out;
}

/** Decodes one path segment; Fortnox identifiers may contain "/" or "+" and arrive URL-encoded. */
export function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw badRequest(ErrorCode.INVALID_PARAMETER, "Ogiltig parameter i anropet.");
  }
}


export function checkCountry(field: string, code: string | undefined): void {
  if (code && !ISO_COUNTRIES.has(code)) throw badRequest(ErrorCode.INVALID_VALUE, `Ogiltig landskod "${code}" (${field})`);
}
