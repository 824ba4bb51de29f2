import type { AccountingDocument, DocumentCustomer, DocumentRow, MappingIssue, MappingResult } from "./accounting";
import { fromMinor, sum, toMinor } from "./money";
import type { MappingSettings } from "./settings";
import type { ShopifyOrder } from "./shopify-order";
import { truncate } from "./text";
import { decideRegime, normaliseVatNumber, type VatRegime } from "./vat";

// Order → accounting document. Pure: no I/O, so the admin's preview can run the same code as the
// worker. One row per line item on its SKU's article (the default article when the SKU is empty),
// one row per charged shipping line, VAT from Shopify's tax lines, the sales account from the VAT
// regime and rate. What the engine cannot book correctly it reports as issues, never guesses.

const DOMESTIC_VAT = new Set([0, 6, 12, 25]);
const ORG_NUMBER_ATTR = /^(org(anisation|anization)?[\s_-]?(nr|no|number|nummer)|organisationsnummer)$/i;
const VAT_NUMBER_ATTR = /^(vat([\s_-]?(nr|no|number|id))?|momsreg(istrerings)?(nr|nummer)?)$/i;

function vatPercent(taxLines: { rate: number }[]): number {
  // Rates arrive as fractions (0.25); sum them in basis points to stay exact.
  return sum(taxLines.map((t) => Math.round(t.rate * 10_000))) / 100;
}

export function clean(value: string | null | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

const attribute = (order: ShopifyOrder, name: RegExp) => clean(order.note_attributes.find((a) => name.test(a.name))?.value);

/** Swedish organisation or personal number as NNNNNN-NNNN (12 digits keep their century). */
export function normaliseOrgNumber(value: string): string | undefined {
  const digits = value.replace(/\D/g, "");
  if (digits.length === 10) return `${digits.slice(0, 6)}-${digits.slice(6)}`;
  if (digits.length === 12) return `${digits.slice(0, 8)}-${digits.slice(8)}`;
  return undefined;
}

// Shared customers are found again by name, and a Fortnox customer has one currency.
const withCurrency = (name: string, currency: string) => (currency === "SEK" ? name : `${name} ${currency}`);

const billingOf = (order: ShopifyOrder) => order.billing_address ?? order.shipping_address ?? undefined;

/** A company buys: a company name on the address, or an organisation or VAT number given. */
export function isCompanyOrder(order: ShopifyOrder): boolean {
  return Boolean(clean(billingOf(order)?.company) || attribute(order, ORG_NUMBER_ATTR) || attribute(order, VAT_NUMBER_ATTR));
}

export function mapCustomer(order: ShopifyOrder, privateCustomers: MappingSettings["privateCustomers"] = "per_buyer", currency = order.currency): DocumentCustomer {
  const bill = billingOf(order);
  const orgAttribute = attribute(order, ORG_NUMBER_ATTR);
  // Only a Swedish organisation number goes into that field; a foreign business id stays out.
  const orgNumber = orgAttribute ? normaliseOrgNumber(orgAttribute) : undefined;
  const vatNumber = attribute(order, VAT_NUMBER_ATTR);
  const email = clean(order.customer?.email ?? order.email)?.toLowerCase();
  const person = [order.customer?.first_name ?? bill?.first_name, order.customer?.last_name ?? bill?.last_name]
    .map(clean)
    .filter(Boolean)
    .join(" ");
  const company = clean(bill?.company);
  const isCompany = isCompanyOrder(order);
  if (!isCompany && privateCustomers === "webshop") {
    return { key: `webshop:${currency}`, type: "PRIVATE", name: withCurrency("Webbkund", currency), currency };
  }
  // A Fortnox customer has one currency: the same buyer paying in another currency is another customer.
  const perCurrency = currency === "SEK" ? "" : `:${currency}`;
  const key = (order.customer ? `shopify:${order.customer.id}` : email ? `email:${email}` : `guest:${currency}`) + (order.customer || email ? perCurrency : "");
  return {
    key,
    type: isCompany ? "COMPANY" : "PRIVATE",
    name: company ?? (person || clean(bill?.name) || withCurrency("Shopify guest", currency)),
    email,
    orgNumber,
    vatNumber: vatNumber ? normaliseVatNumber(vatNumber) : undefined,
    phone: clean(order.customer?.phone ?? bill?.phone),
    ...customerAddress(bill),
    currency,
  };
}

type ShopifyAddress = { address1?: string | null; address2?: string | null; zip?: string | null; city?: string | null; country_code?: string | null };

/** A Shopify address as an accounting customer's postal address. */
export function customerAddress(a: ShopifyAddress | null | undefined): Pick<DocumentCustomer, "address1" | "address2" | "zip" | "city" | "countryCode"> {
  return { address1: clean(a?.address1), address2: clean(a?.address2), zip: clean(a?.zip), city: clean(a?.city), countryCode: clean(a?.country_code)?.toUpperCase() };
}

function issue(code: string, message: string, messageSv: string, field?: string): MappingIssue {
  return { code, message, messageSv, field };
}

/** Where the goods go: the shipping address, else the billing address, else the shop's own country. */
function destination(order: ShopifyOrder, shopCountry: string): string {
  return (clean(order.shipping_address?.country_code) ?? clean(order.billing_address?.country_code) ?? shopCountry).toUpperCase();
}

function accountFor(regime: VatRegime, rate: number, country: string, settings: MappingSettings): string | undefined {
  const a = settings.accounts;
  switch (regime) {
    case "domestic": return a.domestic[String(rate)];
    case "eu_oss": return a.euOssByCountry[country] ?? a.euOss;
    case "eu_reverse_charge": return a.euReverseCharge;
    case "export": return a.export;
  }
}

/** Shop currency per unit of the presentment currency, to six decimals, from Shopify's two totals. */
export function presentmentRate(shopMinor: number, presentmentMinor: number): string {
  const scaled = Math.floor((shopMinor * 2_000_000 + presentmentMinor) / (2 * presentmentMinor)); // half up
  const whole = Math.floor(scaled / 1_000_000);
  const frac = String(scaled % 1_000_000).padStart(6, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : String(whole);
}

type MoneySet = { shop_money: { amount: string }; presentment_money: { amount: string } } | null | undefined;

/**
 * Reads amounts in the currency being booked: the plain field (shop currency) or the presentment
 * side of its `_set`. A `_set` missing where presentment is wanted is recorded as an issue.
 */
function moneyReader(presentment: boolean, missing: (field: string) => void) {
  return (plain: string, set: MoneySet, field: string): number => {
    if (!presentment) return toMinor(plain);
    if (!set) { missing(field); return 0; }
    return toMinor(set.presentment_money.amount);
  };
}

const REGIME_LABEL: Record<VatRegime, string> = { domestic: "", eu_oss: "EU", eu_reverse_charge: "EU företag", export: "export" };

/**
 * A Fortnox customer has one VAT type, so a buyer under another regime (a Swedish customer
 * ordering to Germany) is another customer; shared customers, found again by name, get the
 * regime in their name.
 */
function customerUnder(c: DocumentCustomer, regime: VatRegime): DocumentCustomer {
  if (regime === "domestic") return { ...c, regime };
  const shared = c.key.startsWith("webshop:") || c.key.startsWith("guest:");
  return { ...c, key: `${c.key}:${regime}`, regime, ...(shared ? { name: `${c.name} ${REGIME_LABEL[regime]}` } : {}) };
}

export function mapOrderToInvoice(order: ShopifyOrder, settings: MappingSettings): MappingResult {
  const issues: MappingIssue[] = [];
  const presentment = settings.currency === "presentment" && !!order.presentment_currency && order.presentment_currency !== order.currency;
  const currency = presentment ? order.presentment_currency! : order.currency;
  const missingSets = new Set<string>();
  const amount = moneyReader(presentment, (field) => missingSets.add(field));
  const customer = mapCustomer(order, settings.privateCustomers, currency);
  const country = destination(order, settings.shopCountry);
  const vat = order.total_tax !== undefined
    ? amount(order.total_tax, order.total_tax_set, "total_tax")
    : sum([...order.line_items, ...order.shipping_lines].flatMap((l) => l.tax_lines.map((t) => amount(t.price, t.price_set, "tax_lines.price"))));

  const decision = decideRegime({
    shopCountry: settings.shopCountry,
    destinationCountry: country,
    isCompany: customer.type === "COMPANY",
    vatNumber: customer.vatNumber,
    taxFree: vat === 0,
  });
  if ("issue" in decision) {
    return { ok: false, issues: [issue("vat_number_missing",
      `The order to a company in ${country} has no VAT, but no valid VAT number: add the buyer's VAT number (note attribute "vat_number") or charge VAT in Shopify`,
      `Ordern till ett företag i ${country} saknar moms men har inget giltigt momsregistreringsnummer: lägg till köparens VAT-nummer (notattribut "vat_number") eller ta ut moms i Shopify`)] };
  }
  const { regime } = decision;

  const row = (kind: "item" | "shipping", field: string, base: Omit<DocumentRow, "kind" | "vatRate" | "account">, taxLines: { rate: number }[]) => {
    const vatRate = vatPercent(taxLines);
    const before = issues.length;
    if (regime === "domestic" && !DOMESTIC_VAT.has(vatRate)) {
      issues.push(issue("vat_rate_unsupported", `"${base.description}" has VAT ${vatRate} %; Swedish VAT is 25, 12, 6 or 0 %`,
        `"${base.description}" har ${vatRate} % moms; svensk moms är 25, 12, 6 eller 0 %`, field));
    }
    if ((regime === "export" || regime === "eu_reverse_charge") && vatRate !== 0) {
      issues.push(issue("vat_on_zero_rated", `"${base.description}" carries ${vatRate} % VAT on a sale that is VAT-free (${regime === "export" ? "export" : "reverse charge"})`,
        `"${base.description}" har ${vatRate} % moms på en momsfri försäljning (${regime === "export" ? "export" : "omvänd skattskyldighet"})`, field));
    }
    const account = accountFor(regime, vatRate, country, settings);
    if (!account && issues.length === before) { // a wrong rate is the problem to report, not its account
      issues.push(issue("account_missing", `No sales account is set for ${vatRate} % VAT; add one in Kontera's settings`,
        `Inget försäljningskonto är angivet för ${vatRate} % moms; lägg till ett i Konteras inställningar`, field));
    }
    return { ...base, kind, vatRate, account: account ?? "" };
  };

  const rows: DocumentRow[] = [];
  order.line_items.forEach((item, i) => {
    const discount = item.discount_allocations.length
      ? sum(item.discount_allocations.map((d) => amount(d.amount, d.amount_set, "discount_allocations.amount")))
      : amount(item.total_discount, item.total_discount_set, "line_items.total_discount");
    const base = {
      lineItemId: item.id,
      description: truncate([item.title, clean(item.variant_title)].filter(Boolean).join(" - "), 255),
      quantity: item.quantity,
      unitPrice: amount(item.price, item.price_set, "line_items.price"),
      discount,
    };
    if (item.gift_card) {
      // A gift card sold is money held for its holder: a debt at 0 % VAT; VAT falls due when it is spent.
      if (vatPercent(item.tax_lines) !== 0) {
        issues.push(issue("vat_on_gift_card", `The gift card "${base.description}" carries VAT; gift cards are sold without VAT`,
          `Presentkortet "${base.description}" har moms; presentkort säljs utan moms`, `line_items.${i}`));
      }
      rows.push({ ...base, kind: "gift_card", vatRate: 0, account: settings.accounts.giftCards });
      return;
    }
    const sku = settings.articleKey === "sku" ? clean(item.sku) : settings.articleKey === "ean" ? clean(item.barcode) : undefined;
    rows.push(row("item", `line_items.${i}`, { ...base, articleNumber: sku ?? settings.defaultArticleNumber, ...(sku ? {} : { generic: true }) }, item.tax_lines));
  });
  order.shipping_lines.forEach((line, i) => {
    const price = amount(line.price, line.price_set, "shipping_lines.price");
    if (price === 0) return; // free shipping books nothing
    rows.push(row("shipping", `shipping_lines.${i}`, {
      articleNumber: settings.shippingArticleNumber,
      generic: true,
      description: truncate(line.title, 255),
      quantity: 1,
      unitPrice: price,
      discount: sum(line.discount_allocations.map((d) => amount(d.amount, d.amount_set, "discount_allocations.amount"))),
    }, line.tax_lines));
  });
  const tip = toMinor(order.total_tip_received ?? "0");
  if (tip !== 0) {
    if (presentment) {
      issues.push(issue("tip_in_presentment_currency", "Shopify reports tips in the shop currency only; book this order in the shop currency",
        "Shopify anger dricks endast i butikens valuta; bokför ordern i butikens valuta"));
    }
    rows.push({ kind: "tip", description: "Dricks", quantity: 1, unitPrice: tip, discount: 0, vatRate: 0, account: settings.accounts.tips });
  }
  if (missingSets.size) {
    issues.push(issue("presentment_amounts_missing",
      `The order has no ${currency} amounts for ${[...missingSets].join(", ")}; book it in the shop currency`,
      `Ordern saknar belopp i ${currency} för ${[...missingSets].join(", ")}; bokför den i butikens valuta`));
  }

  // The rows must carry exactly what the customer paid: gross rows add up to the total; net rows
  // plus Shopify's VAT do. Anything else (duties, fees) is not booked: say so.
  const total = amount(order.total_price, order.total_price_set, "total_price");
  const rowsTotal = sum(rows.map((r) => r.unitPrice * r.quantity - r.discount));
  const booked = order.taxes_included ? rowsTotal : rowsTotal + vat;
  if (booked !== total && !missingSets.size) {
    issues.push(issue("total_mismatch",
      `The order's rows${order.taxes_included ? "" : " and VAT"} add up to ${fromMinor(booked)} but the order total is ${fromMinor(total)}`,
      `Orderns rader${order.taxes_included ? "" : " och moms"} summerar till ${fromMinor(booked)} men ordersumman är ${fromMinor(total)}`));
  }
  if (issues.length) return { ok: false, issues };

  return {
    ok: true,
    document: {
      kind: "invoice",
      reference: order.admin_graphql_api_id,
      orderName: order.name,
      date: (order.processed_at ?? order.created_at).slice(0, 10),
      currency,
      ...(presentment ? { currencyRate: presentmentRate(toMinor(order.total_price), total) } : {}),
      pricesIncludeVat: order.taxes_included,
      regime,
      customer: customerUnder(customer, regime),
      rows,
      total,
      vat,
      roundingAccount: settings.accounts.rounding,
    },
  };
}
