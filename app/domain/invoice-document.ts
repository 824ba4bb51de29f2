import type { Provider } from "~/connectors/types";
import type { AccountingDocument, MappingIssue } from "./accounting";
import { mapOrderToInvoice } from "./mapping";
import { applyRules } from "./rules/apply";
import { toMappingIssue, type RuleIssue } from "./rules/issues";
import type { MappingSettings } from "./settings";
import type { ShopifyOrder } from "./shopify-order";

// The document an order is booked as: the mapping, then the shop's rules. The worker and the
// admin's live preview both call this, with the same inputs, so the preview shows what would be
// booked. A rule error stops the booking (needs action) like any mapping issue; a warning (a
// value cut to the target's length) is told and the booking goes on.

export interface InvoiceInputs {
  order: ShopifyOrder;
  settings: MappingSettings;
  provider: Provider;
  /** The order metafields the rules read (metafieldsReferenced), as `namespace.key` → value. */
  metafields?: Record<string, string>;
}

export type InvoiceDocumentResult =
  | { ok: true; document: AccountingDocument; warnings: RuleIssue[] }
  /** `document` is there when only the rules failed: the preview still shows the rest. */
  | { ok: false; issues: MappingIssue[]; ruleIssues: RuleIssue[]; document?: AccountingDocument };

export function invoiceDocument({ order, settings, provider, metafields }: InvoiceInputs): InvoiceDocumentResult {
  const mapped = mapOrderToInvoice(order, settings);
  if (!mapped.ok) return { ok: false, issues: mapped.issues, ruleIssues: [] };
  if (!settings.rules.length) return { ok: true, document: mapped.document, warnings: [] };
  const applied = applyRules(mapped.document, settings.rules, { order, metafields, provider });
  const errors = applied.issues.filter((i) => i.severity === "error");
  if (errors.length) return { ok: false, issues: errors.map(toMappingIssue), ruleIssues: applied.issues, document: applied.document };
  return { ok: true, document: applied.document, warnings: applied.issues };
}
