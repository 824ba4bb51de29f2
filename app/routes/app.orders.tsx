import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { BlockStack, Button, Card, DataTable, InlineStack, Layout, Link, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { formatDateTime } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { authenticate } from "~/shopify.server";
import { messageIn } from "~/sync/causes";
import { orderHistory, type OrderHistory } from "~/sync/history.server";
import { JobStatusBadge } from "~/components/JobStatusBadge";
import { ReplayButton } from "~/components/ReplayButton";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const q = (new URL(request.url).searchParams.get("q") ?? "").slice(0, 64);
  return json({ q, orders: await orderHistory(session.shop, q) });
};

const REPLAYABLE = new Set(["failed", "needs_action", "paused", "retrying"]);

function Order({ order }: { order: OrderHistory }) {
  const t = useT();
  const locale = useLocale();
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingLg">{order.name}</Text>
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">{t("orders.documents")}</Text>
          {order.documents.length === 0 ? <Text as="p" tone="subdued">{t("orders.noDocuments")}</Text> : order.documents.map((d, i) => (
            <InlineStack key={i} gap="300" blockAlign="center">
              <Text as="span" fontWeight="medium">{t("orders.document", { kind: t(`kind.${d.kind}`), number: d.remoteNumber ?? "" })}</Text>
              {d.total && <Text as="span">{d.total} {d.currency}</Text>}
              {d.url && <Link url={d.url} target="_blank">{t("orders.openIn", { provider: t(`provider.${d.provider}`) })}</Link>}
            </InlineStack>
          ))}
        </BlockStack>
        {order.jobs.map((job) => (
          <BlockStack gap="200" key={job.id}>
            <InlineStack gap="200" blockAlign="center">
              <Text as="h3" variant="headingSm">{t(`kind.${job.kind}`)} · {t(`provider.${job.provider}`)}</Text>
              <JobStatusBadge status={job.status} />
              {REPLAYABLE.has(job.status) && <ReplayButton id={job.id} />}
            </InlineStack>
            {job.lastError && job.status !== "succeeded" && <Text as="p" tone="critical">{messageIn(locale, job.lastErrorCode, job.lastError)}</Text>}
            {job.attempts.length === 0 ? <Text as="p" tone="subdued">{t("orders.noAttempts")}</Text> : (
              <DataTable
                columnContentTypes={["numeric", "text", "text", "numeric", "text"]}
                headings={[t("orders.col.number"), t("orders.col.when"), t("orders.col.outcome"), t("orders.col.calls"), t("orders.col.error")]}
                rows={job.attempts.map((a) => [
                  a.number,
                  formatDateTime(locale, a.startedAt),
                  // The attempt's outcome text is the worker's log line (English); the merchant reads
                  // the status, and the documents above say what was booked.
                  t(a.outcome === "retry scheduled" ? "attempt.retry" : `attempt.${a.status}`),
                  a.apiCalls,
                  messageIn(locale, job.lastErrorCode, a.error),
                ])}
              />
            )}
          </BlockStack>
        ))}
      </BlockStack>
    </Card>
  );
}

export default function Orders() {
  const t = useT();
  const { q, orders } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const [query, setQuery] = useState(q);
  return (
    <Page title={t("orders.title")}>
      <Layout>
        <Layout.Section>
          <Card>
            <Form method="get">
              {[...params].filter(([k]) => k !== "q").map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
              <InlineStack gap="300" blockAlign="end">
                <TextField label={t("orders.search")} name="q" value={query} onChange={setQuery} helpText={t("orders.searchHelp")} autoComplete="off" />
                <Button submit>{t("orders.searchButton")}</Button>
              </InlineStack>
            </Form>
          </Card>
        </Layout.Section>
        {orders.length === 0 ? (
          <Layout.Section><Card><Text as="p">{q ? t("orders.none", { q }) : t("orders.empty")}</Text></Card></Layout.Section>
        ) : orders.map((o) => <Layout.Section key={o.orderId}><Order order={o} /></Layout.Section>)}
      </Layout>
    </Page>
  );
}
