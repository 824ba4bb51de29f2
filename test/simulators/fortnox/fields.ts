/**
 * zod building blocks for request bodies. Input values come from json.ts, so numbers are
 * JsonNumber (decimal text). Each builder attaches a Fortnox error code to its issues
 * ("<code>|<message>") so validation failures render as real-looking ErrorInformation.
 *
 * Conventions shared by all fields (mirroring the real API's leniency where it is known):
 *  - null means "not provided" (clients often echo nulls they read);
 *  - the literal string "API_BLANK" blanks a text field [sdk: softwerkab ApiConstants].
 */
import { z } from "zod";
import { ErrorCode, FortnoxError, badRequest } from "./errors.js";
import { isValidDate } from "../shared/dates.js";
import { JsonNumber } from "../shared/json.js";
import { type Dec, parseDec } from "../shared/money.js";

type Ctx = z.RefinementCtx;

function fail(ctx: Ctx, code: number, message: string): typeof z.NEVER {
  ctx.addIssue({ code: "custom", message: `${code}|${message}` });
  return z.NEVER;
}

/** Free text; `max` = longest accepted length. */
export function text(max = 1024) {
  return z
    .unknown()
    .transform((v, ctx): string | undefined => {
      if (v === null || v === undefined) return undefined;
      if (typeof v !== "string") return fail(ctx, ErrorCode.NOT_ALPHANUMERIC, "Värdet måste vara alfanumeriskt");
      if (v === "API_BLANK") return "";
      if (v.length > max) return fail(ctx, ErrorCode.TOO_LONG, `Värdet får vara högst ${max} tecken långt`);
      return v;
    })
    .optional();
}

/** Several free-text fields at once (name -> max length), keeping their names in the inferred type. */
export function textFields<const K extends string>(limits: Record<K, number>): Record<K, ReturnType<typeof text>> {
  return Object.fromEntries(Object.entries<number>(limits).map(([name, max]) => [name, text(max)])) as Record<K, ReturnType<typeof text>>;
}

/** Same max length for all names. */
export function sameLimit<const K extends string>(names: readonly K[], max: number): Record<K, number> {
  return Object.fromEntries(names.map((n) => [n, max])) as Record<K, number>;
}

/**
 * Identifiers such as CustomerNumber/ArticleNumber are strings in Fortnox, but integers are
 * accepted too (production clients send `"InvoiceNumber": 123`).
 */
export function ident(max = 50, pattern?: RegExp) {
  return z
    .unknown()
    .transform((v, ctx): string | undefined => {
      if (v === null || v === undefined) return undefined;
      let s: string;
      if (typeof v === "string") s = v;
      else if (v instanceof JsonNumber && /^\d+$/.test(v.text)) s = v.text;
      else return fail(ctx, ErrorCode.NOT_ALPHANUMERIC, "Värdet måste vara alfanumeriskt");
      if (s.length > max) return fail(ctx, ErrorCode.TOO_LONG, `Värdet får vara högst ${max} tecken långt`);
      if (pattern && !pattern.test(s)) return fail(ctx, ErrorCode.INVALID_CHARACTERS, "Värdet innehåller ej tillåtna tecken");
      return s;
    })
    .optional();
}

/**
 * A decimal number (JSON number or numeric string) with at most `maxDecimals` decimals.
 * Rejecting long fractions is a simulator choice: it makes float artefacts such as
 * 79.60000000000001 in a client's payload fail loudly instead of being silently rounded.
 */
export function decimal(maxDecimals: number) {
  return z
    .unknown()
    .transform((v, ctx): Dec | undefined => {
      if (v === null || v === undefined) return undefined;
      let parsed: Dec | null = null;
      if (v instanceof JsonNumber) parsed = parseDec(v.text);
      else if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim())) parsed = parseDec(v);
      if (!parsed) return fail(ctx, ErrorCode.NOT_NUMERIC, "Värdet måste vara numeriskt");
      if (parsed.scale > maxDecimals) {
        return fail(ctx, ErrorCode.NOT_NUMERIC, `Värdet måste vara numeriskt med högst ${maxDecimals} decimaler`);
      }
      return parsed;
    })
    .optional();
}

/** A whole number (account numbers, counts); returned as a JS number since it is never money. */
export function int() {
  return decimal(0).transform((d): number | undefined => (d === undefined ? undefined : Number(d.units)));
}

export function bool() {
  return z
    .unknown()
    .transform((v, ctx): boolean | undefined => {
      if (v === null || v === undefined) return undefined;
      if (typeof v !== "boolean") return fail(ctx, ErrorCode.NOT_BOOLEAN, "Värdet måste vara en boolean");
      return v;
    })
    .optional();
}

export function oneOf<const T extends string>(values: readonly T[]) {
  return z
    .unknown()
    .transform((v, ctx): T | undefined => {
      if (v === null || v === undefined) return undefined;
      if (typeof v !== "string" || !(values as readonly string[]).includes(v)) {
        return fail(ctx, ErrorCode.INVALID_VALUE, `Ogiltigt värde, tillåtna värden: ${values.join(", ")}`);
      }
      return v as T;
    })
    .optional();
}

/** A calendar date "YYYY-MM-DD" that actually exists (2024-02-30 is rejected). */
export function date() {
  return z
    .unknown()
    .transform((v, ctx): string | undefined => {
      if (v === null || v === undefined) return undefined;
      if (typeof v !== "string" || !isValidDate(v)) {
        return fail(ctx, ErrorCode.INVALID_VALUE, "Ogiltigt datum, formatet ska vara ÅÅÅÅ-MM-DD");
      }
      return v;
    })
    .optional();
}


/** Optional nested list; a non-array is a type error ("Ingen eller felaktig typ av data."). */
export function list<T extends z.ZodType>(item: T) {
  return z.array(item, { error: `${ErrorCode.NO_DATA}|Ingen eller felaktig typ av data.` }).nullable().optional();
}

export function obj<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape, { error: `${ErrorCode.NO_DATA}|Ingen eller felaktig typ av data.` });
}

/**
 * Turns a zod failure into one Fortnox error. Unknown field names win (the real API
 * reports them before value errors); the offending path is appended for debuggability.
 */
export function toFortnoxError(error: z.ZodError): FortnoxError {
  const unknown = error.issues.find((i) => i.code === "unrecognized_keys");
  if (unknown && unknown.code === "unrecognized_keys") {
    return badRequest(ErrorCode.UNKNOWN_FIELD, `Felaktigt fältnamn (${[...unknown.path, unknown.keys[0]].join(".")})`);
  }
  const first = error.issues[0];
  const where = first.path.join(".");
  const m = /^(\d+)\|(.*)$/s.exec(first.message);
  if (m) return badRequest(Number(m[1]), where ? `${m[2]} (${where})` : m[2]);
  return badRequest(ErrorCode.NO_DATA, `Ingen eller felaktig typ av data.${where ? ` (${where})` : ""}`);
}

/** Parses `value` with `schema`, throwing a FortnoxError on failure. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw toFortnoxError(result.error);
  return result.data;
}
