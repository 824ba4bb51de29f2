import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, DataTable, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { useEffect } from "react";
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
const NAMES: Record<string, string> = { fortnox: "Fortnox", visma: "Visma eAccounting" };
const SWITCH_LABELS: Record<string, string> = { move: "Move them", keep: "Keep them there", cancel: "Don't book them" };

function ConnectionCard({ connection, target }: { connection: Connection; target: boolean }) {
  const fetcher = useFetcher<{ authorizeUrl?: string; error?: string; switchChoice?: { from: string; orders: number; choices: string[] } }>();
  useEffect(() => {
    // The provider's login cannot run inside the admin iframe: open it at the top level.
    if (fetcher.data?.authorizeUrl) window.open(fetcher.data.authorizeUrl, "_top");
  }, [fetcher.data]);
  const name = NAMES[connection.provider];
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
            {target && connected && <Badge tone="info">Booking new orders here</Badge>}
            <Badge tone={TONE[connection.status]}>{connection.status.replace("_", " ")}</Badge>
          </InlineStack>
        </InlineStack>
        <Text as="p">{connected ? `Connected to ${connection.companyName}` : `Connect ${name} to book paid orders as invoices.`}</Text>
        {connection.status === "reauth_required" && <Text as="p" tone="critical">{connection.lastError}</Text>}
        {fetcher.data?.error && <Text as="p" tone="critical">{fetcher.data.error}</Text>}
        {ask ? (
          <InlineStack gap="200">{ask.choices.map((c) => button("connect", SWITCH_LABELS[c] ?? c, { onSwitch: c }))}</InlineStack>
        ) : connected ? (
          <InlineStack gap="200">
            {!target && button("connect", `Book new orders in ${name}`)}
            {button("disconnect", "Disconnect")}
          </InlineStack>
        ) : (
          button("connect", connection.status === "reauth_required" ? "Reconnect" : "Connect")
        )}
      </BlockStack>
    </Card>
  );
}

function ReplayButton({ id }: { id: string }) {
  const fetcher = useFetcher<{ replayed?: boolean; error?: string }>();
  const { revalidate } = useRevalidator();
  useEffect(() => { if (fetcher.data?.replayed) revalidate(); }, [fetcher.data, revalidate]);
  return (
    <fetcher.Form method="post" action={`/app/jobs/${id}/replay`}>
      <Button submit size="slim" loading={fetcher.state !== "idle"}>Replay</Button>
    </fetcher.Form>
  );
}

export default function Index() {
  const { connections, target, counts, problems } = useLoaderData<typeof loader>();
  return (
    <Page title="Kontera">
      <Layout>
        {connections.map((c) => (
          <Layout.Section key={c.provider}>
            <ConnectionCard connection={c} target={c.provider === target} />
          </Layout.Section>
        ))}
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Orders</Text>
              <InlineStack gap="400">
                {["succeeded", "pending", "retrying", "needs_action", "failed", "paused"].map((s) => (
                  <Text as="span" key={s}>{s.replace("_", " ")}: {counts[s] ?? 0}</Text>
                ))}
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Needs attention</Text>
              {problems.length === 0 ? (
                <Text as="p">Nothing: every order is booked or on its way.</Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text"]}
                  headings={["Order", "Status", "Reason", ""]}
                  rows={problems.map((p) => [p.subjectName ?? p.id, <Badge key="b" tone={TONE[p.status]}>{p.status.replace("_", " ")}</Badge>, p.lastError ?? "", <ReplayButton key="r" id={p.id} />])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
