// Shopify's search syntax (the `query` argument of orders, products, customers, productVariants)
// and the cursor connection over a sorted list that those root fields share.
import type { AdminContext } from "./admin-schema";
import { GqlFieldError, objectType, type TypeDef } from "./gql-exec";

export interface SearchTerm {
  field: string;
  /** "", ">", ">=", "<", "<=" */
  op: string;
  value: string;
}

/**
 * Whether a row matches `query`: terms joined by spaces (or AND) must all hold, groups joined by
 * ` OR ` are alternatives. `test` decides one `field:value` term; undefined = an unknown filter,
 * ignored as Shopify does. Free text is ignored too.
 */
export function matchesQuery(query: string | null | undefined, test: (t: SearchTerm) => boolean | undefined): boolean {
  if (!query) return true;
  const terms = query.match(/-?[A-Za-z_]+:(?:[<>]=?)?(?:'[^']*'|"[^"]*"|\S+)|\S+/g) ?? [];
  const groups: string[][] = [[]];
  for (const raw of terms) {
    if (raw === "OR") groups.push([]);
    else if (raw !== "AND") groups.at(-1)!.push(raw);
  }
  return groups.some((g) => g.every((raw) => termHolds(raw, test)));
}

function termHolds(raw: string, test: (t: SearchTerm) => boolean | undefined): boolean {
  const m = /^(-?)([A-Za-z_]+):((?:[<>]=?)?)(.*)$/.exec(raw);
  if (!m) return true;
  const ok = test({ field: m[2]!.toLowerCase(), op: m[3]!, value: m[4]!.replace(/^['"]|['"]$/g, "") });
  if (ok === undefined) return true;
  return m[1] === "-" ? !ok : ok;
}

/** `a op b` for numbers (a date filter compares whole days when there is no operator). */
export function compareOp(a: number, op: string, b: number, sameWhenEqual: (a: number, b: number) => boolean = (x, y) => x === y): boolean {
  return op === ">" ? a > b : op === ">=" ? a >= b : op === "<" ? a < b : op === "<=" ? a <= b : sameWhenEqual(a, b);
}

/** A date term (`updated_at:>'2026-03-01T00:00:00Z'`); undefined when the value is no date. */
export function dateTerm(value: unknown, t: SearchTerm): boolean | undefined {
  const b = Date.parse(t.value);
  if (Number.isNaN(b)) return undefined;
  const a = Date.parse(String(value ?? ""));
  const sameDay = (x: number, y: number) => new Date(x).toISOString().slice(0, 10) === new Date(y).toISOString().slice(0, 10);
  return compareOp(a, t.op, b, sameDay);
}

// ---------------------------------------------------------------------------------------------
// connections over sorted rows

export type SortValue = number | string;
export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

function encodeCursor(v: SortValue, id: number): string {
  return Buffer.from(JSON.stringify({ v, id })).toString("base64url");
}
function decodeCursor(c: string): { v: SortValue; id: number } {
  try {
    const o = JSON.parse(Buffer.from(c, "base64url").toString("utf8")) as { v: unknown; id: unknown };
    if ((typeof o.v === "number" || typeof o.v === "string") && typeof o.id === "number") return { v: o.v, id: o.id };
  } catch {
    // fall through
  }
  throw new GqlFieldError(`Invalid cursor for current pagination sort.`, { code: "BAD_REQUEST" });
}

const compareValues = (a: SortValue, b: SortValue): number =>
  typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));

/**
 * A root connection (orders, products, customers, productVariants): `first` or `last` (0..250)
 * required outside a bulk operation, cursors that encode the sort value and id, `reverse`.
 */
export function sortedConnection<T>(items: T[], keyOf: (item: T) => { v: SortValue; id: number }, args: ConnectionArgs, ctx: AdminContext) {
  const n = args.first ?? args.last;
  if (ctx.bulk && args.first == null && args.last == null) args = { ...args, first: Number.MAX_SAFE_INTEGER };
  else if ((args.first == null) === (args.last == null)) throw new GqlFieldError("you must provide one of first or last", { code: "BAD_REQUEST" });
  if (!ctx.bulk && (n! < 0 || n! > 250)) throw new GqlFieldError(`${args.first != null ? "first" : "last"} argument must be between 0 and 250`, { code: "BAD_REQUEST" });
  const dir = args.reverse ? -1 : 1;
  const cmp = (r: { v: SortValue; id: number }, c: { v: SortValue; id: number }) => dir * (compareValues(r.v, c.v) || r.id - c.id);
  const rows = items.map((node) => ({ node, ...keyOf(node) })).sort(cmp);
  let start = 0;
  let end = rows.length;
  if (args.after) {
    const c = decodeCursor(args.after);
    start = rows.findIndex((r) => cmp(r, c) > 0);
    if (start < 0) start = rows.length;
  }
  if (args.before) {
    const c = decodeCursor(args.before);
    const idx = rows.findIndex((r) => cmp(r, c) >= 0);
    end = idx < 0 ? rows.length : idx;
  }
  let window = rows.slice(start, Math.max(start, end));
  let hasNext = end < rows.length;
  let hasPrev = start > 0;
  if (args.first != null) {
    hasNext = hasNext || window.length > args.first;
    window = window.slice(0, args.first);
  } else if (args.last != null) {
    hasPrev = hasPrev || window.length > args.last;
    window = window.slice(Math.max(0, window.length - args.last));
  }
  const edges = window.map((r) => ({ cursor: encodeCursor(r.v, r.id), node: r.node }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: hasNext,
      hasPreviousPage: hasPrev,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** A `*Count` root field's answer: `{count, precision}` capped at `limit`. */
export function countOf(n: number, limit: number | null | undefined) {
  return limit != null && n > limit ? { count: limit, precision: "AT_LEAST" } : { count: n, precision: "EXACT" };
}

/** The Connection and Edge types of a node type; edges and nodes cost what their nodes cost, pageInfo nothing. */
export function connectionTypes(node: string): TypeDef<AdminContext>[] {
  return [
    objectType<AdminContext>(`${node}Connection`, {
      edges: { type: `[${node}Edge!]!`, staticCost: (_a, child) => child },
      nodes: { type: `[${node}!]!`, staticCost: (_a, child) => child },
      pageInfo: { type: "PageInfo!", staticCost: () => 0 },
    }),
    objectType<AdminContext>(`${node}Edge`, { cursor: "String!", node: `${node}!` }),
  ];
}
