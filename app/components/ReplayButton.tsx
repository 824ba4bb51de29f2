import { useFetcher } from "@remix-run/react";
import { Button, Text } from "@shopify/polaris";
import { useT } from "~/i18n/react";

// Replay one job; the page's loaders revalidate after the action, so its new status shows.
export function ReplayButton({ id }: { id: string }) {
  const t = useT();
  const fetcher = useFetcher<{ replayed?: boolean; error?: string }>();
  return (
    <fetcher.Form method="post" action={`/app/jobs/${id}/replay`}>
      <Button submit size="slim" loading={fetcher.state !== "idle"}>{t("action.replay")}</Button>
      {fetcher.data?.error && <Text as="span" tone="critical">{fetcher.data.error}</Text>}
    </fetcher.Form>
  );
}
