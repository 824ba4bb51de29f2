/**
 * The OData `$filter` subset the simulator understands (enough for a connector's look-ups):
 *   Field eq|ne|gt|ge|lt|le value     value: 'text' ('' inside = '), number, true, false, null,
 *                                     or a bare date / date-time (InvoiceDate ge 2026-04-01)
 *   contains(Field,'x')  startswith(Field,'x')
 *   and, or, not, parentheses
 * Field names are the entity's top-level PascalCase names; anything else is 400 6000.
 *
 * Text compares case-insensitively, as the real API's SQL collation does, so
 * `Number eq 'sku-1'` finds "SKU-1" — a client must re-check exact equality itself.
 * A value of another type than the field's never matches (no implicit conversion).
 */
import { type Dec, compareDec, parseDec } from "../shared/money.js";
import { ErrorCode, badRequest } from "./errors.js";

export type Row = Record<string, unknown>;
export type Predicate = (row: Row) => boolean;

type Literal = { kind: "string"; value: string } | { kind: "number"; value: Dec } | { kind: "bool"; value: boolean } | { kind: "null" } | { kind: "date"; value: number };
type Token = { t: "ident"; v: string } | { t: "lit"; v: Literal } | { t: "(" } | { t: ")" } | { t: "," };

const queryError = (message: string) => badRequest(ErrorCode.QUERY_PARAMETER, `Invalid $filter: ${message}`);

const DATE_RE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?/;

/** A date without a zone is read as UTC, on both sides, so only the written digits matter. */
function dateValue(text: string): number {
  const withTime = text.length === 10 ? `${text}T00:00:00` : text;
  const ms = Date.parse(/Z|[+-]\d{2}:\d{2}$/.test(withTime) ? withTime : `${withTime}Z`);
  if (Number.isNaN(ms)) throw badRequest(ErrorCode.INVALID_INPUT, `Invalid date ${text}`);
  return ms;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === " " || ch === "\t") { i++; continue; }
    if (ch === "(" || ch === ")" || ch === ",") { out.push({ t: ch }); i++; continue; }
    if (ch === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= src.length) throw queryError("unterminated string");
        if (src[i] === "'") {
          if (src[i + 1] === "'") { value += "'"; i += 2; continue; }
          i++;
          break;
        }
        value += src[i++];
      }
      out.push({ t: "lit", v: { kind: "string", value } });
      continue;
    }
    const rest = src.slice(i);
    const date = DATE_RE.exec(rest);
    if (date) {
      out.push({ t: "lit", v: { kind: "date", value: dateValue(date[0]) } });
      i += date[0].length;
      continue;
    }
    const num = /^-?\d+(?:\.\d+)?/.exec(rest);
    if (num) {
      out.push({ t: "lit", v: { kind: "number", value: parseDec(num[0])! } });
      i += num[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (ident) {
      const word = ident[0];
      if (word === "true" || word === "false") out.push({ t: "lit", v: { kind: "bool", value: word === "true" } });
      else if (word === "null") out.push({ t: "lit", v: { kind: "null" } });
      else out.push({ t: "ident", v: word });
      i += word.length;
      continue;
    }
    throw queryError(`unexpected character '${ch}'`);
  }
  return out;
}

const lower = (s: string) => s.toLocaleLowerCase("sv");

/** -1/0/1, or undefined when the value and literal have different types (never a match). */
function compare(value: unknown, lit: Literal): number | undefined {
  if (lit.kind === "string" && typeof value === "string") {
    const [a, b] = [lower(value), lower(lit.value)];
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (lit.kind === "number" && typeof value === "number") return compareDec(parseDec(String(value))!, lit.value);
  if (lit.kind === "bool" && typeof value === "boolean") return value === lit.value ? 0 : value ? 1 : -1;
  if (lit.kind === "date" && typeof value === "string" && DATE_RE.test(value)) {
    const v = dateValue(value);
    return v < lit.value ? -1 : v > lit.value ? 1 : 0;
  }
  return undefined;
}

const OPERATORS: Record<string, (c: number) => boolean> = {
  eq: (c) => c === 0,
  ne: (c) => c !== 0,
  gt: (c) => c > 0,
  ge: (c) => c >= 0,
  lt: (c) => c < 0,
  le: (c) => c <= 0,
};

/** Parses `$filter` against the given field names; throws 6000 on any syntax or field error. */
export function parseFilter(src: string, fields: ReadonlySet<string>): Predicate {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (w: string) => peek()?.t === "ident" && (peek() as { v: string }).v === w;
  const expect = (t: "(" | ")" | ",") => {
    if (peek()?.t !== t) throw queryError(`expected '${t}'`);
    pos++;
  };
  const field = (): string => {
    const tok = tokens[pos++];
    if (tok?.t !== "ident") throw queryError("expected a field name");
    if (!fields.has(tok.v)) throw queryError(`unknown field ${tok.v}`);
    return tok.v;
  };
  const literal = (): Literal => {
    const tok = tokens[pos++];
    if (tok?.t !== "lit") throw queryError("expected a value");
    return tok.v;
  };

  const primary = (): Predicate => {
    const tok = peek();
    if (tok?.t === "(") {
      pos++;
      const inner = orExpr();
      expect(")");
      return inner;
    }
    if (tok?.t === "ident" && (tok.v === "contains" || tok.v === "startswith") && tokens[pos + 1]?.t === "(") {
      pos += 2;
      const name = field();
      expect(",");
      const lit = literal();
      expect(")");
      if (lit.kind !== "string") throw queryError(`${tok.v} needs a string`);
      const needle = lower(lit.value);
      const test = tok.v === "contains" ? (s: string) => s.includes(needle) : (s: string) => s.startsWith(needle);
      return (row) => typeof row[name] === "string" && test(lower(row[name] as string));
    }
    const name = field();
    const op = tokens[pos++];
    if (op?.t !== "ident" || !Object.hasOwn(OPERATORS, op.v)) throw queryError("expected eq, ne, gt, ge, lt or le");
    const lit = literal();
    const holds = OPERATORS[op.v];
    if (lit.kind === "null") {
      if (op.v !== "eq" && op.v !== "ne") throw queryError("null can only be compared with eq or ne");
      return (row) => (row[name] === null || row[name] === undefined) === (op.v === "eq");
    }
    return (row) => {
      const c = compare(row[name], lit);
      return c !== undefined && holds(c);
    };
  };
  const unary = (): Predicate => {
    if (isWord("not")) {
      pos++;
      const inner = unary();
      return (row) => !inner(row);
    }
    return primary();
  };
  const andExpr = (): Predicate => {
    let left = unary();
    while (isWord("and")) {
      pos++;
      const [l, r] = [left, unary()];
      left = (row) => l(row) && r(row);
    }
    return left;
  };
  const orExpr = (): Predicate => {
    let left = andExpr();
    while (isWord("or")) {
      pos++;
      const [l, r] = [left, andExpr()];
      left = (row) => l(row) || r(row);
    }
    return left;
  };

  const predicate = orExpr();
  if (pos !== tokens.length) throw queryError("unexpected trailing input");
  return predicate;
}
