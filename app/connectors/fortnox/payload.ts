import type { AccountingDocument, DocumentCustomer, DocumentRow } from "~/domain/accounting";
import { minorToJsonNumber, sum } from "~/domain/money";
import { truncate } from "~/domain/text";
import type { VatRegime } from "~/domain/vat";

// Neutral document → Fortnox JSON. Pure, so tests and the admin preview see exactly what would be
// sent. Fortnox computes totals itself from the rows; fortnoxTotal mirrors that arithmetic, and a
// difference from Shopify's total (per-rate VAT rounding on net prices) becomes an explicit
// rounding row on the rounding account instead of a silent drift.

const VAT_TYPE: Record<VatRegime, string> = {
  domestic: "SEVAT",
  eu_oss: "EUVAT",
  eu_reverse_charge: "EUREVERSEDVAT",
  export: "EXPORT",
};

export function fortnoxCustomerBody(c: DocumentCustomer) {
  return {
    Name: truncate(c.name, 1024),
    Type: c.type,
    ...(c.regime ? { VATType: VAT_TYPE[c.regime] } : {}),
    ...(c.vatNumber ? { VATNumber: c.vatNumber } : {}),
    ...(c.email ? { Email: c.email } : {}),
    ...(c.orgNumber ? { OrganisationNumber: c.orgNumber } : {}),
    ...(c.phone ? { Phone1: c.phone } : {}),
    ...(c.address1 ? { Address1: c.address1 } : {}),
    ...(c.address2 ? { Address2: c.address2 } : {}),
    ...(c.zip ? { ZipCode: c.zip } : {}),
    ...(c.city ? { City: c.city } : {}),
    ...(c.countryCode ? { CountryCode: c.countryCode } : {}),
    Currency: c.currency,
  };
}

const rowTotal = (r: Pick<DocumentRow, "unitPrice" | "quantity" | "discount">) => r.unitPrice * r.quantity - r.discount;

/** Half away from zero, as Fortnox rounds öre. */
function roundDiv(n: number, d: number): number {
  const q = Math.floor((Math.abs(n) * 2 + d) / (2 * d));
  return n < 0 ? -q : q;
}

/** The total Fortnox will compute for these rows: VAT per rate on the net sum when prices exclude VAT. */
export function fortnoxTotal(rows: Pick<DocumentRow, "unitPrice" | "quantity" | "discount" | "vatRate">[], pricesIncludeVat: boolean): number {
  const net = sum(rows.map(rowTotal));
  if (pricesIncludeVat) return net;
  const byRate = new Map<number, number>();
  for (const r of rows) byRate.set(r.vatRate, (byRate.get(r.vatRate) ?? 0) + rowTotal(r));
  const vat = sum([...byRate].map(([rate, amount]) => roundDiv(amount * Math.round(rate * 100), 10_000)));
  return net + vat;
}

interface FortnoxInvoiceRow {
  ArticleNumber?: string; // absent on free-text rows such as the rounding row
  Description: string;
  DeliveredQuantity: number;
  Price: number;
  VAT: number;
  AccountNumber: string;
  Discount?: number;
  DiscountType?: "AMOUNT";
}

export function fortnoxInvoiceBody(doc: AccountingDocument, customerNumber: string) {
  const rows: FortnoxInvoiceRow[] = doc.rows.map((r) => ({
    ArticleNumber: r.articleNumber,
    Description: r.description,
    DeliveredQuantity: r.quantity,
    Price: minorToJsonNumber(r.unitPrice),
    VAT: r.vatRate,
    AccountNumber: r.account,
    ...(r.discount ? { Discount: minorToJsonNumber(r.discount), DiscountType: "AMOUNT" as const } : {}),
  }));
  const difference = doc.total - fortnoxTotal(doc.rows, doc.pricesIncludeVat);
  if (difference !== 0) {
    rows.push({
      Description: "Öresavrundning",
      DeliveredQuantity: 1,
      Price: minorToJsonNumber(difference),
      VAT: 0,
      AccountNumber: doc.roundingAccount,
    });
  }
  return {
    CustomerNumber: customerNumber,
    InvoiceDate: doc.date,
    Currency: doc.currency,
    VATIncluded: doc.pricesIncludeVat,
    YourOrderNumber: truncate(doc.orderName, 30),
    ExternalInvoiceReference1: doc.reference,
    ...(doc.regime === "eu_reverse_charge" ? { EUQuarterlyReport: true } : {}),
    InvoiceRows: rows,
  };
}
