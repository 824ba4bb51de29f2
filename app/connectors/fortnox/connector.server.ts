import { z } from "zod";
import { jsonNumberToMinor } from "~/domain/money";
import { truncate } from "~/domain/text";
import { retryable } from "../errors";
import type { AccountingConnector, ArticleSpec, RemoteDocument } from "../types";
import { fortnoxRequest, type FortnoxHttpOptions } from "./http.server";
import { fortnoxCustomerBody, fortnoxInvoiceBody } from "./payload";

// Fortnox API v3 behind the AccountingConnector interface. Search is case-insensitive substring
// matching, so every lookup used for de-duplication is re-checked for exact equality here.

const amount = z.union([z.number(), z.string()]);
const invoiceSummary = z.object({
  DocumentNumber: z.union([z.string(), z.number()]).transform(String),
  Total: amount,
  Currency: z.string().optional(),
  Cancelled: z.union([z.boolean(), z.string()]).optional(),
  ExternalInvoiceReference1: z.string().nullish(),
});
const listMeta = z.object({ "@TotalPages": z.coerce.number() }).partial();

function asRemote(raw: unknown, what: string): RemoteDocument {
  const parsed = invoiceSummary.safeParse(raw);
  if (!parsed.success) throw retryable(`Fortnox answered ${what} with an unexpected invoice shape`, "bad_response");
  const inv = parsed.data;
  return {
    id: inv.DocumentNumber,
    number: inv.DocumentNumber,
    total: jsonNumberToMinor(inv.Total),
    currency: inv.Currency ?? "SEK",
    reference: inv.ExternalInvoiceReference1 ?? "",
  };
}

const digits = (s: string) => s.replace(/\D/g, "");
const isTrue = (v: unknown) => v === true || v === "true";

export function fortnoxConnector(http: FortnoxHttpOptions): AccountingConnector {
  async function searchCustomers(field: string, value: string): Promise<any[]> {
    const res = await fortnoxRequest(http, "GET", "/customers", { query: { [field]: value, limit: "500" } });
    return Array.isArray(res.body?.Customers) ? res.body.Customers : [];
  }

  return {
    provider: "fortnox",

    async findCustomer(c) {
      let match: any;
      if (c.orgNumber) {
        match = (await searchCustomers("organisationnumber", c.orgNumber)).find((x) => digits(x.OrganisationNumber ?? "") === digits(c.orgNumber!));
      } else if (c.email) {
        match = (await searchCustomers("email", c.email)).find((x) => String(x.Email ?? "").toLowerCase() === c.email);
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

    async findArticle(number) {
      const res = await fortnoxRequest(http, "GET", `/articles/${encodeURIComponent(number)}`, { allow404: true });
      return res.status === 404 ? null : String(res.body?.Article?.ArticleNumber ?? number);
    },

    async createArticle(spec: ArticleSpec) {
      const res = await fortnoxRequest(http, "POST", "/articles", {
        body: { Article: { ArticleNumber: spec.number, Description: truncate(spec.description, 200), Type: spec.service ? "SERVICE" : "STOCK" } },
      });
      return String(res.body?.Article?.ArticleNumber ?? spec.number);
    },

    async findDocuments(reference) {
      const found: RemoteDocument[] = [];
      for (let page = 1, pages = 1; page <= pages; page++) {
        const res = await fortnoxRequest(http, "GET", "/invoices", {
          query: { externalinvoicereference1: reference, limit: "500", page: String(page) },
        });
        pages = listMeta.parse(res.body?.MetaInformation ?? {})["@TotalPages"] ?? 1;
        for (const raw of res.body?.Invoices ?? []) {
          if (raw?.ExternalInvoiceReference1 === reference && !isTrue(raw?.Cancelled)) found.push(asRemote(raw, "a search"));
        }
      }
      return found;
    },

    async createDocument(doc, customerNumber) {
      const res = await fortnoxRequest(http, "POST", "/invoices", { body: { Invoice: fortnoxInvoiceBody(doc, customerNumber) } });
      return asRemote(res.body?.Invoice, "the invoice create");
    },
  };
}
