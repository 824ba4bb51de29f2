import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useState } from "preact/hooks";
import { syncOrders, type BulkSyncResult } from "./api";
import { useCall } from "./useCall";

// The order list's bulk action: sync (or replay) the selected orders. Orders already booked or on
// their way are counted, not sent again.

export default async () => {
  render(<BulkAction />, document.body);
};

function BulkAction() {
  const t = shopify.i18n.translate;
  const gids = shopify.data.selected.map((s) => s.id);
  const [result, setResult] = useState<BulkSyncResult | null>(null);
  const { busy, error, run } = useCall();

  const confirm = async () => setResult((await run(() => syncOrders(gids, t("locale")))) ?? null);

  return (
    <s-admin-action heading={t("bulk.heading")}>
      <s-stack direction="block" gap="base">
        <s-text>{t("bulk.selected", { count: gids.length })}</s-text>
        {error ? <s-banner tone="critical" heading={t("error.heading")}>{error}</s-banner> : null}
        {result ? <s-banner tone="success" heading={t("bulk.done")}>{result.message}</s-banner> : null}
      </s-stack>
      <s-button slot="primary-action" variant="primary" disabled={!!result || !gids.length} loading={busy} onClick={confirm}>
        {t("bulk.confirm", { count: gids.length })}
      </s-button>
      <s-button slot="secondary-actions" onClick={() => shopify.close()}>
        {t("action.close")}
      </s-button>
    </s-admin-action>
  );
}
