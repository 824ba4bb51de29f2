import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, IndexTable, InlineStack, Layout, Page, Select, Text, useIndexResourceState } from "@shopify/polaris";
import { z } from "zod";
import { JobStatusBadge } from "~/components/JobStatusBadge";
import { formatDateTime } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { authenticate } from "~/shopify.server";
import { JOB_KINDS, messageIn, PROBLEM_STATUSES } from "~/sync/causes";
import { failureFilterSchema, failureGroups, groupJobIds, type FailureGroup } from "~/sync/failures.server";
import { replayJobs } from "~/sync/replay.server";

const filterOf = (params: URLSearchParams) => failureFilterSchema.parse(Object.fromEntries(params));

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const filter = filterOf(new URL(request.url).searchParams);
  return json({ filter, ...(await failureGroups(session.shop, filter)) });
};

const replayForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("group"), group: z.string().min(1).max(64) }),
  z.object({ intent: z.literal("selected"), ids: z.string().min(1).transform((s) => s.split(",").slice(0, 5000)) }),
]);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = Object.fromEntries(await request.formData());
  const parsed = replayForm.safeParse(form);
  if (!parsed.success) return json({ error: "failures.badRequest" }, { status: 400 });
  const ids = parsed.data.intent === "group"
    ? await groupJobIds(session.shop, failureFilterSchema.parse(form), parsed.data.group)
    : parsed.data.ids;
  return json({ replayed: await replayJobs(session.shop, ids) });
};


function Group({ group, filter }: { group: FailureGroup; filter: Record<string, string> }) {
  const t = useT();
  const locale = useLocale();
  const fetcher = useFetcher<{ replayed?: number; error?: string }>();
  const { selectedResources, allResourcesSelected, handleSelectionChange } = useIndexResourceState(group.jobs);
  const provider = t(`provider.${group.provider}`);
  const replay = (fields: Record<string, string>) => fetcher.submit({ ...filter, ...fields }, { method: "post" });
  const busy = fetcher.state !== "idle";
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <Text as="h2" variant="headingMd">{t(`${group.causeKey}.explain`)}</Text>
          <Badge tone="critical">{t("failures.count", { count: group.count })}</Badge>
        </InlineStack>
        <BlockStack gap="100">
          <Text as="p" tone="subdued">{t("failures.providerSays", { provider })}</Text>
          <Text as="p" fontWeight="medium">{messageIn(locale, group.code, group.message)}</Text>
        </BlockStack>
        <Text as="p">{t(`${group.causeKey}.fix`)}</Text>
        <InlineStack gap="200">
          {group.fixAt && <Button url={group.fixAt}>{t("failures.fixIt")}</Button>}
          <Button variant="primary" loading={busy} onClick={() => replay({ intent: "group", group: group.id })}>{t("failures.replayGroup", { count: group.count })}</Button>
          <Button disabled={!selectedResources.length && !allResourcesSelected} loading={busy} onClick={() => replay({ intent: "selected", ids: (allResourcesSelected ? group.jobs.map((j) => j.id) : selectedResources).join(",") })}>
            {t("failures.replaySelected")}
          </Button>
        </InlineStack>
        {fetcher.data?.replayed !== undefined && <Text as="p" tone="success">{t("failures.replayed", { count: fetcher.data.replayed })}</Text>}
        {fetcher.data?.error && <Text as="p" tone="critical">{t(fetcher.data.error)}</Text>}
        <IndexTable
          resourceName={{ singular: t("failures.col.order"), plural: t("failures.count", { count: group.count }) }}
          itemCount={group.jobs.length}
          selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
          onSelectionChange={handleSelectionChange}
          headings={[{ title: t("failures.col.order") }, { title: t("failures.col.kind") }, { title: t("failures.col.status") }, { title: t("failures.col.attempts") }, { title: t("failures.col.when") }]}
        >
          {group.jobs.map((job, i) => (
            <IndexTable.Row id={job.id} key={job.id} position={i} selected={selectedResources.includes(job.id)}>
              <IndexTable.Cell><Link to={`/app/orders?q=${encodeURIComponent(job.subjectName ?? "")}`}>{job.subjectName ?? job.id}</Link></IndexTable.Cell>
              <IndexTable.Cell>{t(`kind.${job.kind}`)}</IndexTable.Cell>
              <IndexTable.Cell><JobStatusBadge status={job.status} /></IndexTable.Cell>
              <IndexTable.Cell>{job.attempts}</IndexTable.Cell>
              <IndexTable.Cell>{formatDateTime(locale, job.updatedAt)}</IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      </BlockStack>
    </Card>
  );
}

function Filters() {
  const t = useT();
  const [, setParams] = useSearchParams();
  const { filter } = useLoaderData<typeof loader>();
  const all = { label: t("failures.filter.all"), value: "all" };
  // Each choice reloads the list at once; the filter lives in the URL so a link keeps it.
  const set = (key: string) => (value: string) => setParams((p) => { p.set(key, value); return p; });
  return (
    <InlineStack gap="300" blockAlign="end">
      <Select label={t("failures.filter.status")} value={filter.status} onChange={set("status")} options={[all, ...PROBLEM_STATUSES.map((s) => ({ label: t(`status.${s}`), value: s }))]} />
      <Select label={t("failures.filter.kind")} value={filter.kind} onChange={set("kind")} options={[all, ...JOB_KINDS.map((k) => ({ label: t(`kind.${k}`), value: k }))]} />
      <Select label={t("failures.filter.since")} value={filter.since} onChange={set("since")} options={[all, ...["24h", "7d", "30d"].map((s) => ({ label: t(`failures.since.${s}`), value: s }))]} />
    </InlineStack>
  );
}

export default function Failures() {
  const t = useT();
  const { groups, total, truncated, filter } = useLoaderData<typeof loader>();
  return (
    <Page title={t("failures.title")} subtitle={t("failures.summary", { total, groups: groups.length })}>
      <Layout>
        <Layout.Section>
          <Card><Filters /></Card>
        </Layout.Section>
        {truncated && <Layout.Section><Text as="p" tone="subdued">{t("failures.truncated", { shown: 5000 })}</Text></Layout.Section>}
        {groups.length === 0 ? (
          <Layout.Section><Card><Text as="p">{t("failures.none")}</Text></Card></Layout.Section>
        ) : (
          groups.map((g) => <Layout.Section key={g.id}><Group group={g} filter={filter} /></Layout.Section>)
        )}
      </Layout>
    </Page>
  );
}
