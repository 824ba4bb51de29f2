import type { Provider } from "~/connectors/types";
import type { MappingIssue } from "../accounting";
import { PROVIDER_NAMES, type RuleField } from "./fields";

// What is wrong with a rule, for the merchant, in English and Swedish, pointing at the place:
// `path` is where in the rules (rules[2].set[0].template), `column` where in that text (1-based).
// Errors stop a rule from being saved (or an order from being booked); warnings are told and
// the booking goes on (a value cut to the length the target takes).

export interface RuleIssue {
  path: string;
  column?: number;
  code: string;
  severity: "error" | "warning";
  message: string;
  messageSv: string;
}

type Where = { path: string; column?: number };

const error = (where: Where, code: string, message: string, messageSv: string): RuleIssue =>
  ({ ...where, code, severity: "error", message, messageSv });

const at = (where: Where) => (where.column ? ` at column ${where.column}` : "");
const atSv = (where: Where) => (where.column ? ` i kolumn ${where.column}` : "");
const meant = (suggestion?: string) => (suggestion ? ` (did you mean "${suggestion}"?)` : "");
const meantSv = (suggestion?: string) => (suggestion ? ` (menade du "${suggestion}"?)` : "");

export const issues = {
  syntax: (where: Where, code: string, detail: { en: string; sv: string }) =>
    error(where, code, `Template error${at(where)}: ${detail.en}`, `Fel i mallen${atSv(where)}: ${detail.sv}`),

  unknownFilter: (where: Where, name: string, suggestion?: string) =>
    error(where, "unknown_filter", `Unknown filter "${name}"${at(where)}${meant(suggestion)}`,
      `Okänt filter "${name}"${atSv(where)}${meantSv(suggestion)}`),

  filterArguments: (where: Where, name: string, min: number, max: number, got: number) => {
    const takes = min === max ? `${min}` : `${min} to ${max}`;
    const tar = min === max ? `${min}` : `${min} till ${max}`;
    return error(where, "filter_arguments", `The filter "${name}"${at(where)} takes ${takes} argument${max === 1 ? "" : "s"}, not ${got}`,
      `Filtret "${name}"${atSv(where)} tar ${tar} argument, inte ${got}`);
  },

  filterArgumentType: (where: Where, name: string, kind: string, value: string) => {
    const en: Record<string, string> = { number: "a number", integer: "a whole number (0–999)", locale: "\"sv\" or \"en\"", text: "text" };
    const sv: Record<string, string> = { number: "ett tal", integer: "ett heltal (0–999)", locale: "\"sv\" eller \"en\"", text: "text" };
    return error(where, "filter_argument_type", `The filter "${name}"${at(where)} needs ${en[kind]}, not "${value}"`,
      `Filtret "${name}"${atSv(where)} behöver ${sv[kind]}, inte "${value}"`);
  },

  unknownPath: (where: Where, path: string, suggestion?: string) =>
    error(where, "unknown_path", `Unknown value "${path}"${at(where)}${meant(suggestion)}`,
      `Okänt värde "${path}"${atSv(where)}${meantSv(suggestion)}`),

  pathNeedsName: (where: Where, path: string, expected: string) =>
    error(where, "path_needs_name", `"${path}"${at(where)} needs a name: write it as ${expected}`,
      `"${path}"${atSv(where)} behöver ett namn: skriv det som ${expected}`),

  dateFormat: (where: Where, directives: string[]) =>
    error(where, "date_format", `The date format${at(where)} uses ${directives.join(", ")}, which the date filter does not know`,
      `Datumformatet${atSv(where)} använder ${directives.join(", ")}, som datumfiltret inte känner till`),

  fieldUnavailable: (where: Where, field: RuleField, provider: Provider) =>
    error(where, "field_unavailable", `${PROVIDER_NAMES[provider]} has no field for "${field}"; remove it from the rule or book into another system`,
      `${PROVIDER_NAMES[provider]} har inget fält för "${field}"; ta bort det ur regeln eller bokför i ett annat system`),

  tooLong: (where: Where, field: RuleField, provider: Provider | undefined, max: number, length: number) => {
    const system = provider ? PROVIDER_NAMES[provider] : "the accounting system";
    const systemSv = provider ? PROVIDER_NAMES[provider] : "bokföringssystemet";
    return error(where, "too_long", `The text for "${field}" is ${length} characters; ${system} takes at most ${max}`,
      `Texten för "${field}" är ${length} tecken; ${systemSv} tar högst ${max}`);
  },

  emptyList: (where: Where, what: "countries" | "channels") =>
    error(where, "empty_list", `The condition lists no ${what}: add at least one or remove the condition`,
      `Villkoret anger inga ${what === "countries" ? "länder" : "försäljningskanaler"}: lägg till minst ett eller ta bort villkoret`),

  countryCode: (where: Where, code: string) =>
    error(where, "country_code", `"${code}" is not a two-letter country code (SE, NO, DE…)`,
      `"${code}" är ingen landskod med två bokstäver (SE, NO, DE…)`),

  compareNeedsValue: (where: Where, op: string) =>
    error(where, "compare_needs_value", `"${op}" compares with a value: fill in what to compare with`,
      `"${op}" jämför med ett värde: fyll i vad det ska jämföras med`),

  invalid: (where: Where, detail: string) =>
    error(where, "invalid", `Invalid rule: ${detail}`, `Ogiltig regel: ${detail}`),

  // ---- when an order is booked ----

  notANumber: (where: Where, rule: string, filter: string, value: string) =>
    error(where, "not_a_number", `Rule "${rule}": "${filter}" needs a number, but the order gave "${value}"`,
      `Regeln "${rule}": "${filter}" behöver ett tal, men ordern gav "${value}"`),

  divisionByZero: (where: Where, rule: string) =>
    error(where, "division_by_zero", `Rule "${rule}" divides by zero`, `Regeln "${rule}" dividerar med noll`),

  notADate: (where: Where, rule: string, value: string) =>
    error(where, "not_a_date", `Rule "${rule}": "${value}" is not a date`, `Regeln "${rule}": "${value}" är inget datum`),

  truncated: (where: Where, rule: string, field: RuleField, provider: Provider | undefined, max: number, length: number): RuleIssue => ({
    ...where,
    code: "truncated",
    severity: "warning",
    message: `Rule "${rule}": the text for "${field}" was ${length} characters and was cut to the ${max} ${provider ? PROVIDER_NAMES[provider] : "the accounting system"} takes`,
    messageSv: `Regeln "${rule}": texten för "${field}" var ${length} tecken och kortades till de ${max} ${provider ? PROVIDER_NAMES[provider] : "bokföringssystemet"} tar`,
  }),
};

/** A rule problem as the mapping reports it (needs action on the job). */
export const toMappingIssue = (i: RuleIssue): MappingIssue =>
  ({ code: `rules:${i.code}`, message: `${i.message} (${i.path})`, messageSv: `${i.messageSv} (${i.path})`, field: i.path });
