import type { AccountingDocument, DocumentRow, MappingIssue, MappingResult } from "./accounting";
import { fromMinor, sum, toMinor } from "./money";
import type { ShopifyRefund } from "./shopify-refund";

// Refunds and cancellations → credit documents against the invoice as it was booked (the stored
// document, not today's settings), so a credit reverses exactly the accounts and VAT rates of
// the sale. Pure, like the mapping engine.
//
// Shopify's refund payload gives per line the refunded subtotal (after discounts, in the order's
// price convention: including VAT when the order's prices do) and its tax; shipping refunds come as
// order adjustments. The money that moved is in the refund's transactions: where it differs from
// the items, the difference is an explicit adjustment row, never silently dropped.

/** Negation without JavaScript's -0, which JSON and equality checks treat differently. */
const neg = (n: number) => 0 - n;

const rowTotal = (r: Pick<DocumentRow, "unitPrice" | "quantity" | "discount">) => r.unitPrice * r.quantity - r.discount;

function issue(code: string, message: string, messageSv: string, field?: string): MappingIssue {
  return { code, message, messageSv, field };
}

type MoneySet = { shop_money: { amount: string }; presentment_money: { amount: string } } | null | undefined;

/** Reads an amount in the invoice's currency: presentment amounts when the invoice was booked in them. */
function reader(invoice: AccountingDocument) {
  const presentment = invoice.currencyRate !== undefined;
  return (plain: string, set: MoneySet) => toMinor(presentment && set ? set.presentment_money.amount : plain);
}

/** The gross amount a refund returned: its successful refund transactions, if any moved money. */
function moneyReturned(refund: ShopifyRefund, currency: string): number | undefined {
  const moved = refund.transactions.filter((t) => t.kind === "refund" && (t.status ?? "success") === "success");
  if (!moved.length || moved.some((t) => t.currency && t.currency !== currency)) return undefined;
  return sum(moved.map((t) => toMinor(t.amount)));
}

function creditBase(invoice: AccountingDocument, invoiceNumber: string, reference: string, date: string, rows: DocumentRow[], total: number, vat: number): AccountingDocument {
  const creditsAll = total === neg(invoice.total) && rows.length === invoice.rows.length &&
    invoice.rows.every((r) => rows.some((c) => c.kind === r.kind && c.lineItemId === r.lineItemId && c.account === r.account &&
      c.quantity === neg(r.quantity) && rowTotal(c) === neg(rowTotal(r))));
  return {
    ...invoice,
    kind: "credit",
    reference,
    date,
    rows,
    total,
    vat,
    creditOf: invoiceNumber,
    creditsAll,
  };
}

/** The rows a refund credits, before any discrepancy: negative quantities mirroring the invoice's rows. */
function refundedRows(refund: ShopifyRefund, invoice: AccountingDocument, issues: MappingIssue[]): { rows: DocumentRow[]; tax: number } {
  const amount = reader(invoice);
  const rows: DocumentRow[] = [];
  let tax = 0;
  refund.refund_line_items.forEach((line, i) => {
    if (line.quantity === 0) return;
    const original = invoice.rows.find((r) => r.lineItemId === line.line_item_id);
    if (!original) {
      issues.push(issue("refund_line_not_invoiced", `The refund returns line item ${line.line_item_id}, which is not on invoice rows; credit it by hand`,
        `Återbetalningen gäller orderrad ${line.line_item_id}, som inte finns på fakturan; kreditera den manuellt`, `refund_line_items.${i}`));
      return;
    }
    const subtotal = amount(line.subtotal, line.subtotal_set);
    const full = original.unitPrice * line.quantity;
    if (line.quantity > original.quantity || subtotal > full || subtotal < 0) {
      issues.push(issue("refund_line_exceeds_sale", `The refund of "${original.description}" (${line.quantity} for ${fromMinor(subtotal)}) is more than was sold`,
        `Återbetalningen av "${original.description}" (${line.quantity} för ${fromMinor(subtotal)}) är mer än som såldes`, `refund_line_items.${i}`));
      return;
    }
    tax += amount(line.total_tax, line.total_tax_set);
    rows.push({ ...original, quantity: -line.quantity, discount: subtotal - full });
  });
  // Newer API versions list refunded shipping as refund_shipping_lines; older ones (and some
  // payloads alongside them) as shipping_refund adjustments. One source only, never both.
  const shippingRow = invoice.rows.find((r) => r.kind === "shipping");
  const shipping = refund.refund_shipping_lines.length
    ? refund.refund_shipping_lines.map((l, i) => ({ amount: amount(l.subtotal_amount_set.shop_money.amount, l.subtotal_amount_set), tax: l.tax_amount_set ? amount(l.tax_amount_set.shop_money.amount, l.tax_amount_set) : 0, field: `refund_shipping_lines.${i}` }))
    : refund.order_adjustments.flatMap((adj, i) => adj.kind === "shipping_refund"
      ? [{ amount: neg(amount(adj.amount, adj.amount_set)), tax: neg(amount(adj.tax_amount, adj.tax_amount_set)), field: `order_adjustments.${i}` }]
      : []);
  for (const { amount: refunded, tax: shippingTax, field } of shipping) {
    if (refunded === 0) continue;
    if (!shippingRow || refunded > rowTotal(shippingRow) || refunded < 0) {
      issues.push(issue("shipping_refund_exceeds_sale", `The refund returns ${fromMinor(refunded)} of shipping, more than the invoice charged`,
        `Återbetalningen gäller ${fromMinor(refunded)} i frakt, mer än fakturan debiterade`, field));
      continue;
    }
    tax += shippingTax;
    rows.push({ ...shippingRow, quantity: -1, unitPrice: refunded, discount: 0 });
  }
  return { rows, tax };
}

/** A difference between the money returned and the items credited, as a row on the sale's own VAT rate. */
function discrepancyRow(invoice: AccountingDocument, difference: number, issues: MappingIssue[]): DocumentRow | undefined {
  const sales = invoice.rows.filter((r) => r.kind === "item" || r.kind === "shipping");
  const rates = new Set(sales.map((r) => `${r.vatRate}|${r.account}`));
  if (rates.size !== 1) {
    issues.push(issue("refund_amount_unallocated",
      `${fromMinor(Math.abs(difference))} of the refund is not tied to items, and the order has several VAT rates: refund by item in Shopify, or credit the amount by hand`,
      `${fromMinor(Math.abs(difference))} av återbetalningen hör inte till några varor och ordern har flera momssatser: återbetala per vara i Shopify eller kreditera beloppet manuellt`));
    return undefined;
  }
  const { vatRate, account } = sales[0];
  // Net documents carry net rows: the VAT inside the gross difference is Fortnox's to add back.
  const price = invoice.pricesIncludeVat ? Math.abs(difference) : Math.round((Math.abs(difference) * 100) / (100 + vatRate));
  return { kind: "adjustment", description: "Justering av återbetalning", quantity: difference > 0 ? -1 : 1, unitPrice: price, discount: 0, vatRate, account };
}

export function mapRefundToCredit(refund: ShopifyRefund, invoice: AccountingDocument, invoiceNumber: string): MappingResult | { ok: true; document: null } {
  const issues: MappingIssue[] = [];
  const { rows, tax } = refundedRows(refund, invoice, issues);
  const itemsGross = neg(sum(rows.map(rowTotal))) + (invoice.pricesIncludeVat ? 0 : tax);
  const returned = moneyReturned(refund, invoice.currency);
  let total = itemsGross;
  if (returned !== undefined && returned !== itemsGross) {
    const extra = discrepancyRow(invoice, returned - itemsGross, issues);
    if (extra) rows.push(extra);
    total = returned;
  }
  if (issues.length) return { ok: false, issues };
  // A refund that moved nothing and returned nothing (a restock, a note) has nothing to book.
  if (!rows.length) return { ok: true, document: null };
  const date = (refund.processed_at ?? refund.created_at).slice(0, 10);
  return { ok: true, document: creditBase(invoice, invoiceNumber, refund.admin_graphql_api_id, date, rows, neg(total), neg(tax)) };
}

/**
 * A cancelled order whose invoice stands: credit what its refunds have not already credited
 * (each refund has its own credit job). Nothing left → null.
 */
export function mapCancellationCredit(refunds: ShopifyRefund[], invoice: AccountingDocument, invoiceNumber: string, orderGid: string, date: string): MappingResult | { ok: true; document: null } {
  const remaining = invoice.rows.map((r) => ({ ...r, quantity: neg(r.quantity), discount: neg(r.discount) }));
  let credited = 0;
  let vatCredited = 0;
  for (const refund of refunds) {
    const mapped = mapRefundToCredit(refund, invoice, invoiceNumber);
    if (!mapped.ok) return mapped;
    if (!mapped.document) continue;
    credited += mapped.document.total;
    vatCredited += mapped.document.vat;
    for (const row of mapped.document.rows) {
      const target = remaining.find((r) => r.kind === row.kind && r.lineItemId === row.lineItemId && r.account === row.account && r.vatRate === row.vatRate);
      if (row.kind === "adjustment" || !target) continue; // an adjustment has no row to reduce; the total below still counts it
      // Rows reduce by quantity and amount; shipping (quantity 1, partly refunded) by amount alone.
      if (row.kind === "shipping") target.discount -= rowTotal(row);
      else { target.quantity -= row.quantity; target.discount -= row.discount; }
    }
  }
  const rows = remaining.filter((r) => r.quantity !== 0 && rowTotal(r) !== 0);
  const total = neg(invoice.total) - credited;
  if (total === 0 && !rows.length) return { ok: true, document: null };
  return { ok: true, document: creditBase(invoice, invoiceNumber, `${orderGid}/cancellation`, date, rows, total, neg(invoice.vat) - vatCredited) };
}
