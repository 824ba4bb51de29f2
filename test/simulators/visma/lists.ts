/**
 * List endpoints (research B.5): `$page` (1-based) and `$pagesize` (default 50, max 1000),
 * `$filter` (filter.ts) and `$orderby`, answered as {Meta, Data}. Filtering works on the
 * rendered entities, so every top-level field a client can read it can also filter on.
 */
import { ErrorCode, badRequest } from "./errors.js";
import { type Row, parseFilter } from "./filter.js";
import { utcNow } from "./state.js";

export interface Page {
  Meta: { CurrentPage: number; PageSize: number; TotalNumberOfPages: number; TotalNumberOfResults: number; ServerTimeUtc: string };
  Data: Row[];
}

function pageParam(name: string, value: string | null, fallback: number, max: number): number {
  if (value === null) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= max)) throw badRequest(ErrorCode.INVALID_INPUT, `Invalid ${name}: ${value}`);
  return n;
}

const compareValues = (a: unknown, b: unknown): number => {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), "sv");
};

/** `$orderby=Field [asc|desc][, ...]`. The real API may ignore it, but a client may send it, so it must not fail. */
function parseOrderBy(src: string, fields: ReadonlySet<string>): (a: Row, b: Row) => number {
  const keys = src.split(",").map((part) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!m || !fields.has(m[1])) throw badRequest(ErrorCode.QUERY_PARAMETER, `Invalid $orderby: ${part.trim()}`);
    return { field: m[1], dir: m[2]?.toLowerCase() === "desc" ? -1 : 1 };
  });
  return (a, b) => {
    for (const k of keys) {
      const c = compareValues(a[k.field], b[k.field]);
      if (c !== 0) return k.dir * c;
    }
    return 0;
  };
}

/**
 * `rows` are rendered entities in their natural order; `fields` their top-level names (known
 * even when the list is empty, so a filter on an unknown field fails the same way either way).
 */
export function listPage(query: URLSearchParams, rows: Row[], fields: readonly string[]): Page {
  const page = pageParam("$page", query.get("$page"), 1, Number.MAX_SAFE_INTEGER);
  const pageSize = pageParam("$pagesize", query.get("$pagesize"), 50, 1000);
  const names = new Set(fields);
  let result = rows;
  const filter = query.get("$filter");
  if (filter !== null) {
    const predicate = parseFilter(filter, names);
    result = result.filter(predicate);
  }
  const orderBy = query.get("$orderby");
  if (orderBy !== null) result = [...result].sort(parseOrderBy(orderBy, names));
  const start = (page - 1) * pageSize;
  return {
    Meta: {
      CurrentPage: page,
      PageSize: pageSize,
      TotalNumberOfPages: Math.ceil(result.length / pageSize),
      TotalNumberOfResults: result.length,
      ServerTimeUtc: utcNow(),
    },
    Data: result.slice(start, start + pageSize),
  };
}
