import { add, compare, divide, formatDecimal, formatGrouped, multiply, parseDecimal, roundTo, subtract, truncateTo, type Decimal } from "./decimal";
import { formatDate } from "./dates";
import type { Value } from "./paths";

// The filters a template can apply, each with the arguments it takes (checked when a rule is
// saved) and what it does (run when an order is booked). Numbers are decimal text throughout:
// arithmetic parses, computes exactly and prints, so a value never passes through a float.

export type ArgKind = "text" | "number" | "integer" | "locale";

export interface FilterSpec {
  /** Argument kinds in order; the ones after `required` may be left out. */
  args: ArgKind[];
  required: number;
  /** i18n key of the help text (app/i18n/messages/rules.ts). */
  helpKey: `rules.filter.${string}`;
  example: string;
  apply(input: Value, args: string[]): Value;
}

/** A problem found while running a template: the order's data does not fit the rule. */
export class TemplateRuntimeError extends Error {
  constructor(readonly code: "not_a_number" | "division_by_zero" | "not_a_date", readonly value: string) {
    super(`${code}: ${value}`);
  }
}

const asText = (v: Value): string => (v === null ? "" : Array.isArray(v) ? v.join(", ") : v);
const asList = (v: Value): string[] => (v === null ? [] : Array.isArray(v) ? v : [v]);

/** A template value as a number: plain decimals only; "" or nothing is not a number either. */
export function asNumber(v: Value): Decimal {
  const text = asText(v);
  const d = parseDecimal(text);
  if (!d) throw new TemplateRuntimeError("not_a_number", text);
  return d;
}

/** Text written by people: "1 234,50", "1,234.50", "12,5" → the decimal it means. */
function looseNumber(v: Value): Decimal {
  const text = asText(v).trim().replace(/[\s\u00a0]/g, "");
  const normalised = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text) ? text.replace(/,/g, "")
    : /^-?\d+,\d+$/.test(text) ? text.replace(",", ".")
    : text;
  const d = parseDecimal(normalised);
  if (!d) throw new TemplateRuntimeError("not_a_number", asText(v));
  return d;
}

const arithmetic = (op: (a: Decimal, b: Decimal) => Decimal | null) => (input: Value, [arg]: string[]): Value => {
  const result = op(asNumber(input), asNumber(arg));
  if (!result) throw new TemplateRuntimeError("division_by_zero", asText(input));
  return formatDecimal(result);
};

const text = (f: (s: string, args: string[]) => string) => (input: Value, args: string[]): Value =>
  Array.isArray(input) ? input.map((s) => f(s, args)) : input === null ? null : f(input, args);

const spec = (name: string, args: ArgKind[], required: number, example: string, apply: FilterSpec["apply"]): [string, FilterSpec] =>
  [name, { args, required, helpKey: `rules.filter.${name}`, example, apply }];

export const FILTERS: Record<string, FilterSpec> = Object.fromEntries([
  spec("upper", [], 0, "{{ order.name | upper }}", text((s) => s.toLocaleUpperCase("sv"))),
  spec("lower", [], 0, "{{ customer.email | lower }}", text((s) => s.toLocaleLowerCase("sv"))),
  spec("capitalize", [], 0, "{{ shipping_address.city | capitalize }}", text((s) => s.charAt(0).toLocaleUpperCase("sv") + s.slice(1))),
  spec("trim", [], 0, "{{ order.note | trim }}", text((s) => s.trim())),
  spec("truncate", ["integer"], 1, "{{ order.note | truncate: 20 }}", text((s, [n]) => [...s].slice(0, Number(n)).join(""))),
  spec("replace", ["text", "text"], 2, "{{ order.name | replace: \"#\", \"SO-\" }}", text((s, [a, b]) => (a ? s.split(a).join(b) : s))),
  spec("remove", ["text"], 1, "{{ order.name | remove: \"#\" }}", text((s, [a]) => (a ? s.split(a).join("") : s))),
  spec("default", ["text"], 1, "{{ order.note_attributes.Referens | default: \"Webbshop\" }}",
    (input, [fallback]) => (asText(input).trim() === "" ? fallback : input)),
  spec("prepend", ["text"], 1, "{{ order.order_number | prepend: \"SO-\" }}", (input, [a]) => a + asText(input)),
  spec("append", ["text"], 1, "{{ order.name | append: \" (webb)\" }}", (input, [a]) => asText(input) + a),
  spec("split", ["text"], 1, "{{ order.note | split: \";\" | first }}", (input, [sep]) => (input === null ? [] : sep ? asText(input).split(sep) : [...asText(input)])),
  spec("first", [], 0, "{{ order.tags | first }}", (input) => asList(input)[0] ?? null),
  spec("last", [], 0, "{{ order.tags | last }}", (input) => asList(input).at(-1) ?? null),
  spec("join", ["text"], 0, "{{ order.tags | join: \" / \" }}", (input, [sep]) => asList(input).join(sep ?? ", ")),
  spec("number", ["integer", "locale"], 1, "{{ order.total_price | number: 2, \"sv\" }}",
    (input, [decimals, locale]) => formatGrouped(roundTo(asNumber(input), Number(decimals)), locale === "en" ? "en" : "sv")),
  spec("plus", ["number"], 1, "{{ order.total_price | plus: 10 }}", arithmetic(add)),
  spec("minus", ["number"], 1, "{{ order.total_price | minus: order.total_tax }}", arithmetic(subtract)),
  spec("times", ["number"], 1, "{{ order.total_price | times: 0.8 | round: 2 }}", arithmetic(multiply)),
  spec("divided_by", ["number"], 1, "{{ order.total_price | divided_by: 1.25 | round: 2 }}", arithmetic(divide)),
  spec("round", ["integer"], 0, "{{ order.total_price | round }}", (input, [n]) => formatDecimal(roundTo(asNumber(input), Number(n ?? 0)))),
  spec("to_number", [], 0, "{{ order.note_attributes.Belopp | to_number | times: 2 }}", (input) => formatDecimal(looseNumber(input))),
  spec("to_integer", [], 0, "{{ order.note_attributes.Antal | to_integer }}", (input) => formatDecimal(truncateTo(looseNumber(input), 0))),
  spec("to_string", [], 0, "{{ order.tags | to_string }}", (input) => asText(input)),
  spec("date", ["text"], 1, "{{ order.processed_at | date: \"%Y-%m-%d\" }}", (input, [format]) => {
    const out = formatDate(asText(input), format);
    if (out === null) throw new TemplateRuntimeError("not_a_date", asText(input));
    return out;
  }),
]);

export const FILTER_NAMES = Object.keys(FILTERS);

/** Whether a literal argument has the kind the filter takes ("0.8" is no integer, "x" no number). */
export function argumentFits(kind: ArgKind, value: string, numeric: boolean): boolean {
  switch (kind) {
    case "text": return true;
    case "number": return numeric || parseDecimal(value) !== null;
    case "integer": return /^\d{1,3}$/.test(value);
    case "locale": return value === "sv" || value === "en";
  }
}

export const compareNumbers = (a: Value, b: Value) => compare(asNumber(a), asNumber(b));
export { asText, asList };
