import type { BulkSyncResult, OrderSyncPreview, OrderSyncView, SyncResult } from "../../../app/domain/order-sync-view";

// The app backend, as the extensions reach it: Shopify resolves relative URLs against the app's
// URL and adds the session token (Authorization: Bearer) itself. The backend words everything in
// the admin's language, which the extension passes as `locale` (its locale files say which).

async function call<T>(path: string, locale: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${path}${path.includes("?") ? "&" : "?"}locale=${encodeURIComponent(locale)}`, init);
  const body = (await res.json().catch(() => null)) as (T & { error?: string }) | null;
  if (!res.ok || !body) throw new Error(body?.error ?? `Kontera answered ${res.status}`);
  return body;
}

/** "gid://shopify/Order/123" → "123": the id in the route. */
const orderNumber = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

const post = (body?: unknown): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: body === undefined ? undefined : JSON.stringify(body),
});

export const orderStatus = (gid: string, locale: string) => call<OrderSyncView>(`/api/orders/${orderNumber(gid)}`, locale);
export const syncPreview = (gid: string, locale: string) => call<OrderSyncPreview>(`/api/orders/${orderNumber(gid)}?view=preview`, locale);
export const syncOrder = (gid: string, locale: string) => call<SyncResult>(`/api/orders/${orderNumber(gid)}`, locale, post());
export const syncOrders = (gids: string[], locale: string) => call<BulkSyncResult>("/api/orders/sync", locale, post({ ids: gids }));

export type { BulkSyncResult, OrderSyncPreview, OrderSyncView, SyncResult };
