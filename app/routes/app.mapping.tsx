import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, type FetcherWithComponents } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, Checkbox, DataTable, Divider, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { z } from "zod";
import type { Provider } from "~/connectors/types";
import { FIELD_INFO, RULE_FIELDS, type RuleCondition, type RuleInput, type RuleIssue } from "~/domain/rules";
import { CONDITION_TYPES, COMPARISONS } from "~/domain/rules/schema";
import { formatMinor } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { authenticate } from "~/shopify.server";
import { deleteMappingTest, listMappingTests, runMappingTests, saveMappingTest, saveRules, type TestRun } from "~/sync/mapping-tests.server";
import { previewableOrders, previewOrder } from "~/sync/preview.server";
import { loadSettings } from "~/sync/settings.server";
import { currentTarget } from "~/sync/target.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [stored, orders, { target }, tests] = await Promise.all([loadSettings(session.shop), previewableOrders(session.shop), currentTarget(session.shop), listMappingTests(session.shop)]);
  return json({ rules: stored.settings.rules as RuleInput[], orders, provider: target as Provider, tests });
};

const body = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("preview"), order: z.string().min(1).max(100), rules: z.unknown() }),
  z.object({ intent: z.literal("save"), rules: z.unknown(), confirm: z.boolean().default(false) }),
  z.object({ intent: z.literal("saveTest"), order: z.string().min(1).max(100), rules: z.unknown(), name: z.string().max(100).optional() }),
  z.object({ intent: z.literal("deleteTest"), id: z.string().min(1).max(64) }),
]);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = body.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return json({ error: "settings.error.invalid" }, { status: 400 });
  const { shop } = session;
  switch (parsed.data.intent) {
    case "preview": {
      const [preview, tests] = await Promise.all([previewOrder(shop, parsed.data.order, parsed.data.rules), runMappingTests(shop, parsed.data.rules)]);
      return json({ preview, tests: tests.map(({ actual: _, ...t }) => t) });
    }
    case "saveTest":
      return json({ test: await saveMappingTest(shop, parsed.data.order, parsed.data.rules, parsed.data.name) });
    case "deleteTest":
      return json({ deleted: await deleteMappingTest(shop, parsed.data.id) });
    case "save": {
      const saved = await saveRules(shop, parsed.data.rules, parsed.data.confirm);
      if (saved.ok) return json({ saved: true });
      return "testsFailed" in saved ? json({ testsFailed: saved.testsFailed }, { status: 409 }) : json({ errors: saved.errors }, { status: 400 });
    }
  }
};

type PreviewAnswer = Awaited<ReturnType<typeof previewOrder>>;
type SaveAnswer = { saved?: boolean; errors?: { path: string; key: string; rule?: RuleIssue }[]; error?: string; testsFailed?: TestRun[] };

const blankCondition = (type: RuleCondition["type"]): RuleCondition =>
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

function RuleEditor({ rule, index, provider, issues, onChange, onRemove }: { rule: RuleInput; index: number; provider: Provider; issues: RuleIssue[]; onChange: (r: RuleInput) => void; onRemove: () => void }) {
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

function PreviewPanel({ answer, provider }: { answer?: PreviewAnswer; provider: Provider }) {
  const t = useT();
  const locale = useLocale();
  if (!answer) return null;
  const say = (i: { message: string; messageSv: string }) => (locale === "sv" ? i.messageSv : i.message);
  if (!answer.ok) return <Banner tone="warning">{t(answer.reason === "order_not_found" ? "rules.preview.notFound" : "rules.preview.fix")}</Banner>;
  const doc = answer.document;
  const fields = Object.entries(doc?.fields ?? {}).filter(([, v]) => v);
  return (
    <BlockStack gap="300">
      {(answer.issues.length > 0 || answer.mappingIssues.length > 0) && (
        <Banner tone={answer.mappingIssues.length ? "critical" : "warning"} title={t("rules.preview.issues")}>
          <BlockStack gap="100">{[...answer.mappingIssues, ...answer.issues].map((i, n) => <Text as="p" key={n}>{say(i)}</Text>)}</BlockStack>
        </Banner>
      )}
      {doc && (
        <>
          <Text as="h3" variant="headingSm">{t("rules.preview.customer")}</Text>
          <Text as="p">{doc.customer.name}{doc.customer.email ? ` · ${doc.customer.email}` : ""}{doc.customer.orgNumber ? ` · ${doc.customer.orgNumber}` : ""}</Text>
          <Text as="h3" variant="headingSm">{t("rules.preview.fields")}</Text>
          {fields.length === 0 ? <Text as="p" tone="subdued">{t("rules.preview.noFields")}</Text> : (
            <BlockStack gap="100">{fields.map(([k, v]) => <Text as="p" key={k}><Text as="span" fontWeight="semibold">{t(`rules.field.${k}`)}:</Text> {v}</Text>)}</BlockStack>
          )}
          <Text as="h3" variant="headingSm">{t("rules.preview.rows")} · {t(`provider.${provider}`)}</Text>
          <DataTable
            columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "text"]}
            headings={[t("rules.preview.col.article"), t("rules.preview.col.description"), t("rules.preview.col.quantity"), t("rules.preview.col.price"), t("rules.preview.col.vat"), t("rules.preview.col.account")]}
            rows={doc.rows.map((r) => [r.articleNumber ?? "", r.description, r.quantity, formatMinor(locale, r.unitPrice, doc.currency), r.vatRate, r.account])}
          />
          <Text as="p" fontWeight="semibold">{t("rules.preview.total", { total: formatMinor(locale, doc.total, doc.currency), vat: formatMinor(locale, doc.vat, doc.currency) })}</Text>
        </>
      )}
    </BlockStack>
  );
}

function TestList({ runs, onDelete }: { runs: (TestRun & { unknown?: boolean })[]; onDelete?: (id: string) => void }) {
  const t = useT();
  return (
    <BlockStack gap="200">
      {runs.map((r) => (
        <BlockStack gap="100" key={r.id}>
          <InlineStack gap="200" blockAlign="center">
            <Text as="span" fontWeight="semibold">{r.name}</Text>
            {!r.unknown && <Badge tone={r.passed ? "success" : "critical"}>{t(r.passed ? "rules.tests.passes" : "rules.tests.differs")}</Badge>}
            {onDelete && <Button size="slim" onClick={() => onDelete(r.id)}>{t("rules.page.removeItem")}</Button>}
          </InlineStack>
          {r.differences.slice(0, 8).map((d, i) => <Text as="p" key={i} tone="subdued"><code>{d}</code></Text>)}
        </BlockStack>
      ))}
    </BlockStack>
  );
}

export default function Mapping() {
  const t = useT();
  const loaded = useLoaderData<typeof loader>();
  const [rules, setRules] = useState<RuleInput[]>(loaded.rules);
  const [order, setOrder] = useState(loaded.orders[0]?.orderId ?? "");
  const preview = useFetcher<{ preview?: PreviewAnswer; tests?: TestRun[] }>();
  const save = useFetcher<SaveAnswer>();
  const tests = useFetcher<{ test?: { ok: boolean; reason?: string }; deleted?: boolean }>();
  const submitJson = (f: Pick<FetcherWithComponents<unknown>, "submit">, data: Record<string, unknown>) => f.submit(data as never, { method: "post", encType: "application/json" });
  // A saved or deleted test changes the list: run the tests again with the rules as they are.
  useEffect(() => {
    if (tests.state === "idle" && tests.data && order) submitJson(preview, { intent: "preview", order, rules });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tests.state, tests.data]);
  // The preview follows every edit, a moment after typing stops.
  useEffect(() => {
    if (!order) return;
    const timer = setTimeout(() => submitJson(preview, { intent: "preview", order, rules }), 400);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [order, rules]);
  const previewIssues = preview.data?.preview?.issues ?? [];
  const saveIssues = (save.data?.errors ?? []).flatMap((e) => (e.rule ? [e.rule] : []));
  const issues = save.state === "idle" && save.data?.errors ? saveIssues : previewIssues;
  const update = (i: number) => (r: RuleInput) => setRules((all) => all.map((x, j) => (j === i ? r : x)));
  return (
    <Page title={t("rules.title")} primaryAction={{ content: t("action.save"), loading: save.state !== "idle", onAction: () => submitJson(save, { intent: "save", rules, confirm: false }) }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="200">
            <Text as="p">{t("rules.intro")}</Text>
            <Text as="p" tone="subdued">{t("rules.templateHelp")}</Text>
            {save.data?.saved && <Banner tone="success">{t("rules.page.saved")}</Banner>}
            {save.data?.errors && <Banner tone="critical">{t("rules.page.notSaved")}</Banner>}
            {save.data?.testsFailed && (
              <Banner tone="warning" title={t("rules.tests.changed", { count: save.data.testsFailed.length })}
                action={{ content: t("rules.tests.saveAnyway"), onAction: () => submitJson(save, { intent: "save", rules, confirm: true }) }}>
                <TestList runs={save.data.testsFailed} />
              </Banner>
            )}
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="400">
            {rules.length === 0 && <Card><Text as="p">{t("rules.page.none")}</Text></Card>}
            {rules.map((r, i) => (
              <RuleEditor key={i} rule={r} index={i} provider={loaded.provider} issues={issues} onChange={update(i)} onRemove={() => setRules((all) => all.filter((_, j) => j !== i))} />
            ))}
            <InlineStack><Button onClick={() => setRules((all) => [...all, { name: t("rules.page.rules") + ` ${all.length + 1}`, enabled: true, when: [], set: [{ field: "remarks", template: "" }] }])}>{t("rules.page.add")}</Button></InlineStack>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">{t("rules.preview.title")}</Text>
              <Text as="p" tone="subdued">{t("rules.preview.help")}</Text>
              <Select label={t("rules.preview.order")} value={loaded.orders.some((o) => o.orderId === order) ? order : ""} onChange={setOrder}
                options={[{ value: "", label: t("rules.preview.pick") }, ...loaded.orders.map((o) => ({ value: o.orderId, label: o.name }))]} />
              <TextField label={t("rules.preview.orderId")} value={order} onChange={setOrder} autoComplete="off" />
              <Divider />
              <PreviewPanel answer={preview.data?.preview} provider={loaded.provider} />
              {preview.data?.preview?.ok && preview.data.preview.document && (
                <InlineStack><Button loading={tests.state !== "idle"} onClick={() => submitJson(tests, { intent: "saveTest", order, rules })}>{t("rules.tests.save")}</Button></InlineStack>
              )}
              {tests.data?.test && !tests.data.test.ok && <Text as="p" tone="critical">{t("rules.tests.notSaved")}</Text>}
            </BlockStack>
          </Card>
          <Box paddingBlockStart="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">{t("rules.tests.title")}</Text>
                <Text as="p" tone="subdued">{t("rules.tests.help")}</Text>
                {loaded.tests.length === 0 ? <Text as="p" tone="subdued">{t("rules.tests.none")}</Text> : (
                  <TestList runs={preview.data?.tests ?? loaded.tests.map((x) => ({ ...x, passed: true, differences: [], unknown: true }))} onDelete={(id) => submitJson(tests, { intent: "deleteTest", id })} />
                )}
              </BlockStack>
            </Card>
          </Box>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
