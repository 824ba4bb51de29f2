// What the order page's extensions (extensions/order-sync) receive from /api/orders: one order's
// booking state, already worded in the admin's language. Imported as types only by the
// extensions, so this file must stay free of imports and runtime code.

/** The order as a whole: its worst job decides (a failed credit outranks a booked invoice). */
export type OrderSyncState = "booked" | "pending" | "failed" | "needs_action" | "needs_review" | "not_synced";

export interface OrderSyncDocument {
  /** "Invoice 1042", "Credit invoice 1043", "Payment". */
  label: string;
  number: string | null;
  /** Formatted in the admin's language, e.g. "1 249,00 SEK". */
  amount: string | null;
  /** Opens the document in Fortnox / Visma. */
  url: string | null;
}

export interface OrderSyncAttempt {
  /** Formatted time (Europe/Stockholm, as the rest of the admin). */
  at: string;
  /** "Invoice, attempt 2". */
  what: string;
  status: string;
  error: string | null;
}

export interface OrderSyncProblem {
  /** The accounting system's (or our) own message. */
  message: string;
  explanation: string;
  fix: string;
  /** The app page that fixes it ("/app/settings#accounts"), when the fix is in Kontera. */
  fixPath: string | null;
}

export interface OrderSyncView {
  orderId: string;
  name: string | null;
  state: OrderSyncState;
  /** The state in words ("Booked in Fortnox", "Waiting: the order is not paid yet"). */
  summary: string;
  provider: string | null;
  documents: OrderSyncDocument[];
  /** The latest attempts first, at most five. */
  attempts: OrderSyncAttempt[];
  problem: OrderSyncProblem | null;
  /** Replay: there is a stopped job. Sync: Kontera has nothing for the order yet. */
  can: { replay: boolean; sync: boolean };
}

/** What Sync now / Replay did, for one order. */
export type SyncOutcome = "queued" | "replayed" | "already_booked" | "in_progress" | "not_due" | "not_found";

export interface SyncResult {
  outcome: SyncOutcome;
  /** The outcome in words. */
  message: string;
  view: OrderSyncView | null;
}

/** The document Sync now would book, for the action's confirmation. */
export interface OrderSyncPreview {
  view: OrderSyncView;
  /** Absent when there is nothing to book now (already booked, not found, not mappable). */
  document: {
    title: string;
    customer: string;
    rows: { description: string; quantity: string; price: string; vat: string }[];
    total: string;
    vat: string;
  } | null;
  /** Why the order cannot be booked as it is (mapping problems), in the admin's language. */
  issues: string[];
}

export interface BulkSyncResult {
  counts: Record<SyncOutcome, number>;
  message: string;
}
