import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, DataTable, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { useEffect } from "react";
import { useT } from "~/i18n/react";
import { authenticate } from "~/shopify.server";
import { shopOverview } from "~/sync/overview.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json(await shopOverview(session.shop));
};

const TONE: Record<string, "success" | "critical" | "warning" | "attention" | undefined> = {
  active: "success", reauth_required: "critical", paused: "warning", disconnected: undefined, not_connected: undefined,
  needs_action: "critical", failed: "critical", needs_review: "warning",
};

type Connection = { provider: string; status: string; companyName: string | null; lastError: string | null };

function ConnectionCard({ connection, target }: { connection: Connection; target: boolean }) {
  const t = useT();
  const fetcher = useFetcher<{ authorizeUrl?: string; error?: string; switchChoice?: { from: string; orders: number; choices: string[] } }>();
  useEffect(() => {
    // The provider's login cannot run inside the admin iframe: open it at the top level.
    if (fetcher.data?.authorizeUrl) window.open(fetcher.data.authorizeUrl, "_top");
  }, [fetcher.data]);
  const name = t(`provider.${connection.provider}`);
  const connected = connection.status === "active";
  const ask = fetcher.data?.switchChoice;
  const button = (intent: string, label: string, extra: Record<string, string> = {}) => (
    <fetcher.Form method="post" action="/app/connection" key={label}>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="provider" value={connection.provider} />
      {Object.entries(extra).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
      <Button submit variant={intent === "connect" ? "primary" : "secondary"} loading={fetcher.state !== "idle"}>{label}</Button>
    </fetcher.Form>
  );
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">{name}</Text>
          <InlineStack gap="200">
            {target && connected && <Badge tone="info">{t("home.bookingHere")}</Badge>}
            <Badge tone={TONE[connection.status]}>{t(`connection.${connection.status}`)}</Badge>
          </InlineStack>
        </InlineStack>
        <Text as="p">{connected ? t("home.connectedTo", { company: connection.companyName ?? "" }) : t("home.connectPrompt", { name })}</Text>
        {connection.status === "reauth_required" && <Text as="p" tone="critical">{connection.lastError}</Text>}
        {fetcher.data?.error && !ask && <Text as="p" tone="critical">{fetcher.data.error}</Text>}
        {ask ? (
          <BlockStack gap="200">
            <Text as="p">{t("home.switch.question", { orders: ask.orders, from: t(`provider.${ask.from}`) })}</Text>
            <InlineStack gap="200">{ask.choices.map((c) => button("connect", t(`home.switch.${c}`), { onSwitch: c }))}</InlineStack>
          </BlockStack>
        ) : connected ? (
          <InlineStack gap="200">
            {!target && button("connect", t("home.bookIn", { name }))}
            {button("disconnect", t("home.disconnect"))}
          </InlineStack>
        ) : (
          button("connect", connection.status === "reauth_required" ? t("home.reconnect") : t("home.connect"))
        )}
      </BlockStack>
    </Card>
  );
}

function ReplayButton({ id }: { id: string }) {
  const t = useT();
  const fetcher = useFetcher<{ replayed?: boolean; error?: string }>();
  const { revalidate } = useRevalidator();
  useEffect(() => { if (fetcher.data?.replayed) revalidate(); }, [fetcher.data, revalidate]);
  return (
    <fetcher.Form method="post" action={`/app/jobs/${id}/replay`}>
      <Button submit size="slim" loading={fetcher.state !== "idle"}>{t("action.replay")}</Button>
    </fetcher.Form>
  );
}

export default function Index() {
  const t = useT();
  const { connections, target, counts, problems } = useLoaderData<typeof loader>();
  return (
    <Page title={t("home.title")}>
      <Layout>
        {connections.map((c) => (
          <Layout.Section key={c.provider}>
            <ConnectionCard connection={c} target={c.provider === target} />
          </Layout.Section>
        ))}
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">{t("home.orders")}</Text>
              <InlineStack gap="400">
                {["succeeded", "pending", "retrying", "needs_action", "failed", "paused"].map((s) => (
                  <Text as="span" key={s}>{t(`status.${s}`)}: {counts[s] ?? 0}</Text>
                ))}
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">{t("home.attention")}</Text>
              {problems.length === 0 ? (
                <Text as="p">{t("home.nothing")}</Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text"]}
                  headings={[t("home.col.order"), t("home.col.status"), t("home.col.reason"), ""]}
                  rows={problems.map((p) => [p.subjectName ?? p.id, <Badge key="b" tone={TONE[p.status]}>{t(`status.${p.status}`)}</Badge>, p.lastError ?? "", <ReplayButton key="r" id={p.id} />])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
