import type { AccountingDocument } from "./accounting";

// What a mapping test pins down: the parts of a document the merchant sees in the preview and an
// accountant would notice changing (customer, fields, rows, accounts, VAT, totals). Our own
// references and dates are left out: they differ per run, not per rule.

export interface ExpectedDocument {
  currency: string;
  total: number;
  vat: number;
  customer: { type: string; name: string; email?: string; orgNumber?: string; yourReference?: string };
  fields: Record<string, string>;
  rows: { articleNumber?: string; description: string; quantity: number; unitPrice: number; discount: number; vatRate: number; account: string }[];
}

export function expectedOf(doc: AccountingDocument): ExpectedDocument {
  const { type, name, email, orgNumber, yourReference } = doc.customer;
  return {
    currency: doc.currency,
    total: doc.total,
    vat: doc.vat,
    customer: { type, name, ...(email ? { email } : {}), ...(orgNumber ? { orgNumber } : {}), ...(yourReference ? { yourReference } : {}) },
    fields: Object.fromEntries(Object.entries(doc.fields ?? {}).filter(([, v]) => typeof v === "string" && v !== "")) as Record<string, string>,
    rows: doc.rows.map((r) => ({
      ...(r.articleNumber ? { articleNumber: r.articleNumber } : {}),
      description: r.description, quantity: r.quantity, unitPrice: r.unitPrice, discount: r.discount, vatRate: r.vatRate, account: r.account,
    })),
  };
}

function flatten(value: unknown, path: string, out: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) flatten(v, Array.isArray(value) ? `${path}[${k}]` : path ? `${path}.${k}` : k, out);
  } else out.set(path, JSON.stringify(value));
  return out;
}

/** Every place the actual document differs from the expected one, as "path: expected → actual". */
export function differences(expected: ExpectedDocument, actual: ExpectedDocument): string[] {
  const a = flatten(expected, "", new Map());
  const b = flatten(actual, "", new Map());
  const out: string[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(path) !== b.get(path)) out.push(`${path}: ${a.get(path) ?? "(none)"} → ${b.get(path) ?? "(none)"}`);
  }
  return out;
}
