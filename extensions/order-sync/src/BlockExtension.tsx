import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { orderStatus, syncOrder, type OrderSyncView } from "./api";
import { StatusView } from "./StatusView";
import { useCall } from "./useCall";

// The block on the order page: Kontera's state for this order, its documents and attempts, the
// error with its fix, and Replay / Sync now. While the order is on its way the block follows it,
// so it turns booked (or failed) without the merchant reloading the page.

export default async () => {
  render(<Block />, document.body);
};

const FOLLOW_EVERY_MS = 2000;
/** Two minutes: longer than a booking takes even when the accounting system makes us wait. */
const FOLLOW_AT_MOST = 60;

function Block() {
  const t = shopify.i18n.translate;
  const locale = t("locale");
  const gid = shopify.data.selected[0]?.id ?? "";
  const [view, setView] = useState<OrderSyncView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { busy, error, setError, run } = useCall();
  const follows = useRef(0);

  const load = useCallback(async () => {
    try {
      const next = await orderStatus(gid, locale);
      setView(next);
      setError(null);
      // "Replayed…" is news until the order has arrived somewhere; then the state says it all.
      if (next.state !== "pending") setNotice(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [gid, locale]);

  useEffect(() => {
    load();
  }, [load]);

  useEffect(() => {
    if (view?.state !== "pending" || follows.current >= FOLLOW_AT_MOST) return;
    const timer = setTimeout(() => {
      follows.current++;
      load();
    }, FOLLOW_EVERY_MS);
    return () => clearTimeout(timer);
  }, [view, load]);

  const sync = async () => {
    const result = await run(() => syncOrder(gid, locale));
    if (!result) return;
    setNotice(result.message);
    follows.current = 0;
    if (result.view) setView(result.view);
  };

  return (
    <s-admin-block heading={t("block.heading")}>
      <s-stack direction="block" gap="base">
        {error ? <s-banner tone="critical" heading={t("error.heading")}>{error}</s-banner> : null}
        {view ? <StatusView view={view} t={t} /> : error ? null : <s-spinner accessibilityLabel={t("loading")} />}
        {notice ? <s-text>{notice}</s-text> : null}
        {view?.can.replay || view?.can.sync ? (
          <s-button variant="primary" loading={busy} onClick={sync}>
            {view.can.replay ? t("action.replay") : t("action.sync")}
          </s-button>
        ) : null}
      </s-stack>
    </s-admin-block>
  );
}
