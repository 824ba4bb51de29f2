import { z } from "zod";
import { atRate, jsonNumberToMinor, minorToJsonNumber } from "~/domain/money";
import { truncate } from "~/domain/text";
import { rowArticle } from "../articles";
import { ConnectorError, permanent, retryable } from "../errors";
import type { CustomerField } from "~/domain/customer";
import { inTimeZone } from "~/domain/graphql-order";
import type { AccountingConnector, ArticleSpec, ArticleStock, RemoteDocument, RemoteOrder } from "../types";
import { fortnoxRequest, type FortnoxHttpOptions } from "./http.server";
import { fortnoxArticleNumber, fortnoxCustomerBody, fortnoxInvoiceBody, fortnoxOrderBody, fortnoxVatType } from "./payload";

// Fortnox API v3 behind the AccountingConnector interface. Search is case-insensitive substring
// matching, so every lookup used for de-duplication is re-checked for exact equality here.

/** Fortnox's code for a price that exists (ASSUMED in the simulator: no real code was found). */
const PRICE_EXISTS = "2000474";

const amount = z.union([z.number(), z.string()]);
const flag = z.union([z.boolean(), z.string()]).optional().transform((v) => v === true || v === "true");

const stockPage = z.object({
  MetaInformation: z.object({ "@TotalPages": z.number().int().nonnegative() }),
  Articles: z.array(z.object({ ArticleNumber: z.string(), QuantityInStock: amount.nullish() })),
});
const invoiceSummary = z.object({
  DocumentNumber: z.union([z.string(), z.number()]).transform(String),
  Total: amount,
  Currency: z.string().optional(),
  CurrencyRate: amount.optional(),
  Booked: flag,
  Cancelled: flag,
  Credit: flag,
  CreditInvoiceReference: z.union([z.string(), z.number()]).nullish(),
  ExternalInvoiceReference1: z.string().nullish(),
  InvoiceDate: z.string().nullish(),
});
const orderShape = z.object({
  DocumentNumber: z.union([z.string(), z.number()]).transform(String),
  Total: amount,
  Cancelled: flag,
  InvoiceReference: z.union([z.string(), z.number()]).nullish(),
  ExternalInvoiceReference1: z.string().nullish(),
});

function asOrder(raw: unknown, what: string): RemoteOrder {
  const parsed = orderShape.safeParse(raw);
  if (!parsed.success) throw retryable(`Fortnox answered ${what} with an unexpected order shape`, "bad_response");
  const o = parsed.data;
  const invoiceId = o.InvoiceReference ? String(o.InvoiceReference) : "0";
  return { id: o.DocumentNumber, number: o.DocumentNumber, total: jsonNumberToMinor(o.Total), cancelled: o.Cancelled, ...(invoiceId !== "0" ? { invoiceId } : {}) };
}

const paymentShape = z.object({
  Number: z.union([z.string(), z.number()]).transform(String),
  InvoiceNumber: z.union([z.string(), z.number()]).transform(String),
  AmountCurrency: amount.optional(),
  Amount: amount,
  ModeOfPayment: z.string().nullish(),
  Booked: flag,
});
const listMeta = z.object({ "@TotalPages": z.coerce.number() }).partial();

function parseInvoice(raw: unknown, what: string) {
  const parsed = invoiceSummary.safeParse(raw);
  if (!parsed.success) throw retryable(`Fortnox answered ${what} with an unexpected invoice shape`, "bad_response");
  return parsed.data;
}

function asRemote(raw: unknown, what: string): RemoteDocument {
  const inv = parseInvoice(raw, what);
  const creditedBy = inv.CreditInvoiceReference ? String(inv.CreditInvoiceReference) : "0";
  return {
    id: inv.DocumentNumber,
    number: inv.DocumentNumber,
    total: jsonNumberToMinor(inv.Total),
    currency: inv.Currency ?? "SEK",
    reference: inv.ExternalInvoiceReference1 ?? "",
    ...(inv.InvoiceDate ? { date: inv.InvoiceDate } : {}),
    booked: inv.Booked,
    cancelled: inv.Cancelled,
    ...(creditedBy !== "0" ? { creditedBy } : {}),
  };
}

const digits = (s: string) => s.replace(/\D/g, "");

/** The company behind the token: its name for the merchant, its DatabaseNumber as our tenant key. */
export async function fortnoxCompanyInformation(http: FortnoxHttpOptions): Promise<{ name: string; tenantId: string }> {
  const res = await fortnoxRequest(http, "GET", "/companyinformation");
  const info = res.body?.CompanyInformation;
  if (!info?.CompanyName) throw retryable("Fortnox answered company information without a company name", "bad_response");
  return { name: String(info.CompanyName), tenantId: String(info.DatabaseNumber ?? "") };
}

/** Where each part of a customer the merchant gives to Shopify lives on a Fortnox customer. */
const FORTNOX_CUSTOMER_FIELDS: Record<CustomerField, string[]> = {
  name: ["Name"],
  email: ["Email"],
  phone: ["Phone1"],
  address: ["Address1", "Address2", "ZipCode", "City", "CountryCode"],
};

export function fortnoxConnector(http: FortnoxHttpOptions): AccountingConnector {
  async function getDocument(id: string): Promise<RemoteDocument> {
    const res = await fortnoxRequest(http, "GET", `/invoices/${encodeURIComponent(id)}`);
    return asRemote(res.body?.Invoice, "an invoice read");
  }

  async function invoiceRate(id: string): Promise<string> {
    const res = await fortnoxRequest(http, "GET", `/invoices/${encodeURIComponent(id)}`);
    const rate = parseInvoice(res.body?.Invoice, "an invoice read").CurrencyRate;
    if (rate === undefined) throw retryable("Fortnox returned a foreign-currency invoice without a rate", "bad_response");
    return String(rate);
  }

  async function searchCustomers(field: string, value: string): Promise<any[]> {
    const res = await fortnoxRequest(http, "GET", "/customers", { query: { [field]: value, limit: "500" } });
    return Array.isArray(res.body?.Customers) ? res.body.Customers : [];
  }

  /**
   * The article's price on the default price list (A) from quantity 0, excluding VAT as Fortnox's
   * lists keep it. A new article has none yet and an existing one may or may not, so each is
   * tried the likely way first and the other way on "missing" / "exists". A token without the
   * price scope fails this job only (the orders need no price): reconnecting grants it.
   */
  async function setPrice(number: string, net: number, article: "new" | "existing"): Promise<void> {
    const price = { Price: minorToJsonNumber(net) };
    const create = () => fortnoxRequest(http, "POST", "/prices", { body: { Price: { ArticleNumber: number, PriceList: "A", FromQuantity: 0, ...price } } });
    const update = () => fortnoxRequest(http, "PUT", `/prices/A/${encodeURIComponent(number)}/0`, { body: { Price: price }, allow404: true });
    try {
      if (article === "new") {
        try { await create(); } catch (e) { if (!(e instanceof ConnectorError && e.code === PRICE_EXISTS)) throw e; await update(); }
      } else if ((await update()).status === 404) await create();
    } catch (e) {
      if (e instanceof ConnectorError && e.code === "2000663") throw permanent(`${e.message} (writing the sales price of ${number})`, "price_scope");
      throw e;
    }
  }

  return {
    provider: "fortnox",
    company: () => fortnoxCompanyInformation(http),

    async findCustomer(c) {
      let match: any;
      if (c.orgNumber) {
        match = (await searchCustomers("organisationnumber", c.orgNumber)).find((x) => digits(x.OrganisationNumber ?? "") === digits(c.orgNumber!));
      } else if (c.email) {
        // A Fortnox customer has one currency and one VAT type: the same buyer in another currency
        // or under another VAT regime is another customer.
        for (const x of (await searchCustomers("email", c.email)).filter((x) => String(x.Email ?? "").toLowerCase() === c.email)) {
          const full = (await fortnoxRequest(http, "GET", `/customers/${encodeURIComponent(String(x.CustomerNumber))}`)).body?.Customer;
          const vatType = c.regime ? fortnoxVatType(c.regime) : "SEVAT";
          if ((full?.Currency ?? "SEK") === c.currency && (full?.VATType ?? "SEVAT") === vatType) { match = x; break; }
        }
      } else {
        match = (await searchCustomers("name", c.name)).find((x) => x.Name === c.name && !x.Email);
      }
      return match ? String(match.CustomerNumber) : null;
    },

    async createCustomer(c) {
      const res = await fortnoxRequest(http, "POST", "/customers", { body: { Customer: fortnoxCustomerBody(c) } });
      const number = res.body?.Customer?.CustomerNumber;
      if (!number) throw retryable("Fortnox created a customer but returned no CustomerNumber", "bad_response");
      return String(number);
    },

    async updateCustomer(id, c, fields) {
      // Fortnox's PUT changes only the fields sent; "" clears one (Name is required and stays).
      const body: Record<string, unknown> = fortnoxCustomerBody(c);
      const update = Object.fromEntries(fields.flatMap((f) => FORTNOX_CUSTOMER_FIELDS[f]).map((k) => [k, body[k] ?? ""]));
      await fortnoxRequest(http, "PUT", `/customers/${encodeURIComponent(id)}`, { body: { Customer: update } });
    },

    async deactivateCustomer(id) {
      await fortnoxRequest(http, "PUT", `/customers/${encodeURIComponent(id)}`, { body: { Customer: { Active: false } } });
    },

    articleFor: (row, doc) => (row.articleNumber ? rowArticle({ ...row, articleNumber: row.articleNumber }, doc) : null),

    async findArticle(sku) {
      const number = fortnoxArticleNumber(sku);
      const res = await fortnoxRequest(http, "GET", `/articles/${encodeURIComponent(number)}`, { allow404: true });
      return res.status === 404 ? null : String(res.body?.Article?.ArticleNumber ?? number);
    },

    async createArticle(spec: ArticleSpec) {
      const number = fortnoxArticleNumber(spec.number);
      const res = await fortnoxRequest(http, "POST", "/articles", {
        body: {
          Article: {
            // "st" (styck, pieces) is in every Fortnox company's unit register.
            ArticleNumber: number, Description: truncate(spec.description, 200), Type: spec.service ? "SERVICE" : "STOCK", Unit: "st",
            ...(spec.ean ? { EAN: truncate(spec.ean, 100) } : {}),
            ...(spec.salesAccount ? { SalesAccount: Number(spec.salesAccount) } : {}),
            ...(spec.vatRate !== undefined ? { VAT: spec.vatRate } : {}),
          },
        },
      });
      const made = String(res.body?.Article?.ArticleNumber ?? number);
      if (spec.price) await setPrice(made, spec.price.net, "new");
      return made;
    },

    async updateArticle(number, spec) {
      // Fortnox's PUT changes only the fields sent: its accounts and stock stay.
      const article = { Description: truncate(spec.description, 200), EAN: spec.ean ? truncate(spec.ean, 100) : "", Active: true };
      await fortnoxRequest(http, "PUT", `/articles/${encodeURIComponent(number)}`, { body: { Article: article } });
      if (spec.price) await setPrice(number, spec.price.net, "existing");
    },

    async stockChangedSince(since) {
      // lastmodified is Swedish wall-clock time to the minute: the caller overlaps its windows.
      const lastmodified = inTimeZone(since.toISOString(), "Europe/Stockholm").slice(0, 16).replace("T", " ");
      const out: ArticleStock[] = [];
      for (let page = 1; ; page++) {
        const res = await fortnoxRequest(http, "GET", "/articles", { query: { lastmodified, limit: "500", page: String(page) } });
        const body = stockPage.parse(res.body);
        for (const a of body.Articles) out.push({ number: a.ArticleNumber, quantity: String(a.QuantityInStock ?? 0) });
        if (page >= body.MetaInformation["@TotalPages"]) return out;
      }
    },

    async keepsStock(number) {
      const res = await fortnoxRequest(http, "GET", `/articles/${encodeURIComponent(number)}`, { allow404: true });
      return res.status !== 404 && z.object({ Article: z.object({ StockGoods: flag }) }).parse(res.body).Article.StockGoods;
    },

    async deactivateArticle(number) {
      await fortnoxRequest(http, "PUT", `/articles/${encodeURIComponent(number)}`, { body: { Article: { Active: false } } });
    },

    async findDocuments(reference, kind) {
      const found: RemoteDocument[] = [];
      for (let page = 1, pages = 1; page <= pages; page++) {
        const res = await fortnoxRequest(http, "GET", "/invoices", {
          query: { externalinvoicereference1: reference, limit: "500", page: String(page) },
        });
        pages = listMeta.parse(res.body?.MetaInformation ?? {})["@TotalPages"] ?? 1;
        for (const raw of res.body?.Invoices ?? []) {
          if (raw?.ExternalInvoiceReference1 !== reference) continue;
          const doc = asRemote(raw, "a search");
          // Fortnox's credit action copies the original's references onto the credit invoice.
          const isCredit = parseInvoice(raw, "a search").Credit || doc.total < 0;
          if (!doc.cancelled && isCredit === (kind === "credit")) found.push(doc);
        }
      }
      return found;
    },

    async createDocument(doc, customerNumber) {
      const res = await fortnoxRequest(http, "POST", "/invoices", { body: { Invoice: fortnoxInvoiceBody(doc, customerNumber) } });
      return asRemote(res.body?.Invoice, "the invoice create");
    },

    getDocument,

    async bookkeep(id) {
      const res = await fortnoxRequest(http, "PUT", `/invoices/${encodeURIComponent(id)}/bookkeep`);
      return asRemote(res.body?.Invoice, "the bookkeeping");
    },

    async cancelDocument(id) {
      await fortnoxRequest(http, "PUT", `/invoices/${encodeURIComponent(id)}/cancel`);
    },

    async creditInFull(id) {
      // Fortnox answers with the original invoice, which now points at its credit invoice.
      const res = await fortnoxRequest(http, "PUT", `/invoices/${encodeURIComponent(id)}/credit`);
      const original = asRemote(res.body?.Invoice, "the credit action");
      if (!original.creditedBy) throw retryable("Fortnox credited an invoice but named no credit invoice", "bad_response");
      return getDocument(original.creditedBy);
    },

    async findOrders(reference) {
      const found: RemoteOrder[] = [];
      for (let page = 1, pages = 1; page <= pages; page++) {
        const res = await fortnoxRequest(http, "GET", "/orders", { query: { externalinvoicereference1: reference, limit: "500", page: String(page) } });
        pages = listMeta.parse(res.body?.MetaInformation ?? {})["@TotalPages"] ?? 1;
        for (const raw of res.body?.Orders ?? []) {
          if (raw?.ExternalInvoiceReference1 !== reference) continue;
          const order = asOrder(raw, "an order search");
          if (!order.cancelled) found.push(order);
        }
      }
      return found;
    },

    async createOrder(doc, customerNumber) {
      const res = await fortnoxRequest(http, "POST", "/orders", { body: { Order: fortnoxOrderBody(doc, customerNumber) } });
      return asOrder(res.body?.Order, "the order create");
    },

    async getOrder(id) {
      const res = await fortnoxRequest(http, "GET", `/orders/${encodeURIComponent(id)}`);
      return asOrder(res.body?.Order, "an order read");
    },

    async invoiceOrder(id, doc) {
      // Fortnox answers with the order, which now names its invoice.
      const res = await fortnoxRequest(http, "PUT", `/orders/${encodeURIComponent(id)}/createinvoice`);
      const order = asOrder(res.body?.Order, "the order's invoicing");
      if (!order.invoiceId) throw retryable("Fortnox invoiced an order but named no invoice", "bad_response");
      if (doc.regime === "eu_reverse_charge") {
        // Orders carry no EU sales list flag; the invoice must.
        await fortnoxRequest(http, "PUT", `/invoices/${encodeURIComponent(order.invoiceId)}`, { body: { Invoice: { EUQuarterlyReport: true } } });
      }
      return getDocument(order.invoiceId);
    },

    async cancelOrder(id) {
      await fortnoxRequest(http, "PUT", `/orders/${encodeURIComponent(id)}/cancel`);
    },

    async findPayments(documentId) {
      const res = await fortnoxRequest(http, "GET", "/invoicepayments", { query: { invoicenumber: documentId, limit: "500" } });
      // The search matches as text (1 finds 10, 11, ...): keep exact matches, then read each in full
      // for what the list leaves out (mode of payment, amount in the invoice's currency).
      const listed = z.array(paymentShape).safeParse((res.body?.InvoicePayments ?? []).filter((p: any) => String(p?.InvoiceNumber) === documentId));
      if (!listed.success) throw retryable("Fortnox answered a payment search with an unexpected shape", "bad_response");
      const payments = [];
      for (const p of listed.data) {
        const full = await fortnoxRequest(http, "GET", `/invoicepayments/${encodeURIComponent(p.Number)}`);
        const parsed = paymentShape.safeParse(full.body?.InvoicePayment);
        if (!parsed.success) throw retryable("Fortnox answered with an unexpected payment shape", "bad_response");
        payments.push({ id: parsed.data.Number, mode: parsed.data.ModeOfPayment ?? "", amount: jsonNumberToMinor(parsed.data.AmountCurrency ?? parsed.data.Amount), booked: parsed.data.Booked });
      }
      return { listed: payments };
    },

    async createPayment(document, payment) {
      const foreign = document.currency !== "SEK";
      let sek = payment.amount;
      if (foreign) sek = payment.shopCurrency === "SEK" ? payment.amountShop : atRate(payment.amount, (await invoiceRate(document.id)));
      const res = await fortnoxRequest(http, "POST", "/invoicepayments", {
        body: {
          InvoicePayment: {
            InvoiceNumber: Number(document.number),
            Amount: minorToJsonNumber(sek),
            ...(foreign ? { AmountCurrency: minorToJsonNumber(payment.amount) } : {}),
            PaymentDate: payment.date,
            ModeOfPayment: payment.mode,
            ModeOfPaymentAccount: Number(payment.account),
          },
        },
      });
      const parsed = paymentShape.safeParse(res.body?.InvoicePayment);
      if (!parsed.success) throw retryable("Fortnox created a payment but answered with an unexpected shape", "bad_response");
      return { id: parsed.data.Number, mode: payment.mode, amount: payment.amount, booked: parsed.data.Booked };
    },

    async bookkeepPayment(id) {
      await fortnoxRequest(http, "PUT", `/invoicepayments/${encodeURIComponent(id)}/bookkeep`);
    },
  };
}
