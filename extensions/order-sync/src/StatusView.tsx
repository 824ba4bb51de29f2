import type { OrderSyncView } from "./api";

// One order's state as the block and the action show it. `t` is shopify.i18n.translate (passed
// in: only an extension's entry module has the `shopify` global typed).

const TONE = {
  booked: "success",
  pending: "info",
  failed: "critical",
  needs_action: "warning",
  needs_review: "caution",
  not_synced: "neutral",
} as const;

export type Translate = (key: string, replacements?: Record<string, string | number>) => string;

export function StatusView({ view, t }: { view: OrderSyncView; t: Translate }) {
  const { problem } = view;
  return (
    <s-stack direction="block" gap="base">
      <s-stack direction="inline" gap="small" alignItems="center">
        <s-badge tone={TONE[view.state]}>{t(`state.${view.state}`)}</s-badge>
        <s-text>{view.summary}</s-text>
      </s-stack>
      {view.documents.map((d) => (
        <s-stack direction="inline" gap="small" key={`${d.label}-${d.number}`}>
          <s-text type="strong">{d.number ? `${d.label} ${d.number}` : d.label}</s-text>
          {d.amount ? <s-text color="subdued">{d.amount}</s-text> : null}
          {d.url ? <s-link href={d.url} target="_blank">{t("document.open")}</s-link> : null}
        </s-stack>
      ))}
      {problem ? (
        <s-banner tone="critical" heading={problem.explanation}>
          <s-stack direction="block" gap="small">
            <s-paragraph>{problem.fix}</s-paragraph>
            {problem.message ? <s-paragraph color="subdued">{t("problem.says", { message: problem.message })}</s-paragraph> : null}
            {problem.fixPath ? <s-link href={`app:${problem.fixPath}`}>{t("problem.open")}</s-link> : null}
          </s-stack>
        </s-banner>
      ) : null}
      {view.attempts.length ? (
        <s-stack direction="block" gap="small-300">
          <s-heading>{t("attempts")}</s-heading>
          {view.attempts.map((a) => (
            <s-text key={`${a.at}-${a.what}`} color={a.error ? "base" : "subdued"}>
              {`${a.at} · ${a.what} · ${a.status}${a.error ? ` · ${a.error}` : ""}`}
            </s-text>
          ))}
        </s-stack>
      ) : null}
    </s-stack>
  );
}
