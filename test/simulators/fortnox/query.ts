/**
 * List endpoints: search, filter, sort and paging with the real API's rules (A.7):
 *  - resource-specific search params are lowercase field names, matched as
 *    case-insensitive SUBSTRING (ILIKE '%v%') — callers must post-filter for equality;
 *  - only ONE resource-specific search param per request;
 *  - unknown params -> 400 2000588, bad `filter` -> 400 2000587;
 *  - limit default 100, max 500; page is 1-based.
 */
import { ErrorCode, badRequest } from "./errors.js";
import { isValidDate, today } from "../shared/dates.js";

export interface ListSpec<T> {
  /** param -> the entity's text for substring search. */
  search: Record<string, (e: T) => string>;
  filters: Record<string, (e: T, today: string) => boolean>;
  sort: Record<string, (e: T) => string | number | bigint>;
  defaultSort: (e: T) => string | number | bigint;
  /** Field used by fromdate/todate; absent -> those params are rejected. */
  date?: (e: T) => string;
  lastModified: (e: T) => number;
}

export interface Meta {
  "@TotalResources": number;
  "@TotalPages": number;
  "@CurrentPage": number;
}

const GLOBAL_PARAMS = new Set(["limit", "page", "offset", "sortby", "sortorder", "lastmodified", "fromdate", "todate", "filter"]);

const invalidParam = (name: string) => badRequest(ErrorCode.INVALID_PARAMETER, `Ogiltig parameter i anropet. (${name})`);

function positiveInt(name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(value)) throw invalidParam(name);
  const n = Number(value);
  if (n < min || n > max) throw invalidParam(name);
  return n;
}

/** "2019-03-10 12:30", "2019-03-10 12:30:00" or "2019-03-10", in Swedish time (Fortnox's). */
function parseLastModified(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value);
  if (!m || !isValidDate(`${m[1]}-${m[2]}-${m[3]}`)) throw invalidParam("lastmodified");
  const [, y, mo, d, h = "0", mi = "0", s = "0"] = m;
  return stockholmWallClock(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s));
}

/** The instant a Swedish wall-clock time names (the offset is read at that instant, so DST is right). */
function stockholmWallClock(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const offsetAt = (ms: number) => {
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Stockholm", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
    return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) - ms;
  };
  return asUtc - offsetAt(asUtc - offsetAt(asUtc));
}

const compare = (a: string | number | bigint, b: string | number | bigint): number =>
  typeof a === "string" && typeof b === "string" ? a.localeCompare(b, "sv") : a < b ? -1 : a > b ? 1 : 0;

export function runListQuery<T>(params: URLSearchParams, items: T[], spec: ListSpec<T>): { items: T[]; meta: Meta } {
  const seen = new Set<string>();
  let searchParam: string | undefined;
  for (const key of params.keys()) {
    if (seen.has(key)) throw invalidParam(key);
    seen.add(key);
    if (GLOBAL_PARAMS.has(key)) continue;
    if (!Object.hasOwn(spec.search, key)) throw invalidParam(key);
    // The real API honours only one resource-specific search per request.
    if (searchParam !== undefined) throw invalidParam(key);
    searchParam = key;
  }

  const limit = params.has("limit") ? positiveInt("limit", params.get("limit")!, 1, 500) : 100;
  const page = params.has("page") ? positiveInt("page", params.get("page")!, 1) : 1;
  const offset = params.has("offset") ? positiveInt("offset", params.get("offset")!, 0) : 0;

  let result = items;
  if (searchParam !== undefined) {
    const needle = params.get(searchParam)!.toLowerCase();
    const get = spec.search[searchParam];
    result = result.filter((e) => get(e).toLowerCase().includes(needle));
  }
  const filter = params.get("filter");
  if (filter !== null) {
    const fn = Object.hasOwn(spec.filters, filter) ? spec.filters[filter] : undefined;
    if (!fn) throw badRequest(ErrorCode.INVALID_FILTER, "Ett ogiltigt filter har använts.");
    const now = today();
    result = result.filter((e) => fn(e, now));
  }
  const lastModified = params.get("lastmodified");
  if (lastModified !== null) {
    const since = parseLastModified(lastModified);
    result = result.filter((e) => spec.lastModified(e) >= since);
  }
  for (const name of ["fromdate", "todate"] as const) {
    const value = params.get(name);
    if (value === null) continue;
    if (!spec.date || !isValidDate(value)) throw invalidParam(name);
    const dateOf = spec.date;
    result = result.filter((e) => (name === "fromdate" ? dateOf(e) >= value : dateOf(e) <= value));
  }

  const sortBy = params.get("sortby");
  let key = spec.defaultSort;
  if (sortBy !== null) {
    if (!Object.hasOwn(spec.sort, sortBy)) throw invalidParam("sortby");
    key = spec.sort[sortBy];
  }
  const sortOrder = params.get("sortorder") ?? "ascending";
  if (sortOrder !== "ascending" && sortOrder !== "descending") throw invalidParam("sortorder");
  const direction = sortOrder === "ascending" ? 1 : -1;
  result = [...result].sort((a, b) => direction * compare(key(a), key(b)));

  const afterOffset = result.slice(offset);
  const total = afterOffset.length;
  const start = (page - 1) * limit;
  return {
    items: afterOffset.slice(start, start + limit),
    meta: { "@TotalResources": total, "@TotalPages": Math.ceil(total / limit), "@CurrentPage": page },
  };
}
