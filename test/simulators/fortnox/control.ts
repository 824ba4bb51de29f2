/**
 * `/__sim/...` control API for tests and the demo (no auth). Lets a test inspect what
 * "Fortnox" holds, inject faults, expire/revoke tokens and reset to the seed.
 */
import { z } from "zod";
import { renderArticle } from "./articles.js";
import { renderCustomer } from "./customers.js";
import { type ControlResult, ControlError, answerControl, commonControl, parseControl, parseControlBody } from "../shared/control.js";
import type { FaultInjector } from "../shared/faults.js";
import { renderInvoice } from "./invoices.js";
import { type Dec, parseDec } from "../shared/money.js";
import type { OAuthStore } from "./oauth.js";
import { renderOrder } from "./orders.js";
import type { SlidingWindowLimiter } from "../shared/ratelimit.js";
import { type Article, type SimState, seedTenant } from "./state.js";

export interface ControlDeps {
  state: SimState;
  oauth: OAuthStore;
  faults: FaultInjector;
  limiter: SlidingWindowLimiter;
  apiUrl: string;
}

const int = z.number().int().positive();
/** String(n) is the shortest decimal that round-trips, i.e. the rate as the test wrote it. */
const rate = z
  .number()
  .positive()
  .transform((n): Dec => parseDec(String(n))!);

const tenantSchema = z.strictObject({
  tenantId: int,
  companyName: z.string().min(1),
  organizationNumber: z.string().optional(),
  /** Overrides the simulator's ossDefault for this tenant. */
  oss: z.boolean().optional(),
});
const ossSchema = z.strictObject({ enabled: z.boolean() });
const currencySchema = z.strictObject({
  Code: z.string().regex(/^[A-Z]{3}$/),
  BuyRate: rate,
  SellRate: rate,
  Unit: int.optional(),
  Description: z.string().optional(),
});

const stockSchema = z.strictObject({ ArticleNumber: z.string().min(1).max(50), QuantityInStock: z.string().regex(/^-?\d+(\.\d{1,4})?$/, "a decimal string") });
const projectSchema = z.strictObject({ ProjectNumber: z.string().min(1).max(20), Description: z.string().max(50).optional() });
const costCenterSchema = z.strictObject({ Code: z.string().min(1).max(10), Description: z.string().max(50).optional() });

export function handleControl(deps: ControlDeps, method: string, pathname: string, rawBody: string): ControlResult {
  return answerControl(() => route(deps, method, pathname, rawBody));
}

function route(deps: ControlDeps, method: string, pathname: string, rawBody: string): ControlResult {
  const { state, limiter, apiUrl } = deps;
  const seg = pathname.split("/").slice(2); // after "/__sim"
  const key = `${method} ${seg[0] ?? ""}`;

  if (key === "GET stats") {
    return { status: 200, body: { ...state.stats, created: { ...state.stats.created }, maxInWindow: limiter.maxObserved } };
  }
  const common = commonControl(deps, key, rawBody);
  if (common) return common;

  if (seg[0] === "tenants") {
    if (seg.length === 1 && method === "GET") {
      return { status: 200, body: { tenants: [...state.tenants.values()].map((t) => ({ tenantId: t.tenantId, companyName: t.company.CompanyName, oss: t.oss })) } };
    }
    if (seg.length === 1 && method === "POST") {
      const body = parseControl(tenantSchema, parseControlBody(rawBody));
      if (state.tenants.has(body.tenantId)) throw new ControlError(409, `tenant ${body.tenantId} already exists`);
      state.tenants.set(body.tenantId, seedTenant(body.tenantId, body.companyName, body.organizationNumber ?? "556000-0000", body.oss ?? state.ossDefault));
      return { status: 201, body: { tenantId: body.tenantId } };
    }
    const tenant = /^\d+$/.test(seg[1] ?? "") ? state.tenants.get(Number(seg[1])) : undefined;
    if (!tenant) throw new ControlError(404, `unknown tenant ${seg[1]}`);

    if (seg.length === 3 && method === "GET") {
      switch (seg[2]) {
        case "invoices":
          return { status: 200, body: { Invoices: [...tenant.invoices.values()].map((i) => renderInvoice(i, tenant, apiUrl)) } };
        case "orders":
          return { status: 200, body: { Orders: [...tenant.orders.values()].map((o) => renderOrder(o, tenant, apiUrl)) } };
        case "customers":
          return { status: 200, body: { Customers: [...tenant.customers.values()].map((c) => renderCustomer(c, apiUrl)) } };
        case "articles":
          return { status: 200, body: { Articles: [...tenant.articles.values()].map((a) => renderArticle(a, apiUrl, tenant)) } };
        case "invoicepayments":
          // Every payment, booked or not, in öre: a test's check that nothing was paid twice.
          return { status: 200, body: { InvoicePayments: [...tenant.payments.values()].map((p) => ({ Number: p.Number, InvoiceNumber: p.InvoiceNumber, AmountCurrencyOre: String(p.AmountCurrency), Booked: p.Booked })) } };
      }
    }
    // OSS is a company setting in Fortnox, so it is switched per tenant; documents already stored keep their rows.
    if (seg[2] === "oss" && seg.length === 3) {
      if (method === "PUT") tenant.oss = parseControl(ossSchema, parseControlBody(rawBody)).enabled;
      if (method === "PUT" || method === "GET") return { status: 200, body: { tenantId: tenant.tenantId, oss: tenant.oss } };
    }
    // The merchant's projects and cost centres, as made in Fortnox's own UI.
    if (seg[2] === "projects" && seg.length === 3 && method === "POST") {
      const p = parseControl(projectSchema, parseControlBody(rawBody));
      tenant.projects.set(p.ProjectNumber, { ProjectNumber: p.ProjectNumber, Description: p.Description ?? p.ProjectNumber });
      return { status: 201, body: { ProjectNumber: p.ProjectNumber } };
    }
    if (seg[2] === "costcenters" && seg.length === 3 && method === "POST") {
      const c = parseControl(costCenterSchema, parseControlBody(rawBody));
      tenant.costCenters.set(c.Code, { Code: c.Code, Description: c.Description ?? c.Code });
      return { status: 201, body: { Code: c.Code } };
    }
    // A stock count or a delivery in Fortnox's own warehouse UI: the article (made a stock
    // article, created if missing) gets this quantity in stock.
    if (seg[2] === "stock" && seg.length === 3 && method === "PUT") {
      const b = parseControl(stockSchema, parseControlBody(rawBody));
      const quantity = parseDec(b.QuantityInStock)!;
      const existing = tenant.articles.get(b.ArticleNumber);
      const article: Article = existing ?? {
        ArticleNumber: b.ArticleNumber, Description: b.ArticleNumber, Type: "STOCK", VAT: 25, SalesAccount: 3001, EUAccount: 3108, EUVATAccount: 3106,
        ExportAccount: 3105, PurchaseAccount: 4000, PurchasePrice: parseDec("0")!, QuantityInStock: quantity, StockGoods: true, Active: true, WebshopArticle: false, text: {}, lastModified: 0,
      };
      Object.assign(article, { QuantityInStock: quantity, StockGoods: true, lastModified: Date.now() });
      tenant.articles.set(article.ArticleNumber, article);
      return { status: 200, body: { Article: renderArticle(article, apiUrl, tenant) } };
    }
    if (seg[2] === "currencies") {
      if (seg.length === 3 && method === "POST") {
        const c = parseControl(currencySchema, parseControlBody(rawBody));
        tenant.currencies.set(c.Code, { Code: c.Code, Description: c.Description ?? c.Code, BuyRate: c.BuyRate, SellRate: c.SellRate, Unit: c.Unit ?? 1 });
        return { status: 201, body: { Code: c.Code } };
      }
      if (seg.length === 4 && method === "DELETE") {
        const code = decodeURIComponent(seg[3]);
        if (code === "SEK") throw new ControlError(400, "SEK is the home currency and cannot be removed");
        if (!tenant.currencies.delete(code)) throw new ControlError(404, `unknown currency ${code}`);
        return { status: 200, body: { ok: true } };
      }
    }
  }
  throw new ControlError(404, `no control endpoint ${method} ${pathname}`);
}
