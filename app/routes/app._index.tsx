import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { ConnectionCard, useTopLevelRedirect } from "~/components/ConnectionCard";
import { DocumentsChart } from "~/components/DocumentsChart";
import { JobStatusBadge } from "~/components/JobStatusBadge";
import { ReplayButton } from "~/components/ReplayButton";
import { useLocale, useT } from "~/i18n/react";
import { authenticate } from "~/shopify.server";
import { openAlerts } from "~/sync/alerts.server";
import { causeOf, messageIn } from "~/sync/causes";
import { shopOverview } from "~/sync/overview.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [overview, alerts] = await Promise.all([shopOverview(session.shop), openAlerts(session.shop)]);
  // Lost connections have their own banner with Reconnect; the alerts add the failures.
  return json({ ...overview, alerts: alerts.filter((a) => a.kind === "job_failed") });
};


function Reconnect({ provider }: { provider: string }) {
  const t = useT();
  const fetcher = useFetcher<{ authorizeUrl?: string }>();
  useTopLevelRedirect(fetcher.data);
  return (
    <Banner tone="critical" title={t("connections.banner", { provider: t(`provider.${provider}`) })}
      action={{ content: t("home.reconnect"), onAction: () => fetcher.submit({ intent: "connect", provider }, { method: "post", action: "/app/connection" }), loading: fetcher.state !== "idle" }} />
  );
}

function Window({ title, w }: { title: string; w: { booked: number; pending: number; failed: number; needsAction: number } }) {
  const t = useT();
  const stat = (label: string, value: number, tone?: "critical" | "success") => (
    <BlockStack gap="100">
      <Text as="span" tone="subdued">{label}</Text>
      <Text as="span" variant="headingLg" tone={value > 0 ? tone : undefined}>{value}</Text>
    </BlockStack>
  );
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">{title}</Text>
        <InlineGrid columns={4} gap="300">
          {stat(t("dashboard.booked"), w.booked, "success")}
          {stat(t("dashboard.pending"), w.pending)}
          {stat(t("dashboard.failed"), w.failed, "critical")}
          {stat(t("dashboard.needsAction"), w.needsAction, "critical")}
        </InlineGrid>
      </BlockStack>
    </Card>
  );
}

export default function Index() {
  const t = useT();
  const locale = useLocale();
  const { connections, target, windows, chart, queue, problems, alerts } = useLoaderData<typeof loader>();
  const lost = connections.filter((c) => c.status === "reauth_required");
  const connected = connections.filter((c) => c.status === "active");
  return (
    <Page title={t("home.title")}>
      <Layout>
        {lost.map((c) => <Layout.Section key={c.provider}><Reconnect provider={c.provider} /></Layout.Section>)}
        {alerts.map((a) => (
          <Layout.Section key={a.id}>
            <Banner tone="warning" title={t(a.messageKey, { ...a.params, provider: t(`provider.${a.provider}`), cause: t(`${causeOf(a.cause).key}.explain`) })} action={{ content: t("dashboard.allFailures"), url: "/app/failures" }}>
              <Text as="p">{t(a.detailKey)} {t("alerts.orders", { orders: a.orders.join(", ") })}</Text>
            </Banner>
          </Layout.Section>
        ))}
        {connected.length === 0 && lost.length === 0
          ? connections.map((c) => <Layout.Section key={c.provider}><ConnectionCard connection={c} target={c.provider === target} /></Layout.Section>)
          : (
            <Layout.Section>
              <Card>
                <InlineStack align="space-between" blockAlign="center" gap="300">
                  <BlockStack gap="100">
                    {connected.map((c) => (
                      <InlineStack key={c.provider} gap="200" blockAlign="center">
                        <Text as="span" fontWeight="semibold">{t(`provider.${c.provider}`)}</Text>
                        <Text as="span">{t("home.connectedTo", { company: c.companyName ?? "" })}</Text>
                        {c.provider === target && <Badge tone="info">{t("home.bookingHere")}</Badge>}
                        {c.rateLimitUse !== null && <Text as="span" tone="subdued">{t("dashboard.rateLimit", { provider: t(`provider.${c.provider}`), percent: Math.round(c.rateLimitUse * 100) })}</Text>}
                      </InlineStack>
                    ))}
                  </BlockStack>
                  <Button url="/app/connections">{t("dashboard.connections")}</Button>
                </InlineStack>
              </Card>
            </Layout.Section>
          )}
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <Window title={t("dashboard.day")} w={windows.day} />
            <Window title={t("dashboard.week")} w={windows.week} />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">{t("dashboard.chart")}</Text>
              <DocumentsChart days={chart} />
              <Text as="p" tone="subdued">
                {t("dashboard.queue")}: {queue.waiting ? t("dashboard.queueWaiting", { waiting: queue.waiting, seconds: queue.lagSeconds }) : t("dashboard.queueEmpty")}
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">{t("dashboard.latestFailures")}</Text>
                <Link to="/app/failures">{t("dashboard.allFailures")}</Link>
              </InlineStack>
              {problems.length === 0 ? (
                <Text as="p">{t("home.nothing")}</Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text"]}
                  headings={[t("home.col.order"), t("home.col.status"), t("home.col.reason"), ""]}
                  rows={problems.map((p) => [
                    <Link key="o" to={`/app/orders?q=${encodeURIComponent(p.subjectName ?? "")}`}>{p.subjectName ?? p.id}</Link>,
                    <JobStatusBadge key="b" status={p.status} />,
                    messageIn(locale, p.lastErrorCode, p.lastError),
                    <ReplayButton key="r" id={p.id} />,
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
