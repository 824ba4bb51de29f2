import { useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import { useEffect } from "react";
import { useT } from "~/i18n/react";

// One accounting system: its state, connect / reconnect / disconnect / test, and the question
// asked when switching systems would leave orders unbooked in the old one.

export type Connection = { provider: string; status: string; companyName: string | null; lastError: string | null };

const TONE: Record<string, "success" | "critical" | "warning" | undefined> = { active: "success", reauth_required: "critical", paused: "warning" };

type Answer = {
  authorizeUrl?: string;
  error?: string;
  switchChoice?: { from: string; orders: number; choices: string[] };
  test?: { ok: true; company: string } | { ok: false; reason: string; message: string };
};

/** The provider's login cannot run inside the admin iframe: an authorizeUrl answer opens at the top level. */
export function useTopLevelRedirect(answer: { authorizeUrl?: string } | undefined) {
  useEffect(() => {
    if (answer?.authorizeUrl) window.open(answer.authorizeUrl, "_top");
  }, [answer]);
}

export function ConnectionCard({ connection, target }: { connection: Connection; target: boolean }) {
  const t = useT();
  const fetcher = useFetcher<Answer>();
  useTopLevelRedirect(fetcher.data);
  const name = t(`provider.${connection.provider}`);
  const connected = connection.status === "active";
  const ask = fetcher.data?.switchChoice;
  const test = fetcher.data?.test;
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
        {connection.status === "reauth_required" && <Text as="p" tone="critical">{t("connections.reauth")}</Text>}
        {fetcher.data?.error && !ask && <Text as="p" tone="critical">{fetcher.data.error}</Text>}
        {test && (test.ok
          ? <Text as="p" tone="success">{t("connections.test.ok", { company: test.company })}</Text>
          : <Text as="p" tone="critical">{t(`connections.test.${test.reason}`)} {test.message}</Text>)}
        {ask ? (
          <BlockStack gap="200">
            <Text as="p">{t("home.switch.question", { orders: ask.orders, from: t(`provider.${ask.from}`) })}</Text>
            <InlineStack gap="200">{ask.choices.map((c) => button("connect", t(`home.switch.${c}`), { onSwitch: c }))}</InlineStack>
          </BlockStack>
        ) : connected ? (
          <InlineStack gap="200">
            {!target && button("connect", t("home.bookIn", { name }))}
            {button("test", t("connections.test"))}
            {button("disconnect", t("home.disconnect"))}
          </InlineStack>
        ) : (
          button("connect", connection.status === "reauth_required" ? t("home.reconnect") : t("home.connect"))
        )}
      </BlockStack>
    </Card>
  );
}
