import type { AccountingDocument } from "./accounting";
import { mapOrderToInvoice } from "./mapping";
import { fromMinor } from "./money";
import type { MappingSettings } from "./settings";
import type { ShopifyOrder } from "./shopify-order";

// Was the order edited after its invoice was booked? Shopify sends orders/updated for edits, for
// our own write-backs and for everything else; only a change in what was sold counts: lines added
// or repriced, or quantities removed without a refund (a refund has its own credit). Accounts and
// texts are left out, so changed settings never look like an edit. Pure, like the mapping.

export type EditCheck = { edited: false } | { edited: true; fingerprint: string; summary: string };

const rowKey = (r: AccountingDocument["rows"][number]) => `${r.kind}:${r.lineItemId ?? ""}:${r.quantity}:${r.unitPrice}:${r.discount}:${r.vatRate}`;

/** FNV-1a, 32 bits: a short, stable name for one edited state of an order (no I/O, runs anywhere). */
function fingerprintOf(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

function refundedQuantities(order: ShopifyOrder): Map<number, number> {
  const refunded = new Map<number, number>();
  for (const refund of ((order as { refunds?: unknown }).refunds as { refund_line_items?: { line_item_id?: number; quantity?: number }[] }[] | undefined) ?? []) {
    for (const line of refund.refund_line_items ?? []) {
      if (typeof line.line_item_id === "number" && typeof line.quantity === "number") {
        refunded.set(line.line_item_id, (refunded.get(line.line_item_id) ?? 0) + line.quantity);
      }
    }
  }
  return refunded;
}

export function editedSince(order: ShopifyOrder, booked: AccountingDocument, settings: MappingSettings): EditCheck {
  const now = mapOrderToInvoice(order, { ...settings, currency: booked.currencyRate ? "presentment" : "shop" });
  // An order that no longer maps is not ours to judge here; the merchant sees its invoice as booked.
  if (!now.ok) return { edited: false };
  const before = booked.rows.filter((r) => r.kind !== "tip").map(rowKey).sort();
  const after = now.document.rows.filter((r) => r.kind !== "tip").map(rowKey).sort();
  const refunded = refundedQuantities(order);
  const removed = order.line_items.filter((l) => {
    const current = (l as { current_quantity?: unknown }).current_quantity;
    return typeof current === "number" && current < l.quantity - (refunded.get(l.id) ?? 0);
  });
  if (before.join("|") === after.join("|") && now.document.total === booked.total && !removed.length) return { edited: false };
  const state = [...after, ...removed.map((l) => `removed:${l.id}:${(l as { current_quantity?: number }).current_quantity}`)].join("|");
  const parts = [
    now.document.total !== booked.total ? `total ${fromMinor(booked.total)} → ${fromMinor(now.document.total)}` : "",
    removed.length ? `${removed.length} line(s) reduced without a refund` : "",
    before.join("|") !== after.join("|") ? "lines added or changed" : "",
  ].filter(Boolean);
  return { edited: true, fingerprint: fingerprintOf(state), summary: parts.join(", ") };
}
