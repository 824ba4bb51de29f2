import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { syncOrder, syncPreview, type OrderSyncPreview } from "./api";
import { StatusView } from "./StatusView";
import { useCall } from "./useCall";

// "Sync to Fortnox/Visma now" from the order's More actions: shows what would be booked (the
// document under the shop's saved rules) and books it on confirmation.

export default async () => {
  render(<Action />, document.body);
};

function Action() {
  const t = shopify.i18n.translate;
  const locale = t("locale");
  const gid = shopify.data.selected[0]?.id ?? "";
  const [preview, setPreview] = useState<OrderSyncPreview | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, setError, run } = useCall();

  useEffect(() => {
    syncPreview(gid, locale).then(setPreview, (e: Error) => setError(e.message));
  }, [gid, locale]);

  const confirm = async () => {
    const result = await run(() => syncOrder(gid, locale));
    if (result) setDone(result.message);
  };

  const doc = preview?.document;
  const canBook = !done && !!preview && (preview.view.can.replay || preview.view.can.sync) && !preview.issues.length;
  return (
    <s-admin-action heading={t("action.heading")} loading={!preview && !error}>
      <s-stack direction="block" gap="base">
        {error ? <s-banner tone="critical" heading={t("error.heading")}>{error}</s-banner> : null}
        {done ? <s-banner tone="success" heading={done} /> : null}
        {preview ? <StatusView view={preview.view} t={t} /> : null}
        {doc ? (
          <s-stack direction="block" gap="small">
            <s-heading>{t("preview.heading", { title: doc.title })}</s-heading>
            <s-text>{t("preview.customer", { customer: doc.customer })}</s-text>
            <s-table>
              <s-table-header-row>
                <s-table-header>{t("preview.description")}</s-table-header>
                <s-table-header>{t("preview.quantity")}</s-table-header>
                <s-table-header>{t("preview.price")}</s-table-header>
                <s-table-header>{t("preview.vat")}</s-table-header>
              </s-table-header-row>
              <s-table-body>
                {doc.rows.map((r, i) => (
                  <s-table-row key={i}>
                    <s-table-cell>{r.description}</s-table-cell>
                    <s-table-cell>{r.quantity}</s-table-cell>
                    <s-table-cell>{r.price}</s-table-cell>
                    <s-table-cell>{r.vat}</s-table-cell>
                  </s-table-row>
                ))}
              </s-table-body>
            </s-table>
            <s-text type="strong">{t("preview.total", { total: doc.total, vat: doc.vat })}</s-text>
          </s-stack>
        ) : null}
        {preview?.issues.map((issue) => <s-banner tone="warning" key={issue}>{issue}</s-banner>)}
      </s-stack>
      <s-button slot="primary-action" variant="primary" disabled={!canBook} loading={busy} onClick={confirm}>
        {preview?.view.can.replay ? t("action.replay") : t("action.sync")}
      </s-button>
      <s-button slot="secondary-actions" onClick={() => shopify.close()}>
        {t("action.close")}
      </s-button>
    </s-admin-action>
  );
}
