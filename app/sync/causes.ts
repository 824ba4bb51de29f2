// Why a job failed, in the merchant's words: each error code the worker records (ours, a mapping
// issue's, or the accounting system's) has a plain explanation and the place in the admin that
// fixes it. Codes not listed fall back to "the accounting system refused it" with its own message.

/** The job statuses that stop for the merchant (the failed-syncs page lists them). */
export const PROBLEM_STATUSES = ["failed", "needs_action", "needs_review", "paused"] as const;
/** What a sync job books: an order's invoice, a refund's credit, a cancellation, a payment, a customer, a product's articles. */
export const JOB_KINDS = ["invoice", "credit", "cancel", "payment", "customer", "product"] as const;

export interface Cause {
  /** i18n key prefix: `<key>.explain` and `<key>.fix` exist in messages/causes.ts. */
  key: string;
  /** Where the merchant fixes it (an admin path), when the fix is in Kontera. */
  fixAt?: string;
}

const SETTINGS_ACCOUNTS = "/app/settings#accounts";
const SETTINGS_PAYMENTS = "/app/settings#payments";
const SETTINGS_ARTICLES = "/app/settings#articles";
const CONNECTIONS = "/app/connections";

const CAUSES: Record<string, Cause> = {
  not_connected: { key: "cause.not_connected", fixAt: CONNECTIONS },
  auth: { key: "cause.auth", fixAt: CONNECTIONS },
  invalid_grant: { key: "cause.auth", fixAt: CONNECTIONS },
  "2000663": { key: "cause.scope", fixAt: CONNECTIONS },
  uninstalled: { key: "cause.uninstalled" },
  settings_invalid: { key: "cause.settings_invalid", fixAt: "/app/settings" },
  "2000428": { key: "cause.article_missing", fixAt: SETTINGS_ARTICLES },
  sku_too_long: { key: "cause.sku_too_long", fixAt: SETTINGS_ARTICLES },
  article_key_missing: { key: "cause.article_key_missing" },
  price_scope: { key: "cause.price_scope", fixAt: CONNECTIONS },
  "2001304": { key: "cause.account_missing", fixAt: SETTINGS_ACCOUNTS },
  "2000423": { key: "cause.account_missing", fixAt: SETTINGS_ACCOUNTS },
  "mapping:account_missing": { key: "cause.account_missing", fixAt: SETTINGS_ACCOUNTS },
  "2000457": { key: "cause.currency_missing" },
  "2000459": { key: "cause.mode_of_payment_missing", fixAt: SETTINGS_PAYMENTS },
  "2000465": { key: "cause.document_locked" },
  "mapping:vat_number_missing": { key: "cause.vat_number_missing" },
  "mapping:vat_rate_unsupported": { key: "cause.vat_rate_unsupported" },
  "mapping:total_mismatch": { key: "cause.total_mismatch" },
  "mapping:presentment_amounts_missing": { key: "cause.presentment_amounts_missing", fixAt: "/app/settings#currency" },
  "mapping:rule": { key: "cause.rule", fixAt: "/app/mapping" },
  order_not_found: { key: "cause.order_not_found" },
  redacted: { key: "cause.redacted" },
  needs_review: { key: "cause.needs_review" },
  order_invoiced_elsewhere: { key: "cause.needs_review" },
  visma_no_coding: { key: "cause.visma_setup" },
  visma_no_units: { key: "cause.visma_setup" },
  visma_no_terms: { key: "cause.visma_setup" },
  visma_no_bank_account: { key: "cause.visma_bank_account", fixAt: SETTINGS_PAYMENTS },
  visma_vat_differs: { key: "cause.visma_vat_differs" },
  visma_draft_unpaid: { key: "cause.draft_unpaid", fixAt: "/app/settings#bookkeeping" },
  visma_draft_gone: { key: "cause.draft_gone" },
};

export function causeOf(code: string | null | undefined): Cause {
  if (!code) return { key: "cause.other" };
  return CAUSES[code] ?? (code.startsWith("mapping:") ? { key: "cause.mapping" } : { key: "cause.other" });
}

/**
 * The provider's or our message as one group's headline: order-specific parts (order names, ids)
 * removed, so "Article 123 does not exist" groups its 37 orders while another article stays apart.
 */
export function groupMessage(message: string | null | undefined): string {
  return (message ?? "")
    .replace(/gid:\/\/shopify\/\w+\/\d+/g, "…")
    .replace(/#[A-Za-z0-9-]+/g, "#…")
    .replace(/\b(order|ordern|invoice|fakturan|draft|utkast)\s+[A-Za-z0-9-]+/gi, "$1 …")
    .trim();
}

/**
 * Mapping issues are stored "English / Swedish" (both languages, since the job does not know who
 * reads it); show the merchant's half.
 */
export function messageIn(locale: "en" | "sv", code: string | null | undefined, message: string | null | undefined): string {
  if (!message) return "";
  if (!code?.startsWith("mapping:")) return message;
  const [en, sv] = message.split(" / ");
  return (locale === "sv" ? sv : en) ?? message;
}
