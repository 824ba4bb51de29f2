import type { AccountingDocument, DocumentCustomer, DocumentRow, MappingIssue, MappingResult } from "./accounting";
import { fromMinor, sum, toMinor } from "./money";
import type { ShopifyOrder } from "./shopify-order";

// Order → accounting document. Pure: no I/O, so the admin's preview can run the same code as the
// worker. First version: one row per line item on its SKU's article (the default article when the
// SKU is empty), one row per shipping line, VAT from Shopify's tax lines. The full Swedish VAT,
// refund and rounding rules build on this.

export interface MappingSettings {
  defaultArticleNumber: string;
  shippingArticleNumber: string;
}

const SUPPORTED_VAT = new Set([0, 6, 12, 25]);
const ORG_NUMBER_ATTR = /^(org(anisation|anization)?[\s_-]?(nr|no|number|nummer)|organisationsnummer)$/i;

function vatPercent(taxLines: { rate: number }[]): number {
  // Rates arrive as fractions (0.25); sum them in basis points to stay exact.
  return sum(taxLines.map((t) => Math.round(t.rate * 10_000))) / 100;
}

function clean(value: string | null | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

export function mapCustomer(order: ShopifyOrder): DocumentCustomer {
  const bill = order.billing_address ?? order.shipping_address ?? undefined;
  const orgNumber = clean(order.note_attributes.find((a) => ORG_NUMBER_ATTR.test(a.name))?.value);
  const email = clean(order.customer?.email ?? order.email)?.toLowerCase();
  const person = [order.customer?.first_name ?? bill?.first_name, order.customer?.last_name ?? bill?.last_name]
    .map(clean)
    .filter(Boolean)
    .join(" ");
  const company = clean(bill?.company);
  const key = order.customer ? `shopify:${order.customer.id}` : email ? `email:${email}` : `guest:${order.currency}`;
  return {
    key,
    type: company || orgNumber ? "COMPANY" : "PRIVATE",
    name: company ?? (person || clean(bill?.name) || "Shopify guest"),
    email,
    orgNumber,
    phone: clean(order.customer?.phone ?? bill?.phone),
    address1: clean(bill?.address1),
    address2: clean(bill?.address2),
    zip: clean(bill?.zip),
    city: clean(bill?.city),
    countryCode: clean(bill?.country_code)?.toUpperCase(),
    currency: order.currency,
  };
}

export function mapOrderToInvoice(order: ShopifyOrder, settings: MappingSettings): MappingResult {
  const issues: MappingIssue[] = [];
  const rows: DocumentRow[] = [];

  order.line_items.forEach((item, i) => {
    const vatRate = vatPercent(item.tax_lines);
    if (!SUPPORTED_VAT.has(vatRate)) {
      issues.push({ code: "vat_rate_unsupported", field: `line_items.${i}`, message: `"${item.title}" has VAT ${vatRate} %; Swedish VAT is 25, 12, 6 or 0 %` });
    }
    const discount = item.discount_allocations.length
      ? sum(item.discount_allocations.map((d) => toMinor(d.amount)))
      : toMinor(item.total_discount);
    rows.push({
      kind: "item",
      articleNumber: clean(item.sku) ?? settings.defaultArticleNumber,
      description: [item.title, clean(item.variant_title)].filter(Boolean).join(" - ").slice(0, 255),
      quantity: item.quantity,
      unitPrice: toMinor(item.price),
      discount,
      vatRate,
    });
  });

  order.shipping_lines.forEach((line, i) => {
    const vatRate = vatPercent(line.tax_lines);
    if (!SUPPORTED_VAT.has(vatRate)) {
      issues.push({ code: "vat_rate_unsupported", field: `shipping_lines.${i}`, message: `shipping "${line.title}" has VAT ${vatRate} %` });
    }
    const price = toMinor(line.price);
    if (price === 0) return;
    rows.push({
      kind: "shipping",
      articleNumber: settings.shippingArticleNumber,
      description: line.title.slice(0, 255),
      quantity: 1,
      unitPrice: price,
      discount: sum(line.discount_allocations.map((d) => toMinor(d.amount))),
      vatRate,
    });
  });

  const total = toMinor(order.total_price);
  if (order.taxes_included) {
    // With VAT-inclusive prices the rows must add up to what the customer paid, to the öre.
    const rowsTotal = sum(rows.map((r) => r.unitPrice * r.quantity - r.discount));
    if (rowsTotal !== total) {
      issues.push({ code: "total_mismatch", message: `rows add up to ${fromMinor(rowsTotal)} but the order total is ${order.total_price}` });
    }
  }
  if (issues.length) return { ok: false, issues };

  const document: AccountingDocument = {
    kind: "invoice",
    reference: order.admin_graphql_api_id,
    orderName: order.name,
    date: (order.processed_at ?? order.created_at).slice(0, 10),
    currency: order.currency,
    pricesIncludeVat: order.taxes_included,
    customer: mapCustomer(order),
    rows,
    total,
  };
  return { ok: true, document };
}
