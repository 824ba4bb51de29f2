// Where a booked document opens in the accounting system's own web app, for the merchant's
// "open in Fortnox/Visma" links. The formats are the web apps' address-bar routes, not a
// documented API: if a provider changes them the link lands on its start page, nothing breaks.

const FORTNOX_PATH: Record<string, string> = { invoice: "invoices", credit: "invoices", order: "orders" };

export function documentUrl(provider: string, kind: string, remoteId: string, remoteNumber?: string | null): string | null {
  if (provider === "fortnox" && FORTNOX_PATH[kind]) {
    return `https://apps.fortnox.se/fs/fs/${FORTNOX_PATH[kind]}/${encodeURIComponent(remoteNumber ?? remoteId)}`;
  }
  if (provider === "visma" && (kind === "invoice" || kind === "credit")) {
    // Drafts are "draft:<guid>" in our links; Visma shows drafts and invoices under different routes.
    return remoteId.startsWith("draft:")
      ? `https://eaccounting.vismaonline.com/#/sales/invoicedrafts/${encodeURIComponent(remoteId.slice(6))}`
      : `https://eaccounting.vismaonline.com/#/sales/invoices/${encodeURIComponent(remoteId)}`;
  }
  return null;
}
