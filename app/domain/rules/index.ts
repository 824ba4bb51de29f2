import { CONDITION_TYPES, COMPARISONS, type Comparison, type ConditionType } from "./schema";
import { FILTERS, type ArgKind } from "./filters";
import { DATE_DIRECTIVES } from "./dates";
import { KNOWN_PATHS } from "./paths";

// The mapping rules engine: merchants' rules that set invoice fields from templates over the
// order. Pure and isomorphic: the worker books with it and the admin's editor and live preview
// run the same code. What the admin needs to show help comes from here too, as i18n keys into
// app/i18n/messages/rules.ts.

export { applyRules, metafieldsReferenced, type ApplyContext, type AppliedRules } from "./apply";
export { FIELD_INFO, fieldsFor, maxLengthOf, RULE_FIELDS, type FieldTarget, type RuleField, type RuleFieldInfo } from "./fields";
export type { RuleIssue } from "./issues";
export type { RuleContext, Value } from "./paths";
export { conditionSchema, ruleSchema, rulesSchema, type Rule, type RuleCondition, type RuleInput, type RuleAssignment, type Comparison, type ConditionType } from "./schema";
export { hasErrors, rulesForSaving, validateRules } from "./validate";
export { KNOWN_PATHS, DATE_DIRECTIVES };

export interface FilterHelp {
  name: string;
  /** What each argument is, in order; those after `required` may be left out. */
  args: ArgKind[];
  required: number;
  helpKey: `rules.filter.${string}`;
  example: string;
}

export const FILTER_HELP: FilterHelp[] = Object.entries(FILTERS).map(([name, f]) => ({ name, args: f.args, required: f.required, helpKey: f.helpKey, example: f.example }));

export const CONDITION_HELP: { type: ConditionType; helpKey: `rules.condition.${ConditionType}` }[] =
  CONDITION_TYPES.map((type) => ({ type, helpKey: `rules.condition.${type}` }));

export const COMPARISON_HELP: { op: Comparison; labelKey: `rules.op.${Comparison}` }[] =
  COMPARISONS.map((op) => ({ op, labelKey: `rules.op.${op}` }));
