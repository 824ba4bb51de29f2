import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./services";

// Order payloads for tests: the hand-made fixtures and the seeded generator.

export function fixtureOrder(name: string): any {
  return JSON.parse(readFileSync(path.join(ROOT, "test/fixtures/shopify/orders", name), "utf8"));
}

/** A copy of an order with a new identity, so tests don't share subjects. */
export function withIdentity(order: any, id: number, number: number): any {
  return { ...structuredClone(order), id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#${number}`, order_number: number };
}

export const FORTNOX_TENANT = 1001;

const ore = (s: string) => Math.round(Number(s) * 100); // test-side only: fixture amounts have 2 decimals
const kr = (n: number) => (n / 100).toFixed(2);

/** The same order as a store with net prices would send it: net lines, VAT taxed per line. */
export function toNetPrices(order: any): any {
  const net = structuredClone(order);
  let subtotal = 0;
  let tax = 0;
  for (const line of [...net.line_items, ...net.shipping_lines]) {
    const bp = Math.round((line.tax_lines[0]?.rate ?? 0) * 10_000);
    const unit = Math.round((ore(line.price) * 10_000) / (10_000 + bp));
    const qty = line.quantity ?? 1;
    const discount = (line.discount_allocations ?? []).reduce((a: number, d: any) => a + Math.round((ore(d.amount) * 10_000) / (10_000 + bp)), 0);
    for (const d of line.discount_allocations ?? []) d.amount = kr(Math.round((ore(d.amount) * 10_000) / (10_000 + bp)));
    const lineNet = unit * qty - discount;
    const lineTax = Math.round((lineNet * bp) / 10_000);
    line.price = kr(unit);
    if (line.tax_lines[0]) line.tax_lines = [{ ...line.tax_lines[0], price: kr(lineTax) }];
    subtotal += lineNet;
    tax += lineTax;
  }
  return { ...net, taxes_included: false, total_tax: kr(tax), total_price: kr(subtotal + tax) };
}

/** A copy of an order shipped to another country, with Shopify having charged no VAT (B2B exempt or export). */
export function zeroRatedAbroad(order: any, country: string, company?: { name: string; vatNumber?: string }): any {
  const o = structuredClone(order);
  for (const line of [...o.line_items, ...o.shipping_lines]) {
    const bp = Math.round((line.tax_lines[0]?.rate ?? 0) * 10_000);
    line.price = kr(Math.round((ore(line.price) * 10_000) / (10_000 + bp)));
    for (const d of line.discount_allocations ?? []) d.amount = kr(Math.round((ore(d.amount) * 10_000) / (10_000 + bp)));
    line.tax_lines = [];
  }
  const total = [...o.line_items, ...o.shipping_lines].reduce((a: number, l: any) =>
    a + ore(l.price) * (l.quantity ?? 1) - (l.discount_allocations ?? []).reduce((x: number, d: any) => x + ore(d.amount), 0), 0);
  for (const a of [o.shipping_address, o.billing_address]) if (a) { a.country_code = country; a.company = company?.name ?? null; }
  o.note_attributes = company?.vatNumber ? [{ name: "vat_number", value: company.vatNumber }] : [];
  // The same buyer as in the fixture: Kontera must book them as another Fortnox customer, since
  // a Fortnox customer has one VAT type.
  return { ...o, total_tax: "0.00", total_price: kr(total) };
}
