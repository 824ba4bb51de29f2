import { isCompanyOrder } from "../mapping";
import { asList, asText, compareNumbers, FILTERS, TemplateRuntimeError } from "./filters";
import { resolvePath, tagsOf, type RuleContext, type Value } from "./paths";
import type { RuleCondition } from "./schema";
import type { ArgNode, ExpressionNode, Segment } from "./template";

// Runs parsed templates and conditions against one order. Only ever called on rules that
// validated, so an unknown filter here is a programming error; what the order's data can get
// wrong (a non-number where arithmetic needs one) comes back as a TemplateFailure with the
// place it happened.

export class TemplateFailure extends Error {
  constructor(readonly cause: TemplateRuntimeError, readonly filter: string, readonly column: number) {
    super(cause.message);
  }
}

const argValue = (arg: ArgNode, ctx: RuleContext): Value => (arg.kind === "literal" ? arg.value : resolvePath(arg.segments, ctx));

function run(expr: ExpressionNode, ctx: RuleContext): Value {
  let value = argValue(expr.input, ctx);
  for (const f of expr.filters) {
    const args = f.args.map((a) => asText(argValue(a, ctx)));
    try {
      value = FILTERS[f.name].apply(value, args);
    } catch (e) {
      if (e instanceof TemplateRuntimeError) throw new TemplateFailure(e, f.name, f.column);
      throw e;
    }
  }
  return value;
}

/** A template's text: literal parts and each tag's value (a list joined with ", "). */
export function evaluate(segments: Segment[], ctx: RuleContext): string {
  return segments.map((s) => (s.kind === "text" ? s.text : asText(run(s, ctx)))).join("");
}

/** A template that is one tag keeps its value's kind, so a condition can ask whether tags contain one. */
export function evaluateValue(segments: Segment[], ctx: RuleContext): Value {
  return segments.length === 1 && segments[0].kind === "expression" ? run(segments[0], ctx) : evaluate(segments, ctx);
}

const destinationCountry = (ctx: RuleContext) =>
  (ctx.order.shipping_address?.country_code ?? ctx.order.billing_address?.country_code ?? "").trim().toUpperCase();

const sameText = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export interface ParsedComparison {
  value: Segment[];
  to: Segment[];
}

/** gt and lt compare numbers; a value that is none is the order's problem, told where it is. */
function numeric(op: string, compare: () => boolean): boolean {
  try {
    return compare();
  } catch (e) {
    if (e instanceof TemplateRuntimeError) throw new TemplateFailure(e, op, 0);
    throw e;
  }
}

/** Whether a condition holds. `parsed` holds a compare condition's parsed templates. */
export function holds(condition: RuleCondition, ctx: RuleContext, parsed?: ParsedComparison): boolean {
  switch (condition.type) {
    case "has_tag": return tagsOf(ctx.order.tags).some((t) => sameText(t, condition.tag));
    case "lacks_tag": return !tagsOf(ctx.order.tags).some((t) => sameText(t, condition.tag));
    case "country_in": return condition.countries.some((c) => sameText(c, destinationCountry(ctx)));
    case "channel_in": return condition.channels.some((c) => sameText(c, ctx.order.source_name ?? ""));
    case "b2b": return isCompanyOrder(ctx.order) === condition.is;
    case "compare": {
      const left = evaluateValue(parsed!.value, ctx);
      const right = asText(evaluateValue(parsed!.to, ctx));
      const leftText = asText(left);
      switch (condition.op) {
        case "equals": return leftText === right;
        case "not_equals": return leftText !== right;
        case "contains": return Array.isArray(left) ? left.some((v) => sameText(v, right)) : leftText.includes(right);
        case "starts_with": return leftText.startsWith(right);
        case "gt": return numeric(condition.op, () => compareNumbers(left, right) > 0);
        case "lt": return numeric(condition.op, () => compareNumbers(left, right) < 0);
        case "empty": return asList(left).every((v) => v.trim() === "");
        case "not_empty": return asList(left).some((v) => v.trim() !== "");
      }
    }
  }
}
