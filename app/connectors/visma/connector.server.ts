import { z } from "zod";
import type { AccountingDocument, DocumentCustomer } from "~/domain/accounting";
import { atRate, jsonNumberToMinor, minorToJsonNumber } from "~/domain/money";
import { truncate } from "~/domain/text";
import { permanent, retryable } from "../errors";
import type { CustomerField } from "~/domain/customer";
import type { AccountingConnector, ArticleSpec, RemoteDocument, RemoteOrder } from "../types";
import { vismaRequest, type VismaHttpOptions } from "./http.server";
import { planVismaDocument, vismaArticleNumber, vismaRowArticle, vismaCustomerBody, vismaDraftBody, vismaOrderBody, vismaReference, type VismaDocumentPlan } from "./payload";

// Visma eAccounting API v2 behind the AccountingConnector interface.
//  - Documents are made as drafts and booked by converting them into invoices, which have ids
//    of their own: a draft's id is kept as "draft:<id>" so it can be followed to its invoice
//    (CreatedFromDraftId) after the conversion.
//  - Visma computes a row's VAT itself (article + customer). Each draft's totals are checked
//    against Shopify's as it is made; a draft Visma totals differently is deleted again and the
//    job stops with the rows that differ, rather than leave a wrong document in the books.
//  - $filter compares text without regard to case, so every lookup used for de-duplication is
//    re-checked for exact equality here.

/** Finds or creates an article through the sync layer's cache and locks; returns Visma's id. */
export type ArticleResolver = (spec: ArticleSpec) => Promise<string>;

export interface VismaConnectorOptions extends VismaHttpOptions {
  /** Set by the sync layer; without one (contract tests) articles are looked up directly. */
  articles?: ArticleResolver;
}

const DRAFT = "draft:";
const amount = z.union([z.number(), z.string()]);
const stockShape = z.object({ Number: z.string(), IsStock: z.boolean(), StockBalance: z.union([z.number(), z.string()]).nullish() });
const listShape = z.object({ Meta: z.object({ TotalNumberOfPages: z.coerce.number() }).partial().optional(), Data: z.array(z.unknown()) });
const documentShape = z.object({
  Id: z.string().min(1),
  InvoiceNumber: z.union([z.number(), z.string()]).nullish(),
  TotalAmountInvoiceCurrency: amount,
  RemainingAmountInvoiceCurrency: amount.nullish(),
  InvoiceCurrencyCode: z.string().nullish(),
  CurrencyRate: amount.nullish(),
  IncludesVat: z.boolean().nullish(),
  IsCreditInvoice: z.boolean().nullish(),
  BuyersOrderReference: z.string().nullish(),
  InvoiceDate: z.string().nullish(),
  Rows: z.array(z.object({ IsTextRow: z.boolean().nullish(), VatRatePercent: amount.nullish(), Text: z.string().nullish() })).nullish(),
});
const orderShape = z.object({
  Id: z.string().min(1),
  OrderNumber: z.union([z.number(), z.string()]),
  Amount: amount,
  Status: z.number().nullish(),
  BuyersOrderReference: z.string().nullish(),
  InvoiceDraftId: z.string().nullish(),
});
const customerShape = z.object({
  Id: z.string(),
  Name: z.string().nullish(),
  EmailAddress: z.string().nullish(),
  CorporateIdentityNumber: z.string().nullish(),
  CurrencyCode: z.string().nullish(),
  IsPrivatePerson: z.boolean().nullish(),
  VatNumber: z.string().nullish(),
  InvoiceCountryCode: z.string().nullish(),
});
const idShape = z.object({ Id: z.string().min(1) });
const codingShape = z.object({ Id: z.string(), Type: z.string().nullish(), VatRatePercent: amount, IsActive: z.boolean().nullish() });
const termsShape = z.object({ Id: z.string(), TermsOfPaymentTypeId: z.number().nullish(), NumberOfDays: z.number().nullish() });
const bankShape = z.object({ Id: z.string(), AccountNumber: z.union([z.number(), z.string()]).nullish() });

function parse<T extends z.ZodType>(schema: T, raw: unknown, what: string): z.output<T> {
  const r = schema.safeParse(raw);
  if (!r.success) throw retryable(`Visma answered ${what} with an unexpected shape`, "bad_response");
  return r.data;
}

/**
 * Visma refuses a payment dated after its own today (4023). A shop east of Sweden just after its
 * midnight dates a payment tomorrow in Sweden: it is dated Visma's today instead.
 */
const swedishToday = () => new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm" }).format(new Date());

/** An OData string literal. */
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
const digits = (s: string) => s.replace(/\D/g, "");
/** Visma sends VAT rates as fractions (0.25); ours are percent. */
const percent = (fraction: number | string) => Math.round(Number(fraction) * 10_000) / 100;

/** A draft has no number yet: the merchant finds it in Visma by its reference and customer. */
const draftNumber = (draftId: string) => `utkast-${draftId.slice(0, 8)}`;

function asRemote(raw: unknown, what: string, draft: boolean): RemoteDocument {
  const d = parse(documentShape, raw, what);
  return {
    id: draft ? `${DRAFT}${d.Id}` : d.Id,
    number: draft ? draftNumber(d.Id) : String(d.InvoiceNumber ?? d.Id),
    total: jsonNumberToMinor(d.TotalAmountInvoiceCurrency),
    currency: d.InvoiceCurrencyCode ?? "SEK",
    reference: d.BuyersOrderReference ?? "",
    ...(d.InvoiceDate ? { date: d.InvoiceDate.slice(0, 10) } : {}),
    booked: !draft,
    cancelled: false,
  };
}

function asOrder(raw: unknown, what: string): RemoteOrder {
  const o = parse(orderShape, raw, what);
  return { id: o.Id, number: String(o.OrderNumber), total: jsonNumberToMinor(o.Amount), cancelled: false, ...(o.InvoiceDraftId ? { invoiceId: `${DRAFT}${o.InvoiceDraftId}` } : {}) };
}

/** A customer Visma holds is the one we would create if it has the same currency and VAT situation. */
function sameSituation(x: z.infer<typeof customerShape>, c: DocumentCustomer): boolean {
  return (x.CurrencyCode ?? "SEK") === c.currency
    && !!x.IsPrivatePerson === (c.type === "PRIVATE")
    && (x.InvoiceCountryCode ?? "SE") === (c.countryCode ?? "SE")
    && !!x.VatNumber === !!c.vatNumber;
}

const settingsShape = z.object({ Name: z.string().min(1), CorporateIdentityNumber: z.string().nullish() });

/** The company behind the token: its name for the merchant, its organisation number as our tenant key. */
export async function vismaCompanySettings(http: VismaHttpOptions): Promise<{ name: string; tenantId: string }> {
  const res = await vismaRequest(http, "GET", "/companysettings");
  const parsed = settingsShape.safeParse(res.body);
  if (!parsed.success) throw retryable("Visma answered company settings without a company name", "bad_response");
  return { name: parsed.data.Name, tenantId: (parsed.data.CorporateIdentityNumber ?? "").replace(/\D/g, "") };
}

/** Where each part of a customer the merchant gives to Shopify lives on a Visma customer. */
const VISMA_CUSTOMER_FIELDS: Record<CustomerField, string[]> = {
  name: ["Name"],
  email: ["EmailAddress"],
  phone: ["Telephone"],
  address: ["InvoiceAddress1", "InvoiceAddress2", "InvoicePostalCode", "InvoiceCity", "InvoiceCountryCode"],
};

const VISMA_ARTICLE_WRITABLE = ["IsActive", "Number", "Name", "CodingId", "UnitId", "NetPrice", "GrossPrice", "IsStock"];

const VISMA_CUSTOMER_WRITABLE = [
  "CustomerNumber", "Name", "IsPrivatePerson", "IsActive", "InvoiceCity", "InvoicePostalCode", "InvoiceAddress1", "InvoiceAddress2",
  "InvoiceCountryCode", "EmailAddress", "Telephone", "MobilePhone", "CorporateIdentityNumber", "VatNumber", "CurrencyCode",
  "TermsOfPaymentId", "DeliveryBasedVat",
];

export function vismaConnector(http: VismaConnectorOptions): AccountingConnector {
  const get = (path: string, query?: Record<string, string>) => vismaRequest(http, "GET", path, { query });

  async function list(path: string, filter: string): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let page = 1, pages = 1; page <= pages; page++) {
      const res = await get(path, { $filter: filter, $page: String(page), $pagesize: "1000" });
      const body = parse(listShape, res.body, `a ${path} search`);
      pages = body.Meta?.TotalNumberOfPages ?? 1;
      out.push(...body.Data);
    }
    return out;
  }

  // Reference data, read once per connector (one job): codings and units when an article is
  // made, terms when a customer is, bank accounts when a payment is.
  const once = <T>(load: () => Promise<T>) => { let p: Promise<T> | undefined; return () => (p ??= load()); };
  const all = async <T extends z.ZodType>(path: string, shape: T) => parse(z.array(shape), (await get(path, { $pagesize: "1000" })).body?.Data, `a ${path} read`);
  const codings = once(() => all("/articleaccountcodings", codingShape));
  const unitId = once(async () => {
    const units = await all("/units", z.object({ Id: z.string(), Code: z.string().nullish() }));
    const unit = units.find((u) => u.Code === "st") ?? units[0];
    if (!unit) throw permanent("Visma has no units; add the unit \"st\" in Visma / Visma saknar enheter; lägg till enheten \"st\" i Visma", "visma_no_units");
    return unit.Id;
  });
  const termsId = once(async () => {
    const terms = await all("/termsofpayments", termsShape);
    // A web shop's orders are paid when they are placed: card or payment-service terms first.
    const pick = terms.find((t) => t.TermsOfPaymentTypeId === 5) ?? terms.find((t) => t.TermsOfPaymentTypeId === 3) ?? terms.find((t) => t.NumberOfDays === 0) ?? terms[0];
    if (!pick) throw permanent("Visma has no terms of payment / Visma saknar betalningsvillkor", "visma_no_terms");
    return pick.Id;
  });
  const bankAccounts = once(() => all("/bankaccounts", bankShape));

  /** The customer as Visma's PUT takes it back: its writable fields (read-only ones are refused). */
  async function writableCustomer(id: string): Promise<Record<string, unknown>> {
    const current = parse(z.record(z.string(), z.unknown()), (await get(`/customers/${encodeURIComponent(id)}`)).body, "a customer read");
    return Object.fromEntries(VISMA_CUSTOMER_WRITABLE.filter((k) => current[k] !== null && current[k] !== undefined).map((k) => [k, current[k]]));
  }

  /** The article numbered exactly so (Visma's search ignores case), read as `shape`. */
  async function articleNumbered<T extends { Number: string }>(sku: string, shape: z.ZodType<T>): Promise<T | null> {
    const number = vismaArticleNumber(sku);
    return (await list("/articles", `Number eq ${literal(number)}`)).map((a) => parse(shape, a, "an article search")).find((a) => a.Number === number) ?? null;
  }

  const findArticle = async (sku: string) => (await articleNumbered(sku, z.object({ Id: z.string(), Number: z.string() })))?.Id ?? null;

  async function createArticle(spec: ArticleSpec): Promise<string> {
    const rate = spec.vatRate ?? 25;
    const type = spec.service ? "Service" : "Goods";
    const candidates = (await codings()).filter((c) => c.IsActive !== false && percent(c.VatRatePercent) === rate);
    const coding = candidates.find((c) => c.Type === type) ?? candidates[0];
    if (!coding) throw permanent(`Visma has no sales category (article coding) for ${rate} % VAT; add one in Visma / Visma saknar en försäljningskategori för ${rate} % moms; lägg till en i Visma`, "visma_no_coding");
    const res = await vismaRequest(http, "POST", "/articles", {
      body: { IsActive: true, Number: vismaArticleNumber(spec.number), Name: truncate(spec.description, 50) || spec.number, CodingId: coding.Id, UnitId: await unitId(), ...prices(spec) },
    });
    return parse(idShape, res.body, "the article create").Id;
  }

  /** Visma keeps both prices on the article; rows fall back to them when a draft sends none. */
  const prices = (spec: ArticleSpec) => (spec.price ? { NetPrice: minorToJsonNumber(spec.price.net), GrossPrice: minorToJsonNumber(spec.price.gross) } : {});

  /** The article as Visma's PUT takes it back (a full replace): its writable fields. */
  async function writableArticle(id: string): Promise<Record<string, unknown>> {
    const current = parse(z.record(z.string(), z.unknown()), (await get(`/articles/${encodeURIComponent(id)}`)).body, "an article read");
    return Object.fromEntries(VISMA_ARTICLE_WRITABLE.filter((k) => current[k] !== null && current[k] !== undefined).map((k) => [k, current[k]]));
  }

  const resolveArticle: ArticleResolver = http.articles ?? (async (spec) => (await findArticle(spec.number)) ?? createArticle(spec));

  async function articleIds(plan: VismaDocumentPlan): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const r of plan.rows) if (!ids.has(r.article.number)) ids.set(r.article.number, await resolveArticle(r.article));
    return ids;
  }

  const deleteDraft = (id: string) => vismaRequest(http, "DELETE", `/customerinvoicedrafts/${encodeURIComponent(id.slice(DRAFT.length))}`, { allow404: true });

  async function getDocument(id: string): Promise<RemoteDocument> {
    if (!id.startsWith(DRAFT)) return asRemote((await get(`/customerinvoices/${encodeURIComponent(id)}`)).body, "an invoice read", false);
    const draftId = id.slice(DRAFT.length);
    const res = await vismaRequest(http, "GET", `/customerinvoicedrafts/${encodeURIComponent(draftId)}`, { allow404: true });
    if (res.status !== 404) return asRemote(res.body, "a draft read", true);
    // Converted (by us, in a run whose answer was lost) or deleted.
    const invoices = await list("/customerinvoices", `CreatedFromDraftId eq ${literal(draftId)}`);
    if (invoices.length) return asRemote(invoices[0], "an invoice search", false);
    return { id, number: draftNumber(draftId), total: 0, currency: "", reference: "", booked: false, cancelled: true };
  }

  /** Visma's own VAT must come out as Shopify's: else the draft goes and the merchant learns which rows differ. */
  async function checkDraft(raw: unknown, plan: VismaDocumentPlan, doc: AccountingDocument): Promise<RemoteDocument> {
    const draft = asRemote(raw, "the draft create", true);
    if (draft.total === plan.total) return draft;
    const rows = parse(documentShape, raw, "the draft create").Rows?.filter((r) => !r.IsTextRow) ?? [];
    const differing = plan.rows.flatMap((r, i) => {
      const got = rows[i]?.VatRatePercent;
      return got !== undefined && got !== null && percent(got) !== r.vatRate ? [`"${r.text}" ${percent(got)} % instead of ${r.vatRate} %`] : [];
    });
    await deleteDraft(draft.id);
    const why = differing.length ? differing.join(", ") : `Visma totals ${minorToJsonNumber(draft.total)} instead of ${minorToJsonNumber(plan.total)}`;
    throw permanent(
      `Visma would book ${doc.orderName} with other VAT than Shopify charged (${why}); give the articles the right sales category in Visma / ` +
      `Visma skulle bokföra ${doc.orderName} med annan moms än Shopify tog ut (${why}); ge artiklarna rätt försäljningskategori i Visma`,
      "visma_vat_differs",
    );
  }

  // Whether Visma reads prices with VAT is its decision (private customer and a company
  // setting); the draft's answer says which, so a wrong guess is corrected on the spot.
  let includesVatForPrivate = true;

  async function findDocuments(reference: string, kind: "invoice" | "credit"): Promise<RemoteDocument[]> {
    const ref = vismaReference(reference);
    const filter = `BuyersOrderReference eq ${literal(ref)}`;
    const found: RemoteDocument[] = [];
    for (const [path, draft] of [["/customerinvoicedrafts", true], ["/customerinvoices", false]] as const) {
      for (const raw of await list(path, filter)) {
        const d = parse(documentShape, raw, "a document search");
        if (d.BuyersOrderReference !== ref || !!d.IsCreditInvoice !== (kind === "credit")) continue;
        found.push(asRemote(raw, "a document search", draft));
      }
    }
    return found;
  }

  async function createDocument(doc: AccountingDocument, customerId: string): Promise<RemoteDocument> {
    const foreign = doc.currency !== "SEK";
    let plan = planVismaDocument(doc, doc.customer.type === "PRIVATE" && includesVatForPrivate, foreign);
    const res = await vismaRequest(http, "POST", "/customerinvoicedrafts", { body: vismaDraftBody(doc, plan, customerId, await articleIds(plan)) });
    const made = parse(documentShape, res.body, "the draft create");
    if (made.IncludesVat !== undefined && made.IncludesVat !== null && made.IncludesVat !== plan.includesVat) {
      if (doc.customer.type === "PRIVATE") includesVatForPrivate = made.IncludesVat;
      plan = planVismaDocument(doc, made.IncludesVat, foreign);
      const again = await vismaRequest(http, "PUT", `/customerinvoicedrafts/${encodeURIComponent(made.Id)}`, { body: vismaDraftBody(doc, plan, customerId, await articleIds(plan)) });
      return checkDraft(again.body, plan, doc);
    }
    return checkDraft(res.body, plan, doc);
  }

  async function bookkeep(id: string): Promise<RemoteDocument> {
    if (!id.startsWith(DRAFT)) return getDocument(id);
    const res = await vismaRequest(http, "POST", `/customerinvoicedrafts/${encodeURIComponent(id.slice(DRAFT.length))}/convert`, { allow404: true });
    if (res.status !== 404) return asRemote(res.body, "the conversion", false);
    // A conversion whose answer was lost: the invoice exists already.
    const doc = await getDocument(id);
    if (!doc.booked) throw permanent(`the Visma draft ${doc.number} no longer exists; it was deleted in Visma`, "visma_draft_gone");
    return doc;
  }

  /** The invoice's id, following a draft to the invoice it became: Visma takes payments on invoices only. */
  async function invoiceId(id: string): Promise<string> {
    if (!id.startsWith(DRAFT)) return id;
    const doc = await getDocument(id);
    if (!doc.booked) throw permanent(`Visma takes payments on booked invoices only, and ${doc.number} is a draft / Visma tar bara emot betalningar på bokförda fakturor, och ${doc.number} är ett utkast`, "visma_draft_unpaid");
    return doc.id;
  }

  return {
    provider: "visma",
    company: () => vismaCompanySettings(http),

    async findCustomer(c) {
      let filter: string;
      let exact: (x: z.infer<typeof customerShape>) => boolean;
      if (c.orgNumber) {
        filter = `CorporateIdentityNumber eq ${literal(c.orgNumber)}`;
        exact = (x) => digits(x.CorporateIdentityNumber ?? "") === digits(c.orgNumber!) && sameSituation(x, c);
      } else if (c.email) {
        filter = `EmailAddress eq ${literal(c.email)}`;
        exact = (x) => (x.EmailAddress ?? "").toLowerCase() === c.email!.toLowerCase() && sameSituation(x, c);
      } else {
        filter = `Name eq ${literal(truncate(c.name, 50))}`;
        exact = (x) => x.Name === truncate(c.name, 50) && !x.EmailAddress && sameSituation(x, c);
      }
      const match = (await list("/customers", filter)).map((x) => parse(customerShape, x, "a customer search")).find(exact);
      return match?.Id ?? null;
    },

    async createCustomer(c) {
      const res = await vismaRequest(http, "POST", "/customers", { body: vismaCustomerBody(c, await termsId()) });
      return parse(idShape, res.body, "the customer create").Id;
    },

    async updateCustomer(id, c, fields) {
      // Visma's PUT replaces the whole customer: what the accountant set is read and sent back.
      const current = await writableCustomer(id);
      const body: Record<string, unknown> = vismaCustomerBody(c, String(current.TermsOfPaymentId));
      for (const key of fields.flatMap((f) => VISMA_CUSTOMER_FIELDS[f])) {
        if (body[key] === undefined) delete current[key];
        else current[key] = body[key];
      }
      await vismaRequest(http, "PUT", `/customers/${encodeURIComponent(id)}`, { body: current });
    },

    async deactivateCustomer(id) {
      await vismaRequest(http, "PUT", `/customers/${encodeURIComponent(id)}`, { body: { ...(await writableCustomer(id)), IsActive: false } });
    },

    articleFor: vismaRowArticle,
    findArticle,
    createArticle,

    // Visma's articles have no EAN field: the name is what there is to keep in step.
    async updateArticle(id, spec) {
      const current = await writableArticle(id);
      await vismaRequest(http, "PUT", `/articles/${encodeURIComponent(id)}`, { body: { ...current, Name: truncate(spec.description, 50) || spec.number, IsActive: true, ...prices(spec) } });
    },

    // Visma keeps stock only for stock articles (IsStock, the accountant's choice; Kontera never
    // switches it on), and its list says which: no read per article.
    async stockChangedSince(since) {
      const changed = (await list("/articles", `ChangedUtc gt ${since.toISOString()}`)).map((a) => parse(stockShape, a, "an article list"));
      return changed.map((a) => ({ number: a.Number, quantity: String(a.StockBalance ?? 0), keepsStock: a.IsStock }));
    },

    async keepsStock(number) {
      return (await articleNumbered(number, stockShape))?.IsStock ?? false;
    },

    async deactivateArticle(id) {
      await vismaRequest(http, "PUT", `/articles/${encodeURIComponent(id)}`, { body: { ...(await writableArticle(id)), IsActive: false } });
    },
    findDocuments,
    createDocument,
    getDocument,
    bookkeep,

    async cancelDocument(id) {
      if (!id.startsWith(DRAFT)) throw permanent("a booked Visma invoice cannot be withdrawn; it is credited instead", "visma_invoice_booked");
      await deleteDraft(id);
    },

    // No creditInFull: Visma's API has no credit action linked to the original, so a full
    // credit is a credit invoice of all the rows, made like any other.

    async findOrders(reference) {
      const ref = vismaReference(reference);
      return (await list("/orders", `BuyersOrderReference eq ${literal(ref)}`))
        .filter((raw) => parse(orderShape, raw, "an order search").BuyersOrderReference === ref)
        .map((raw) => asOrder(raw, "an order search"));
    },

    async createOrder(doc, customerId) {
      const plan = planVismaDocument(doc, doc.customer.type === "PRIVATE" && includesVatForPrivate, doc.currency !== "SEK");
      const res = await vismaRequest(http, "POST", "/orders", { body: vismaOrderBody(doc, plan, customerId, await articleIds(plan)) });
      return asOrder(res.body, "the order create");
    },

    async getOrder(id) {
      const res = await vismaRequest(http, "GET", `/orders/${encodeURIComponent(id)}`, { allow404: true });
      // A withdrawn order is deleted in Visma.
      if (res.status === 404) return { id, number: id, total: 0, cancelled: true };
      return asOrder(res.body, "an order read");
    },

    async invoiceOrder(id) {
      const res = await vismaRequest(http, "POST", `/orders/${encodeURIComponent(id)}/convert`);
      return asRemote(res.body, "the order's conversion", true);
    },

    async cancelOrder(id) {
      await vismaRequest(http, "DELETE", `/orders/${encodeURIComponent(id)}`, { allow404: true });
    },

    async findPayments(documentId) {
      // Visma's API lists no payments; the invoice says how much of it is still unpaid.
      const d = parse(documentShape, (await get(`/customerinvoices/${encodeURIComponent(await invoiceId(documentId))}`)).body, "an invoice read");
      const remaining = d.RemainingAmountInvoiceCurrency ?? d.TotalAmountInvoiceCurrency;
      return { paidTotal: jsonNumberToMinor(d.TotalAmountInvoiceCurrency) - jsonNumberToMinor(remaining) };
    },

    async createPayment(document, payment) {
      const id = await invoiceId(document.id);
      const bank = (await bankAccounts()).find((b) => String(b.AccountNumber ?? "") === payment.account);
      if (!bank) {
        throw permanent(
          `Visma has no bank account on ledger account ${payment.account} for payments by ${payment.gateway}; add one in Visma or change the gateway's account in Kontera's settings / ` +
          `Visma har inget bankkonto på konto ${payment.account} för betalningar via ${payment.gateway}; lägg till ett i Visma eller ändra betalsättets konto i Konteras inställningar`,
          "visma_no_bank_account",
        );
      }
      const foreign = document.currency !== "SEK";
      let domestic: number | undefined;
      if (foreign) {
        if (payment.shopCurrency === "SEK") domestic = payment.amountShop;
        else {
          const d = parse(documentShape, (await get(`/customerinvoices/${encodeURIComponent(id)}`)).body, "an invoice read");
          if (d.CurrencyRate === undefined || d.CurrencyRate === null) throw retryable("Visma returned a foreign-currency invoice without a rate", "bad_response");
          domestic = atRate(payment.amount, String(d.CurrencyRate));
        }
      }
      const res = await vismaRequest(http, "POST", `/customerinvoices/${encodeURIComponent(id)}/payments`, {
        body: {
          PaymentDate: [payment.date, swedishToday()].sort()[0],
          PaymentAmount: minorToJsonNumber(payment.amount),
          PaymentCurrency: document.currency,
          PaymentType: 1,
          CompanyBankAccountId: bank.Id,
          ...(domestic !== undefined ? { DomesticPaymentAmount: minorToJsonNumber(domestic) } : {}),
          Reference: truncate(payment.gateway, 50),
        },
      });
      const made = z.object({ Id: z.string().nullish() }).safeParse(res.body);
      return { id: (made.success && made.data.Id) || "", mode: payment.mode, amount: payment.amount, booked: true };
    },

    async bookkeepPayment() {
      // Visma books a payment as it is registered.
    },
  };
}
