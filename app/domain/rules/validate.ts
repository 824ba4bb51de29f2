import type { Provider } from "~/connectors/types";
import { unknownDirectives } from "./dates";
import { FIELD_INFO, maxLengthOf } from "./fields";
import { argumentFits, FILTER_NAMES, FILTERS } from "./filters";
import { issues, type RuleIssue } from "./issues";
import { checkPath, closest } from "./paths";
import { rulesSchema, type Rule } from "./schema";
import { parseTemplate, type Segment } from "./template";

// Rules are checked before they are saved and again before an order is booked with them (the
// target may have changed since): every problem, each pointing at its rule, its part and its
// column, so the admin can underline it.

/** Parses one template and checks its paths, filters and arguments. */
export function checkTemplate(template: string, path: string): { segments: Segment[] | null; issues: RuleIssue[] } {
  const parsed = parseTemplate(template);
  if (!parsed.ok) {
    const { code, column, detail } = parsed.problem;
    return { segments: null, issues: [issues.syntax({ path, column }, code, detail)] };
  }
  const found: RuleIssue[] = [];
  for (const s of parsed.segments) {
    if (s.kind === "text") continue;
    for (const arg of [s.input, ...s.filters.flatMap((f) => f.args)]) {
      if (arg.kind !== "path") continue;
      const problem = checkPath(arg);
      const where = { path, column: arg.column };
      if (problem?.code === "unknown_path") found.push(issues.unknownPath(where, arg.text, problem.suggestion));
      if (problem?.code === "path_needs_name") found.push(issues.pathNeedsName(where, arg.text, problem.expected));
    }
    for (const f of s.filters) {
      const where = { path, column: f.column };
      const spec = FILTERS[f.name];
      if (!spec) {
        found.push(issues.unknownFilter(where, f.name, closest(f.name, FILTER_NAMES)));
        continue;
      }
      if (f.args.length < spec.required || f.args.length > spec.args.length) {
        found.push(issues.filterArguments(where, f.name, spec.required, spec.args.length, f.args.length));
        continue;
      }
      f.args.forEach((a, i) => {
        if (a.kind === "literal" && !argumentFits(spec.args[i], a.value, a.numeric)) {
          found.push(issues.filterArgumentType({ path, column: a.column }, f.name, spec.args[i], a.value));
        }
      });
      const format = f.name === "date" ? f.args[0] : undefined;
      if (format?.kind === "literal" && unknownDirectives(format.value).length) {
        found.push(issues.dateFormat({ path, column: format.column }, unknownDirectives(format.value)));
      }
    }
  }
  return { segments: found.length ? null : parsed.segments, issues: found };
}

/** Literal text the template always writes: more than the field takes can never fit. */
const literalLength = (segments: Segment[]) => segments.reduce((n, s) => n + (s.kind === "text" ? s.text.length : 0), 0);

const COUNTRY = /^[A-Za-z]{2}$/;

function checkRule(rule: Rule, r: number, provider: Provider | undefined): RuleIssue[] {
  const found: RuleIssue[] = [];
  rule.when.forEach((c, i) => {
    const path = `rules[${r}].when[${i}]`;
    switch (c.type) {
      case "country_in":
        if (!c.countries.length) found.push(issues.emptyList({ path: `${path}.countries` }, "countries"));
        c.countries.forEach((code, j) => { if (!COUNTRY.test(code)) found.push(issues.countryCode({ path: `${path}.countries[${j}]` }, code)); });
        break;
      case "channel_in":
        if (!c.channels.length) found.push(issues.emptyList({ path: `${path}.channels` }, "channels"));
        break;
      case "compare": {
        found.push(...checkTemplate(c.value, `${path}.value`).issues);
        const valueless = c.op === "empty" || c.op === "not_empty";
        if (!valueless && c.to === undefined) found.push(issues.compareNeedsValue({ path: `${path}.to` }, c.op));
        if (!valueless && c.to !== undefined) found.push(...checkTemplate(c.to, `${path}.to`).issues);
        break;
      }
    }
  });
  rule.set.forEach((a, i) => {
    const path = `rules[${r}].set[${i}]`;
    if (provider && !FIELD_INFO[a.field].targets[provider]) found.push(issues.fieldUnavailable({ path: `${path}.field` }, a.field, provider));
    const checked = checkTemplate(a.template, `${path}.template`);
    found.push(...checked.issues);
    const max = maxLengthOf(a.field, provider);
    const fixed = checked.segments ? literalLength(checked.segments) : 0;
    if (max !== undefined && fixed > max) found.push(issues.tooLong({ path: `${path}.template` }, a.field, provider, max, fixed));
  });
  return found;
}

/** zod's path [2, "set", 0, "template"] as the admin addresses it: rules[2].set[0].template */
const rulePath = (p: PropertyKey[]) => `rules${p.map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`)).join("")}`;

/**
 * Every problem with `rules` as the target `provider` would book them (without one, the
 * strictest of the systems). `rules` is what the admin sends: anything, checked here.
 */
export function validateRules(rules: unknown, provider?: Provider): RuleIssue[] {
  const parsed = rulesSchema.safeParse(rules);
  if (!parsed.success) return parsed.error.issues.map((i) => issues.invalid({ path: rulePath(i.path) }, i.message));
  return parsed.data.flatMap((rule, r) => checkRule(rule, r, provider));
}

/** Only errors stop saving; a warning is for the merchant to read. */
export const hasErrors = (found: RuleIssue[]) => found.some((i) => i.severity === "error");

/**
 * What the admin's save action calls: the rules with their defaults filled in, ready for the
 * shop's settings, or every problem that refuses them for the target.
 */
export function rulesForSaving(input: unknown, provider?: Provider): { ok: true; rules: Rule[] } | { ok: false; issues: RuleIssue[] } {
  const found = validateRules(input, provider);
  if (hasErrors(found)) return { ok: false, issues: found };
  return { ok: true, rules: rulesSchema.parse(input) };
}
