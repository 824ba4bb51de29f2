/** Per-request context and the lookups several resources validate references with. */
import type { JsonValue } from "../shared/json.js";
import { ErrorCode, badRequest, missingReference, notFound } from "./errors.js";
import type { Article, Coding, Company, Customer, SimState } from "./state.js";

export interface RestContext {
  company: Company;
  sim: SimState;
  query: URLSearchParams;
  /** Parsed JSON body; undefined when the request had none. */
  body: JsonValue | undefined;
}

export interface RestResult {
  status: number;
  body?: unknown;
}

export const ok = (body: unknown): RestResult => ({ status: 200, body });
export const created = (body: unknown): RestResult => ({ status: 201, body });
export const noContent = (): RestResult => ({ status: 204 });

export function requireBody(ctx: RestContext): JsonValue {
  if (ctx.body === undefined) throw badRequest(ErrorCode.VALIDATION, "The request body is required", [{ Field: "", ErrorCode: "Required", Message: "The request body is required" }]);
  return ctx.body;
}

/** Looks an entity up by a (lower-cased) GUID from the body; absent -> 400 3000 naming the field. */
export function reference<T>(map: Map<string, T>, id: string, field: string, entity: string, usable: (e: T) => boolean = () => true): T {
  const found = map.get(id);
  if (!found || !usable(found)) throw missingReference(field, entity);
  return found;
}

export const activeCustomer = (company: Company, id: string, field = "CustomerId"): Customer => reference(company.customers, id, field, "Customer", (c) => c.IsActive);
export const activeArticle = (company: Company, id: string, field: string): Article => reference(company.articles, id, field, "Article", (a) => a.IsActive);
export const codingOf = (company: Company, article: Article): Coding => company.codings.get(article.CodingId)!;

/** The entity with the id from the path (GUIDs compare case-insensitively); else 404 3000. */
export function byPathId<T>(map: Map<string, T>, id: string, entity: string): T {
  const found = map.get(id.toLowerCase());
  if (!found) throw notFound(entity);
  return found;
}

/** Natural keys (CustomerNumber, article Number) are unique under the SQL collation, i.e. ignoring case: 4000. */
export function checkUnique<T extends { Id: string }>(items: Iterable<T>, id: string, key: (e: T) => string, value: string, field: string): void {
  for (const e of items) {
    if (e.Id !== id && key(e).toLowerCase() === value.toLowerCase()) {
      throw badRequest(ErrorCode.CONFLICT, `${field} ${value} already exists`, [{ Field: field, ErrorCode: "Conflict", Message: `Duplicate ${field}` }]);
    }
  }
}
