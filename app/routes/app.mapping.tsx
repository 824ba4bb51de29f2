import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, type FetcherWithComponents } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, Divider, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { z } from "zod";
import type { Provider } from "~/connectors/types";
import { PreviewPanel, TestList, type PreviewAnswer } from "~/components/mapping/Preview";
import { RuleEditor } from "~/components/mapping/RuleEditor";
import type { RuleInput, RuleIssue } from "~/domain/rules";
import { useT } from "~/i18n/react";
import { authenticate } from "~/shopify.server";
import { deleteMappingTest, listMappingTests, runMappingTests, saveMappingTest, saveRules, type TestRun } from "~/sync/mapping-tests.server";
import { previewableOrders, previewOrder, withRules } from "~/sync/preview.server";
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
      // One read of the settings and target for both: this runs on every edit the merchant makes.
      const context = await withRules(shop, parsed.data.rules);
      const [preview, tests] = await Promise.all([previewOrder(shop, parsed.data.order, context), runMappingTests(shop, context)]);
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

type SaveAnswer = { saved?: boolean; errors?: { path: string; key: string; rule?: RuleIssue }[]; error?: string; testsFailed?: TestRun[] };

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
