import { permanent } from "~/connectors/errors";
import type { AccountingDocument, DocumentCustomer, DocumentFields, DocumentRow } from "~/domain/accounting";
import { minorToJsonNumber, roundDiv, sum } from "~/domain/money";
import { cleanText, plausibleEmail, truncate } from "~/domain/text";
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

// Fortnox keeps free text to 1024 characters.
const text = (value: string) => cleanText(value, 1024);

export const fortnoxVatType = (regime: VatRegime) => VAT_TYPE[regime];

export function fortnoxCustomerBody(c: DocumentCustomer) {
  const field = (name: string, value: string | undefined) => (value && text(value) ? { [name]: text(value) } : {});
  return {
    Name: text(c.name),
    Type: c.type,
    ...(c.regime ? { VATType: VAT_TYPE[c.regime] } : {}),
    ...field("VATNumber", c.vatNumber),
    ...(plausibleEmail(c.email) ? { Email: c.email } : {}),
    ...field("OrganisationNumber", c.orgNumber),
    ...field("Phone1", c.phone),
    ...field("Address1", c.address1),
    ...field("Address2", c.address2),
    ...field("ZipCode", c.zip),
    ...field("City", c.city),
    ...(c.countryCode ? { CountryCode: c.countryCode } : {}),
    ...(c.yourReference && cleanText(c.yourReference, 50) ? { YourReference: cleanText(c.yourReference, 50) } : {}),
    Currency: c.currency,
  };
}

const ARTICLE_NUMBER = /^[A-Za-z0-9\-+/._]+$/;

/**
 * A SKU as a Fortnox article number, which takes only A–Z, digits and - + / . _ and at most 50
 * characters: letters lose their accents (Å → A, ö → o), spaces and other characters become "-".
 * A SKU that is still too long cannot be shortened without risking another SKU's article.
 */
export function fortnoxArticleNumber(sku: string): string {
  if (ARTICLE_NUMBER.test(sku) && sku.length <= 50) return sku;
  const number = sku.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^A-Za-z0-9\-+/._]+/g, "-");
  if (number.length > 50) {
    throw permanent(`The SKU "${sku}" is longer than the 50 characters Fortnox allows for an article number; shorten it in Shopify / SKU:n "${sku}" är längre än de 50 tecken Fortnox tillåter för ett artikelnummer; korta den i Shopify`, "sku_too_long");
  }
  return number;
}

const rowTotal = (r: Pick<DocumentRow, "unitPrice" | "quantity" | "discount">) => r.unitPrice * r.quantity - r.discount;

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

/** The document's rows as Fortnox rows, plus the rounding row that makes Fortnox's total Shopify's. */
function fortnoxRows(doc: AccountingDocument): FortnoxInvoiceRow[] {
  const rows: FortnoxInvoiceRow[] = doc.rows.map((r) => ({
    ...(r.articleNumber ? { ArticleNumber: fortnoxArticleNumber(r.articleNumber) } : {}),
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
  return rows;
}

/** Fortnox's lengths for the header fields rules set (its documented limits). */
const FIELD_LIMITS = { OurReference: 50, YourReference: 50, YourOrderNumber: 30, Remarks: 1024, Comments: 1024, Project: 20, CostCenter: 10 } as const;

/**
 * The rules' fields under Fortnox's names. Remarks are left to the caller (a credit adds its
 * own line). ExternalInvoiceReference1 is never among them: it is how a lost create is found.
 */
function ruleFields(fields: DocumentFields = {}) {
  const out: Partial<Record<keyof typeof FIELD_LIMITS, string>> = {};
  const put = (name: Exclude<keyof typeof FIELD_LIMITS, "Remarks">, value: string | undefined) => {
    const v = cleanText(value, FIELD_LIMITS[name]);
    if (v) out[name] = v;
  };
  put("OurReference", fields.ourReference);
  put("YourReference", fields.yourReference);
  put("Comments", fields.comments);
  put("Project", fields.project);
  put("CostCenter", fields.costCenter);
  return out;
}

/** Remarks from its parts (a credit's own line, the rules' text), or nothing. */
function remarks(...parts: (string | undefined)[]): { Remarks?: string } {
  const text = cleanText(parts.filter(Boolean).join(". "), FIELD_LIMITS.Remarks);
  return text ? { Remarks: text } : {};
}

function fortnoxHeader(doc: AccountingDocument, customerNumber: string) {
  return {
    CustomerNumber: customerNumber,
    Currency: doc.currency,
    // Shopify's own rate, so the books show what the buyer was charged; else Fortnox's rate.
    ...(doc.currencyRate ? { CurrencyRate: Number(doc.currencyRate), CurrencyUnit: 1 } : {}),
    VATIncluded: doc.pricesIncludeVat,
    ...ruleFields(doc.fields),
    YourOrderNumber: cleanText(doc.fields?.yourOrderNumber, FIELD_LIMITS.YourOrderNumber) || truncate(doc.orderName, FIELD_LIMITS.YourOrderNumber),
    ExternalInvoiceReference1: doc.reference,
  };
}

export function fortnoxInvoiceBody(doc: AccountingDocument, customerNumber: string) {
  const { CustomerNumber, ...header } = fortnoxHeader(doc, customerNumber);
  return {
    CustomerNumber,
    InvoiceDate: doc.date,
    ...header,
    // Fortnox's own link (InvoiceReference) is read-only and only set by its credit action, so a
    // credit says which invoice it credits first, then the invoice's own remarks.
    ...remarks(doc.creditOf && `Kreditering av faktura ${doc.creditOf}`, doc.fields?.remarks),
    ...(doc.regime === "eu_reverse_charge" ? { EUQuarterlyReport: true } : {}),
    InvoiceRows: fortnoxRows(doc),
  };
}

/** A Fortnox order: the same rows, everything ordered delivered (its invoice takes delivered quantities). */
export function fortnoxOrderBody(doc: AccountingDocument, customerNumber: string) {
  const { CustomerNumber, ...header } = fortnoxHeader(doc, customerNumber);
  return {
    CustomerNumber,
    OrderDate: doc.date,
    ...header,
    ...remarks(doc.fields?.remarks),
    OrderRows: fortnoxRows(doc).map((r) => ({ ...r, OrderedQuantity: r.DeliveredQuantity })),
  };
}
