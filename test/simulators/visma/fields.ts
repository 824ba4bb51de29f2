/**
 * zod field types for Visma request bodies. The API is ASP.NET model binding, so unlike the
 * Fortnox simulator unknown and read-only fields are IGNORED (z.object strips them), while
 * every value that is read is checked strictly. A failure becomes one Errors[] entry per
 * field: {Field: "Rows[0].ArticleId", ErrorCode: "<reason>", Message}, all under ErrorCode 2000.
 *
 * Issue messages carry "<reason>|<message>" so toVismaError can split them again.
 */
import { z } from "zod";
import { isValidDate } from "../shared/dates.js";
import { JsonNumber } from "../shared/json.js";
import { type Dec, parseDec } from "../shared/money.js";
import { ErrorCode, type FieldError, VismaError, badRequest } from "./errors.js";

type Ctx = z.RefinementCtx;

function fail(ctx: Ctx, reason: string, message: string): typeof z.NEVER {
  ctx.addIssue({ code: "custom", message: `${reason}|${message}` });
  return z.NEVER;
}

/**
 * Builds a field type from a converter that sees only present, non-null values. The result is
 * optional; `.pipe(present())` — see `req` — makes it required. null counts as absent, as in
 * ASP.NET where a null for a nullable property is "not sent".
 */
function field<T>(convert: (v: unknown, ctx: Ctx) => T) {
  return z
    .unknown()
    .transform((v, ctx): T | undefined => (v === null || v === undefined ? undefined : convert(v, ctx)))
    .optional();
}

/** Makes a field required: absent or null is a "Required" error. */
export function req<T>(schema: z.ZodType<T | undefined>) {
  return z.unknown().transform((v, ctx): T => {
    if (v === null || v === undefined) return fail(ctx, "Required", "The field is required");
    const r = schema.safeParse(v);
    if (!r.success) {
      for (const issue of r.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
      return z.NEVER;
    }
    return r.data as T;
  });
}

export function text(max: number) {
  return field((v, ctx): string => {
    if (typeof v !== "string") return fail(ctx, "InvalidType", "The value must be a string");
    // SQL Server nvarchar columns hold NUL, but the API refuses it; a client sending one has a bug.
    if (v.includes("\u0000")) return fail(ctx, "InvalidCharacters", "The value must not contain NUL characters");
    if (v.length > max) return fail(ctx, "MaxLength", `The value may be at most ${max} characters long`);
    return v;
  });
}

export function bool() {
  return field((v, ctx): boolean => (typeof v === "boolean" ? v : fail(ctx, "InvalidType", "The value must be true or false")));
}

/**
 * A decimal JSON number (or numeric string, which ASP.NET also binds) with at most
 * `maxDecimals` decimals. Longer fractions are refused rather than rounded so a client's float
 * artefacts (79.60000000000001) fail loudly.
 */
export function decimal(maxDecimals: number) {
  return field((v, ctx): Dec => {
    let parsed: Dec | null = null;
    if (v instanceof JsonNumber) parsed = parseDec(v.text);
    else if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim())) parsed = parseDec(v);
    if (!parsed) return fail(ctx, "InvalidType", "The value must be a number");
    if (parsed.scale > maxDecimals) return fail(ctx, "TooManyDecimals", `The value may have at most ${maxDecimals} decimals`);
    return parsed;
  });
}

/** A whole number (enums, line numbers); never money, so a JS number is fine. */
export function int() {
  return field((v, ctx): number => {
    if (!(v instanceof JsonNumber) || !/^-?\d+$/.test(v.text)) return fail(ctx, "InvalidType", "The value must be an integer");
    return Number(v.text);
  });
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A reference id; a string that is not a GUID cannot bind to a Guid property (2000, not 3000). */
export function guid() {
  return field((v, ctx): string => (typeof v === "string" && GUID_RE.test(v) ? v.toLowerCase() : fail(ctx, "InvalidFormat", "The value must be a GUID")));
}

/** "YYYY-MM-DD" or an ISO date-time ("2026-05-02T00:00:00", with or without zone); kept as the date part. */
export function date() {
  return field((v, ctx): string => {
    const m = typeof v === "string" ? /^(\d{4}-\d{2}-\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$/.exec(v) : null;
    if (!m || !isValidDate(m[1])) return fail(ctx, "InvalidFormat", "The value must be a date (YYYY-MM-DD)");
    return m[1];
  });
}

/** Non-strict object: unknown and read-only keys are dropped, as ASP.NET binding does. */
const missingOr = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined || issue.input === null ? "Required|The field is required" : `InvalidType|The value must be ${what}`;

/** Non-strict object: unknown and read-only keys are dropped, as ASP.NET binding does. */
export function obj<T extends z.ZodRawShape>(shape: T) {
  return z.object(shape, { error: missingOr("an object") });
}

/** A required array. */
export function list<T extends z.ZodType>(item: T) {
  return z.array(item, { error: missingOr("an array") });
}

/** ["Rows", 0, "ArticleId"] -> "Rows[0].ArticleId" (the API's own spelling of a path). */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

export function toVismaError(error: z.ZodError): VismaError {
  const errors: FieldError[] = error.issues.map((i) => {
    const m = /^([A-Za-z]+)\|(.*)$/s.exec(i.message);
    return { Field: fieldPath(i.path), ErrorCode: m ? m[1] : "Invalid", Message: m ? m[2] : i.message };
  });
  const first = errors[0];
  return badRequest(ErrorCode.VALIDATION, `Validation failed: ${first.Field || "body"}: ${first.Message}`, errors);
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw toVismaError(result.error);
  return result.data;
}
