import type { Provider } from "~/connectors/types";
import type { AccountingDocument, DocumentCustomer, DocumentFields } from "../accounting";
import { truncate } from "../text";
import { evaluate, holds, TemplateFailure, type ParsedComparison } from "./evaluate";
import { maxLengthOf, type CustomerFieldName, type DocumentFieldName, type RuleField } from "./fields";
import { issues, type RuleIssue } from "./issues";
import { metafieldKeyOf, type RuleContext } from "./paths";
import type { Rule } from "./schema";
import { parseTemplate, pathsOf, type Segment } from "./template";
import { checkTemplate, validateRules } from "./validate";

// Applies a shop's rules to a mapped document, in order: each enabled rule whose conditions all
// hold sets its fields, and a later rule overrides an earlier one. A template that comes out
// empty sets nothing (the field keeps the earlier rule's value, or Kontera's default), so
// `{{ order.note_attributes.PO }}` on an order without one does not blank the invoice's field.
// Pure: the admin's preview calls this with the same inputs as the worker.

export interface ApplyContext extends RuleContext {
  /** The system the document goes to: its field lengths and fields. Without one, the strictest. */
  provider?: Provider;
}

export interface AppliedRules {
  document: AccountingDocument;
  issues: RuleIssue[];
}

const CUSTOMER_KEYS: Record<CustomerFieldName, keyof DocumentCustomer> = {
  "customer.name": "name",
  "customer.email": "email",
  "customer.phone": "phone",
  "customer.yourReference": "yourReference",
};
const isCustomerField = (f: RuleField): f is CustomerFieldName => f.startsWith("customer.");

function failure(e: TemplateFailure, path: string, rule: string): RuleIssue {
  const where = { path, column: e.column || undefined };
  switch (e.cause.code) {
    case "not_a_number": return issues.notANumber(where, rule, e.filter, e.cause.value);
    case "division_by_zero": return issues.divisionByZero(where, rule);
    case "not_a_date": return issues.notADate(where, rule, e.cause.value);
  }
}

const parsed = (template: string): Segment[] => {
  const p = parseTemplate(template);
  if (!p.ok) throw new Error("applyRules runs validated rules only");
  return p.segments;
};

function conditionsHold(rule: Rule, ctx: RuleContext): boolean {
  return rule.when.every((c) => {
    const comparison: ParsedComparison | undefined = c.type === "compare" ? { value: parsed(c.value), to: parsed(c.to ?? "") } : undefined;
    return holds(c, ctx, comparison);
  });
}

export function applyRules(document: AccountingDocument, rules: Rule[], ctx: ApplyContext): AppliedRules {
  const found: RuleIssue[] = [];
  const fields: DocumentFields = { ...document.fields };
  const customer: DocumentCustomer = { ...document.customer };
  // A cut value is worth a warning only if it is the one booked, not one a later rule replaced.
  const cut = new Map<RuleField, RuleIssue>();

  // Each rule is checked on its own, so one broken rule is reported and the others still apply.
  const invalid = new Set(validateRules(rules, ctx.provider).map((i) => {
    found.push(i);
    return Number(/^rules\[(\d+)\]/.exec(i.path)?.[1]);
  }));

  rules.forEach((rule, r) => {
    if (!rule.enabled || invalid.has(r)) return;
    let applies: boolean;
    try {
      applies = conditionsHold(rule, ctx);
    } catch (e) {
      if (!(e instanceof TemplateFailure)) throw e;
      found.push(failure(e, `rules[${r}].when`, rule.name));
      return;
    }
    if (!applies) return;
    rule.set.forEach((a, i) => {
      const path = `rules[${r}].set[${i}].template`;
      let value: string;
      try {
        value = evaluate(checkTemplate(a.template, path).segments!, ctx).trim();
      } catch (e) {
        if (!(e instanceof TemplateFailure)) throw e;
        found.push(failure(e, path, rule.name));
        return;
      }
      if (!value) return;
      const max = maxLengthOf(a.field, ctx.provider);
      cut.delete(a.field);
      if (max !== undefined && value.length > max) {
        cut.set(a.field, issues.truncated({ path }, rule.name, a.field, ctx.provider, max, value.length));
        value = truncate(value, max);
      }
      if (isCustomerField(a.field)) (customer as unknown as Record<string, string>)[CUSTOMER_KEYS[a.field]] = value;
      else fields[a.field as DocumentFieldName] = value;
    });
  });
  found.push(...cut.values());
  const touched = Object.keys(fields).length > 0;
  return { document: { ...document, customer, ...(touched ? { fields } : {}) }, issues: found };
}

/** The order metafields (`namespace.key`) the enabled rules read, so a job fetches only those. */
export function metafieldsReferenced(rules: Rule[]): string[] {
  const keys = new Set<string>();
  for (const rule of rules.filter((r) => r.enabled)) {
    const templates = [...rule.set.map((a) => a.template), ...rule.when.flatMap((c) => (c.type === "compare" ? [c.value, c.to ?? ""] : []))];
    for (const t of templates) {
      const p = parseTemplate(t);
      if (!p.ok) continue;
      for (const path of pathsOf(p.segments)) {
        const key = metafieldKeyOf(path);
        if (key) keys.add(key);
      }
    }
  }
  return [...keys].sort();
}
