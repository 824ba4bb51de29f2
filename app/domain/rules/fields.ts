import type { Provider } from "~/connectors/types";
import type { DocumentFields } from "../accounting";

// The fields a rule may set, and where each lands in each accounting system with the length it
// takes there. A field a system lacks has no entry for it: validation refuses a rule that sets
// it while that system is the target, rather than the value silently going nowhere.
// Lengths: Fortnox's documented header limits (as the simulator enforces them), Visma's draft and
// customer schemas. Visma keeps projects and cost centres per row by GUID, and its
// BuyersOrderReference is Kontera's own reference, so those are not offered there.

export const RULE_FIELDS = [
  "ourReference",
  "yourReference",
  "yourOrderNumber",
  "remarks",
  "comments",
  "project",
  "costCenter",
  "customer.name",
  "customer.email",
  "customer.phone",
  "customer.yourReference",
] as const;

export type RuleField = (typeof RULE_FIELDS)[number];
/** The document-level fields (the rest are the customer's). */
export type DocumentFieldName = Exclude<RuleField, `customer.${string}`> & keyof DocumentFields;
export type CustomerFieldName = Extract<RuleField, `customer.${string}`>;

export interface FieldTarget {
  /** The field's name in that system's API, for the merchant who knows it from there. */
  target: string;
  maxLength: number;
}

export interface RuleFieldInfo {
  name: RuleField;
  /** i18n keys (app/i18n/messages/rules.ts). */
  labelKey: `rules.field.${RuleField}`;
  helpKey: `rules.fieldHelp.${RuleField}`;
  targets: Partial<Record<Provider, FieldTarget>>;
}

const info = (name: RuleField, targets: Partial<Record<Provider, FieldTarget>>): RuleFieldInfo => ({
  name, labelKey: `rules.field.${name}`, helpKey: `rules.fieldHelp.${name}`, targets,
});

export const FIELD_INFO: Record<RuleField, RuleFieldInfo> = {
  ourReference: info("ourReference", { fortnox: { target: "OurReference", maxLength: 50 }, visma: { target: "OurReference", maxLength: 50 } }),
  yourReference: info("yourReference", { fortnox: { target: "YourReference", maxLength: 50 }, visma: { target: "YourReference", maxLength: 50 } }),
  yourOrderNumber: info("yourOrderNumber", { fortnox: { target: "YourOrderNumber", maxLength: 30 } }),
  // Visma has no remarks field on a draft: the text goes on a text row, printed like one.
  remarks: info("remarks", { fortnox: { target: "Remarks", maxLength: 1024 }, visma: { target: "Rows[].Text (text row)", maxLength: 2000 } }),
  comments: info("comments", { fortnox: { target: "Comments", maxLength: 1024 } }),
  project: info("project", { fortnox: { target: "Project", maxLength: 20 } }),
  costCenter: info("costCenter", { fortnox: { target: "CostCenter", maxLength: 10 } }),
  "customer.name": info("customer.name", { fortnox: { target: "Customer.Name", maxLength: 1024 }, visma: { target: "Customer.Name", maxLength: 50 } }),
  "customer.email": info("customer.email", { fortnox: { target: "Customer.Email", maxLength: 1024 }, visma: { target: "Customer.EmailAddress", maxLength: 255 } }),
  "customer.phone": info("customer.phone", { fortnox: { target: "Customer.Phone1", maxLength: 1024 }, visma: { target: "Customer.Telephone", maxLength: 50 } }),
  "customer.yourReference": info("customer.yourReference", { fortnox: { target: "Customer.YourReference", maxLength: 50 } }),
};

/** The fields a provider offers, in the order the admin lists them. */
export const fieldsFor = (provider: Provider): RuleFieldInfo[] => RULE_FIELDS.map((f) => FIELD_INFO[f]).filter((f) => f.targets[provider]);

/**
 * The length a value may have: the target's, or without a target (a preview before connecting)
 * the shortest of the systems that have the field, so the value fits wherever it is booked.
 */
export function maxLengthOf(field: RuleField, provider?: Provider): number | undefined {
  const targets = FIELD_INFO[field].targets;
  if (provider) return targets[provider]?.maxLength;
  const lengths = Object.values(targets).map((t) => t.maxLength);
  return lengths.length ? Math.min(...lengths) : undefined;
}

export const PROVIDER_NAMES: Record<Provider, string> = { fortnox: "Fortnox", visma: "Visma eAccounting" };
