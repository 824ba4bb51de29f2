import { createHash } from "node:crypto";
import { permanent } from "~/connectors/errors";
import type { AccountingDocument, DocumentCustomer, DocumentRow } from "~/domain/accounting";
import { roundDiv, sum } from "~/domain/money";
import { cleanText, plausibleEmail } from "~/domain/text";
import { rowArticle } from "../articles";
import type { ArticleSpec } from "../types";

// Neutral document → Visma eAccounting JSON. Pure, so tests and the admin preview see exactly
// what would be sent. Visma differs from Fortnox in ways that shape everything here:
//  - a row's VAT is not sent: it follows from the article's sales category (coding) and the
//    customer (country, private or company, VAT number), so every priced row needs an article,
//    and rows Fortnox books by account alone (gift cards, tips, adjustments, rounding) get
//    articles of their own;
//  - whether unit prices include VAT is Visma's decision (private customers yes, companies no),
//    so prices are converted to that basis;
//  - discounts are percentages, so a discounted row is sent at its net unit price.
// The total Visma will compute is mirrored here; a difference from Shopify's total becomes an
// explicit rounding row, never a silent drift.

/** Articles Kontera makes for rows that have no product behind them. */
export const VISMA_ARTICLES = {
  giftCard: { number: "KONTERA-PRESENTKORT", description: "Presentkort", service: true, vatRate: 0 },
  tip: { number: "KONTERA-DRICKS", description: "Dricks", service: true, vatRate: 0 },
  rounding: { number: "KONTERA-AVRUNDNING", description: "Öresavrundning", service: true, vatRate: 0 },
} as const satisfies Record<string, ArticleSpec>;

/** An adjustment (money refunded without items) at the order's VAT rate; foreign regimes take VAT from the customer. */
export function adjustmentArticle(rate: number, domestic: boolean): ArticleSpec {
  const r = domestic ? rate : 25;
  return { number: `KONTERA-JUSTERING-${String(r).replace(".", "_")}`, description: "Justering", service: true, vatRate: r };
}

const VAT_NUMBER = /^[A-Z]{2}[0-9A-Z]{8,12}$/;

/**
 * Our reference as Visma's BuyersOrderReference (at most 35 characters), which is what a lost
 * create is searched by. Shopify's gid prefix is the same on every document, so it goes; a
 * reference still too long becomes a digest, which stays exact and unique.
 */
export function vismaReference(reference: string): string {
  const short = reference.replace(/^gid:\/\/shopify\//, "");
  if (short.length <= 35) return short;
  return `K-${createHash("sha256").update(reference).digest("base64url").slice(0, 32)}`;
}

/** A SKU as a Visma article number (at most 40 characters; a longer one cannot be shortened without meeting another SKU). */
export function vismaArticleNumber(sku: string): string {
  const number = sku.trim();
  if (number.length > 40) {
    throw permanent(`The SKU "${sku}" is longer than the 40 characters Visma allows for an article number; shorten it in Shopify / SKU:n "${sku}" är längre än de 40 tecken Visma tillåter för ett artikelnummer; korta den i Shopify`, "sku_too_long");
  }
  return number;
}

/** The customer as Visma takes it. Visma requires a city and postal code; a guest without an address gets "-". */
export function vismaCustomerBody(c: DocumentCustomer, termsOfPaymentId: string) {
  const field = (name: string, value: string | undefined, max: number) => (cleanText(value, max) ? { [name]: cleanText(value, max) } : {});
  const vat = c.vatNumber?.replace(/\s/g, "").toUpperCase();
  return {
    Name: cleanText(c.name, 50) || "-",
    IsPrivatePerson: c.type === "PRIVATE",
    IsActive: true,
    InvoiceCity: cleanText(c.city, 50) || "-",
    InvoicePostalCode: cleanText(c.zip, 10) || "-",
    ...field("InvoiceAddress1", c.address1, 50),
    ...field("InvoiceAddress2", c.address2, 50),
    InvoiceCountryCode: c.countryCode ?? "SE",
    ...(plausibleEmail(c.email) && c.email.length <= 255 ? { EmailAddress: c.email } : {}),
    ...field("Telephone", c.phone, 50),
    ...field("CorporateIdentityNumber", c.orgNumber, 20),
    // A malformed number is sent as it is: Visma refuses it (4025) and the merchant sees why.
    ...(vat ? { VatNumber: VAT_NUMBER.test(vat) ? vat : c.vatNumber } : {}),
    CurrencyCode: c.currency,
    TermsOfPaymentId: termsOfPaymentId,
  };
}

/** Percent as basis points (25 → 2500, 5.5 → 550), so rates with a decimal stay exact. */
const bp = (rate: number) => Math.round(rate * 100);

export interface VismaRowPlan {
  /** The article the row is booked on. */
  article: ArticleSpec;
  text: string;
  quantity: number;
  /** Per unit, in ten-thousandths of the currency unit (Visma takes 4 decimals on foreign invoices). */
  unitPrice4: number;
  /** What Visma will make of the row, in minor units, on its price basis. */
  amount: number;
  /** The VAT rate the row must get (Shopify's). */
  vatRate: number;
}

export interface VismaDocumentPlan {
  rows: VismaRowPlan[];
  /** The total Visma will compute: Shopify's total, to the öre, once the rounding row is in. */
  total: number;
  includesVat: boolean;
}

/**
 * The article a row is booked on in Visma. VAT follows the article, so a generic article (the
 * catch-all, shipping) has one per rate: FRAKT at 25 %, FRAKT-12 at 12 %. Rows Fortnox books by
 * account alone get Kontera's own articles.
 */
export function vismaRowArticle(row: DocumentRow, doc: AccountingDocument): ArticleSpec {
  const domestic = doc.regime === "domestic";
  if (row.kind === "gift_card") return VISMA_ARTICLES.giftCard;
  if (row.kind === "tip") return VISMA_ARTICLES.tip;
  if (row.kind === "adjustment" || !row.articleNumber) return adjustmentArticle(row.vatRate, domestic);
  const perRate = row.generic && domestic && row.vatRate !== 25 ? `${row.articleNumber}-${String(row.vatRate).replace(".", "_")}` : row.articleNumber;
  return { ...rowArticle({ ...row, articleNumber: perRate }, doc), number: vismaArticleNumber(perRate) };
}

/** Visma's total for rows on `includesVat`: the rows' sum, plus VAT per rate when prices exclude it. */
export function vismaTotal(rows: Pick<VismaRowPlan, "amount" | "vatRate">[], includesVat: boolean): number {
  const net = sum(rows.map((r) => r.amount));
  if (includesVat) return net;
  const byRate = new Map<number, number>();
  for (const r of rows) byRate.set(r.vatRate, (byRate.get(r.vatRate) ?? 0) + r.amount);
  return net + sum([...byRate].map(([rate, amount]) => roundDiv(amount * bp(rate), 10_000)));
}

/**
 * The rows Visma gets for `doc` when its prices will be read as `includesVat`, with what Visma
 * will compute for each. Foreign invoices take unit prices to 4 decimals, Swedish ones to 2.
 */
export function planVismaDocument(doc: AccountingDocument, includesVat: boolean, foreign: boolean): VismaDocumentPlan {
  const rows: VismaRowPlan[] = doc.rows.map((r) => {
    let line = r.unitPrice * r.quantity - r.discount;
    if (doc.pricesIncludeVat && !includesVat) line = roundDiv(line * 10_000, 10_000 + bp(r.vatRate));
    if (!doc.pricesIncludeVat && includesVat) line = roundDiv(line * (10_000 + bp(r.vatRate)), 10_000);
    const exact = r.quantity !== 0 && line % r.quantity === 0;
    const unitPrice4 = r.quantity === 0 ? r.unitPrice * 100 : exact || !foreign ? roundDiv(line, r.quantity) * 100 : roundDiv(line * 100, r.quantity);
    return { article: vismaRowArticle(r, doc), text: cleanText(r.description, 2000), quantity: r.quantity, unitPrice4, amount: roundDiv(unitPrice4 * r.quantity, 100), vatRate: r.vatRate };
  });
  const difference = doc.total - vismaTotal(rows, includesVat);
  if (difference !== 0) {
    rows.push({ article: VISMA_ARTICLES.rounding, text: "Öresavrundning", quantity: Math.sign(difference), unitPrice4: Math.abs(difference) * 100, amount: difference, vatRate: 0 });
  }
  return { rows, total: doc.total, includesVat };
}

/** Ten-thousandths as the JSON number of their decimal text (exact: the text round-trips). */
function price(unitPrice4: number): number {
  const abs = Math.abs(unitPrice4);
  return Number(`${unitPrice4 < 0 ? "-" : ""}${Math.floor(abs / 10_000)}.${String(abs % 10_000).padStart(4, "0")}`);
}

/**
 * The references the shop's rules set, else the order name as "your reference".
 * BuyersOrderReference is not among them: it is how a lost create is found.
 */
function vismaReferences(doc: AccountingDocument) {
  const ours = cleanText(doc.fields?.ourReference, 50);
  return {
    YourReference: cleanText(doc.fields?.yourReference, 50) || cleanText(doc.orderName, 50),
    ...(ours ? { OurReference: ours } : {}),
  };
}

/** Text rows first: a credit's line, then the rules' remarks (Visma has no remarks field, and prints text rows). */
function textRows(doc: AccountingDocument, withCredit: boolean): string[] {
  return [withCredit && doc.creditOf ? `Kreditering av faktura ${doc.creditOf}` : "", cleanText(doc.fields?.remarks, 2000)].filter(Boolean);
}

/** The draft's body, with the articles' Visma ids. */
export function vismaDraftBody(doc: AccountingDocument, plan: VismaDocumentPlan, customerId: string, articleIds: ReadonlyMap<string, string>) {
  const texts = textRows(doc, true).map((Text) => ({ IsTextRow: true, ReversedConstructionServicesVatFree: false, Text }));
  return {
    CustomerId: customerId,
    EuThirdParty: false,
    RotReducedInvoicingType: 0,
    IsCreditInvoice: doc.kind === "credit",
    InvoiceDate: doc.date,
    ...vismaReferences(doc),
    BuyersOrderReference: vismaReference(doc.reference),
    // Shopify's own rate, so the books show what the buyer was charged; else Visma's rate.
    ...(doc.currencyRate ? { CurrencyRate: Number(doc.currencyRate) } : {}),
    // A zero price (a gift) must stay zero, not become the article's price.
    ReplaceUnitPriceWhenZero: false,
    Rows: [...texts, ...plan.rows.map((r) => ({
      IsTextRow: false,
      ReversedConstructionServicesVatFree: false,
      ArticleId: articleIds.get(r.article.number)!,
      Text: r.text,
      Quantity: r.quantity,
      UnitPrice: price(r.unitPrice4),
    }))],
  };
}

/** A Visma sales order of the same rows, everything delivered (its invoice takes delivered quantities). */
export function vismaOrderBody(doc: AccountingDocument, plan: VismaDocumentPlan, customerId: string, articleIds: ReadonlyMap<string, string>) {
  return {
    CustomerId: customerId,
    CurrencyCode: doc.currency,
    EuThirdParty: false,
    OrderDate: doc.date,
    Status: 2,
    RotReducedInvoicingType: 0,
    ReverseChargeOnConstructionServices: false,
    ...vismaReferences(doc),
    BuyersOrderReference: vismaReference(doc.reference),
    Rows: [...textRows(doc, false).map((Text) => ({ IsTextRow: true, IsWorkCost: false, EligibleForReverseChargeOnVat: false, Text })), ...plan.rows.map((r) => ({
      IsTextRow: false,
      IsWorkCost: false,
      EligibleForReverseChargeOnVat: false,
      ArticleId: articleIds.get(r.article.number)!,
      Text: r.text,
      Quantity: r.quantity,
      DeliveredQuantity: r.quantity,
      UnitPrice: price(r.unitPrice4),
    }))].map((row, i) => ({ LineNumber: i + 1, ...row })),
  };
}
