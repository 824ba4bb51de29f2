import { BlockStack, Box, Button, Card, Checkbox, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import type { Provider } from "~/connectors/types";
import { FIELD_INFO, RULE_FIELDS, type RuleCondition, type RuleInput, type RuleIssue } from "~/domain/rules";
import { CONDITION_TYPES, COMPARISONS } from "~/domain/rules/schema";
import { useLocale, useT } from "~/i18n/react";

// One mapping rule in the editor: its conditions and the fields it sets, with the validation
// issues shown at the condition or template they point at.

export const blankCondition = (type: RuleCondition["type"]): RuleCondition =>
  type === "b2b" ? { type, is: true } : type === "compare" ? { type, value: "", op: "equals", to: "" }
    : type === "country_in" ? { type, countries: [] } : type === "channel_in" ? { type, channels: [] } : { type, tag: "" };

function ConditionEditor({ c, onChange, onRemove }: { c: RuleCondition; onChange: (c: RuleCondition) => void; onRemove: () => void }) {
  const t = useT();
  const list = (v: string) => v.split(",").map((x) => x.trim()).filter(Boolean);
  return (
    <InlineStack gap="200" blockAlign="end" wrap={false}>
      <Select label={t("rules.page.condition")} value={c.type} options={CONDITION_TYPES.map((type) => ({ value: type, label: t(`rules.condition.${type}`) }))} onChange={(type) => onChange(blankCondition(type as RuleCondition["type"]))} />
      {(c.type === "has_tag" || c.type === "lacks_tag") && <TextField label={t("rules.page.conditionValue")} value={c.tag} onChange={(tag) => onChange({ ...c, tag })} autoComplete="off" />}
      {c.type === "country_in" && <TextField label={t("rules.page.conditionValue")} value={c.countries.join(", ")} onChange={(v) => onChange({ ...c, countries: list(v) })} autoComplete="off" />}
      {c.type === "channel_in" && <TextField label={t("rules.page.conditionValue")} value={c.channels.join(", ")} onChange={(v) => onChange({ ...c, channels: list(v) })} autoComplete="off" />}
      {c.type === "b2b" && <Select label={t("rules.page.conditionValue")} value={c.is ? "yes" : "no"} options={[{ value: "yes", label: t("rules.page.yes") }, { value: "no", label: t("rules.page.no") }]} onChange={(v) => onChange({ ...c, is: v === "yes" })} />}
      {c.type === "compare" && (
        <>
          <TextField label={t("rules.page.compareValue")} value={c.value} onChange={(value) => onChange({ ...c, value })} autoComplete="off" />
          <Select label={t("rules.page.compareOp")} value={c.op} options={COMPARISONS.map((op) => ({ value: op, label: t(`rules.op.${op}`) }))} onChange={(op) => onChange({ ...c, op: op as typeof c.op })} />
          <TextField label={t("rules.page.compareTo")} value={c.to ?? ""} onChange={(to) => onChange({ ...c, to })} autoComplete="off" />
        </>
      )}
      <Button onClick={onRemove}>{t("rules.page.removeItem")}</Button>
    </InlineStack>
  );
}

export function RuleEditor({ rule, index, provider, issues, onChange, onRemove }: { rule: RuleInput; index: number; provider: Provider; issues: RuleIssue[]; onChange: (r: RuleInput) => void; onRemove: () => void }) {
  const t = useT();
  const locale = useLocale();
  const issueAt = (path: string) => issues.filter((i) => i.path === path || i.path.startsWith(`${path}.`)).map((i) => (locale === "sv" ? i.messageSv : i.message)).join(" ") || undefined;
  const when = rule.when ?? [];
  const fieldOptions = RULE_FIELDS.filter((f) => FIELD_INFO[f].targets[provider]).map((f) => ({ value: f, label: t(`rules.field.${f}`) }));
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="300" blockAlign="end">
          <TextField label={t("rules.page.name")} value={rule.name} onChange={(name) => onChange({ ...rule, name })} error={issueAt(`rules[${index}].name`)} autoComplete="off" />
          <Checkbox label={t("rules.page.enabled")} checked={rule.enabled !== false} onChange={(enabled) => onChange({ ...rule, enabled })} />
          <Button tone="critical" onClick={onRemove}>{t("rules.page.remove")}</Button>
        </InlineStack>
        <Text as="h3" variant="headingSm">{t("rules.page.when")}</Text>
        {when.map((c, i) => (
          <BlockStack gap="100" key={i}>
            <ConditionEditor c={c as RuleCondition} onChange={(next) => onChange({ ...rule, when: when.map((x, j) => (j === i ? next : x)) })} onRemove={() => onChange({ ...rule, when: when.filter((_, j) => j !== i) })} />
            {issueAt(`rules[${index}].when[${i}]`) && <Text as="p" tone="critical">{issueAt(`rules[${index}].when[${i}]`)}</Text>}
          </BlockStack>
        ))}
        <InlineStack><Button onClick={() => onChange({ ...rule, when: [...when, blankCondition("has_tag")] })}>{t("rules.page.addCondition")}</Button></InlineStack>
        <Text as="h3" variant="headingSm">{t("rules.page.set")}</Text>
        {rule.set.map((a, i) => (
          <InlineStack gap="200" blockAlign="start" wrap={false} key={i}>
            <Select label={t("rules.page.field")} value={a.field} options={fieldOptions} onChange={(field) => onChange({ ...rule, set: rule.set.map((x, j) => (j === i ? { ...x, field: field as typeof a.field } : x)) })} />
            <Box minWidth="420px">
              <TextField label={t("rules.page.template")} value={a.template} monospaced autoComplete="off"
                onChange={(template) => onChange({ ...rule, set: rule.set.map((x, j) => (j === i ? { ...x, template } : x)) })}
                helpText={t(`rules.fieldHelp.${a.field}`)} error={issueAt(`rules[${index}].set[${i}]`)} />
            </Box>
            <Button onClick={() => onChange({ ...rule, set: rule.set.filter((_, j) => j !== i) })}>{t("rules.page.removeItem")}</Button>
          </InlineStack>
        ))}
        <InlineStack><Button onClick={() => onChange({ ...rule, set: [...rule.set, { field: "remarks", template: "" }] })}>{t("rules.page.addField")}</Button></InlineStack>
      </BlockStack>
    </Card>
  );
}

