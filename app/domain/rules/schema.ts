import { z } from "zod";
import { RULE_FIELDS } from "./fields";

// The stored shape of a shop's mapping rules (part of its settings JSON). zod checks the shape;
// what a template means (paths, filters, arguments) and whether a field exists in the target is
// validateRules' job, so the merchant gets a message that points at the mistake.

/** Bounded so one shop's rules cannot make every booking slow. */
const template = z.string().max(2000);
const list = z.array(z.string().trim().min(1).max(255)).max(200);

export const COMPARISONS = ["equals", "not_equals", "contains", "starts_with", "gt", "lt", "empty", "not_empty"] as const;
export type Comparison = (typeof COMPARISONS)[number];

export const conditionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("has_tag"), tag: z.string().trim().min(1).max(255) }),
  z.object({ type: z.literal("lacks_tag"), tag: z.string().trim().min(1).max(255) }),
  /** The shipping address's country, else the billing address's (ISO alpha-2). */
  z.object({ type: z.literal("country_in"), countries: list }),
  /** Shopify's source_name: web, pos, shopify_draft_order, an app's id… */
  z.object({ type: z.literal("channel_in"), channels: list }),
  /** The buyer is a company (company name, organisation or VAT number), as the mapping decides. */
  z.object({ type: z.literal("b2b"), is: z.boolean() }),
  z.object({ type: z.literal("compare"), value: template, op: z.enum(COMPARISONS), to: template.optional() }),
]);
export type RuleCondition = z.infer<typeof conditionSchema>;
export type ConditionType = RuleCondition["type"];
export const CONDITION_TYPES: ConditionType[] = ["has_tag", "lacks_tag", "country_in", "channel_in", "b2b", "compare"];

export const assignmentSchema = z.object({ field: z.enum(RULE_FIELDS), template });
export type RuleAssignment = z.infer<typeof assignmentSchema>;

export const ruleSchema = z.object({
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean().default(true),
  /** Every condition must hold; none means always. */
  when: z.array(conditionSchema).max(20).default([]),
  set: z.array(assignmentSchema).min(1).max(20),
});
export type Rule = z.infer<typeof ruleSchema>;
/** A rule as the admin sends it, before defaults. */
export type RuleInput = z.input<typeof ruleSchema>;

export const rulesSchema = z.array(ruleSchema).max(50).default([]);
