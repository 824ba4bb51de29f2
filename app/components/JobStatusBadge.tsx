import { Badge } from "@shopify/polaris";
import { useT } from "~/i18n/react";

// A sync job's status as every page shows it: the same word and colour everywhere.

const TONE: Record<string, "success" | "critical" | "warning" | "attention" | "info" | undefined> = {
  succeeded: "success", failed: "critical", needs_action: "critical", needs_review: "warning", paused: "attention", retrying: "attention", pending: "info", running: "info",
};

export function JobStatusBadge({ status }: { status: string }) {
  const t = useT();
  return <Badge tone={TONE[status]}>{t(`status.${status}`)}</Badge>;
}
