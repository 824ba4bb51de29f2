/**
 * `/__sim/...` control API for tests and the demo (no auth): inspect what "Visma" holds,
 * inject faults, expire/revoke tokens, add companies, switch OSS, lock a fiscal year, reset.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type ControlResult, ControlError, answerControl, commonControl, parseControl, parseControlBody } from "../shared/control.js";
import type { FaultInjector } from "../shared/faults.js";
import type { SlidingWindowLimiter } from "../shared/ratelimit.js";
import { renderArticle } from "./articles.js";
import { renderCustomer } from "./customers.js";
import { renderDocument, renderInvoice } from "./documents.js";
import type { OAuthStore } from "./oauth.js";
import { renderOrder } from "./orders.js";
import { renderPayment } from "./payments.js";
import { parseDec } from "../shared/money.js";
import { type Company, type SimState, seedCompany, utcNow } from "./state.js";

export interface ControlDeps {
  state: SimState;
  oauth: OAuthStore;
  faults: FaultInjector;
  limiter: SlidingWindowLimiter;
}

/** Parses a control body against `schema` (400 with the zod issues when it does not fit). */
const parse = <T extends z.ZodType>(schema: T, raw: string): z.output<T> => parseControl(schema, parseControlBody(raw));

const companySchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).optional(),
  name: z.string().min(1),
  corporateIdentityNumber: z.string().optional(),
  /** Overrides the simulator's ossDefault for this company. */
  oss: z.boolean().optional(),
});
const ossSchema = z.strictObject({ enabled: z.boolean() });
const lockSchema = z.strictObject({ year: z.number().int() });
const stockSchema = z.strictObject({ Number: z.string().min(1).max(40), StockBalance: z.string().regex(/^-?\d+(\.\d{1,4})?$/, "a decimal string") });
const bankAccountSchema = z.strictObject({ name: z.string().min(1).max(50), accountNumber: z.number().int().min(1000).max(9999) });

const LISTINGS: Record<string, (c: Company) => unknown[]> = {
  customers: (c) => [...c.customers.values()].map(renderCustomer),
  articles: (c) => [...c.articles.values()].map((a) => renderArticle(a, c)),
  customerinvoicedrafts: (c) => [...c.drafts.values()].map(renderDocument),
  customerinvoices: (c) => [...c.invoices.values()].map(renderInvoice),
  orders: (c) => [...c.orders.values()].map(renderOrder),
  // Every payment ever registered: a test's check that nothing was paid twice.
  payments: (c) => [...c.payments.values()].map(renderPayment),
};

export function handleControl(deps: ControlDeps, method: string, pathname: string, rawBody: string): ControlResult {
  return answerControl(() => route(deps, method, pathname, rawBody));
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ControlError(400, `bad path segment ${s}`);
  }
}

function route(deps: ControlDeps, method: string, pathname: string, rawBody: string): ControlResult {
  const { state, limiter } = deps;
  const seg = pathname.split("/").slice(2).map(decodeSegment); // after "/__sim"
  const key = `${method} ${seg.join("/")}`;

  const common = commonControl(deps, key, rawBody);
  if (common) return common;

  switch (key) {
    case "GET stats":
      return { status: 200, body: { ...state.stats, maxInWindow: limiter.maxObserved } };
    case "GET companies":
      return { status: 200, body: { companies: [...state.companies.values()].map((c) => ({ id: c.Id, name: c.Name, oss: c.oss })) } };
    case "POST companies": {
      const body = parse(companySchema, rawBody);
      const id = body.id ?? randomUUID();
      if (state.companies.has(id)) throw new ControlError(409, `company ${id} already exists`);
      state.companies.set(id, seedCompany(id, body.name, body.corporateIdentityNumber ?? "556000-0000", body.oss ?? state.ossDefault));
      return { status: 201, body: { id } };
    }
  }

  if (seg[0] === "companies" && seg.length === 3) {
    const company = state.companies.get(seg[1]);
    if (!company) throw new ControlError(404, `unknown company ${seg[1]}`);
    if (method === "GET" && Object.hasOwn(LISTINGS, seg[2])) return { status: 200, body: { [seg[2]]: LISTINGS[seg[2]](company) } };
    // OSS is a company setting; documents already stored keep their rows.
    if (method === "PUT" && seg[2] === "oss") {
      company.oss = parse(ossSchema, rawBody).enabled;
      return { status: 200, body: { id: company.Id, oss: company.oss } };
    }
    // The accountant adds a bank account (e.g. one on the gift-card debt account for payments by gift card).
    if (method === "POST" && seg[2] === "bankaccounts") {
      const { name, accountNumber } = parse(bankAccountSchema, rawBody);
      const id = randomUUID();
      company.bankAccounts.set(id, { Id: id, Name: name, BankAccountNumber: "", AccountNumber: accountNumber });
      return { status: 201, body: { id } };
    }
    // A stock count in the stock module: the article becomes a stock article with this balance.
    if (method === "PUT" && seg[2] === "stock") {
      const b = parse(stockSchema, rawBody);
      const article = [...company.articles.values()].find((a) => a.Number === b.Number);
      if (!article) throw new ControlError(404, `no article ${b.Number}`);
      Object.assign(article, { IsStock: true, StockBalance: parseDec(b.StockBalance)!, ChangedUtc: utcNow() });
      return { status: 200, body: renderArticle(article, company) };
    }
    if (method === "POST" && seg[2] === "lock-year") {
      const { year } = parse(lockSchema, rawBody);
      const fy = company.fiscalYears.get(year);
      if (!fy) throw new ControlError(404, `no fiscal year ${year}`);
      fy.locked = true;
      return { status: 200, body: { year, locked: true } };
    }
  }
  throw new ControlError(404, `no control endpoint ${method} ${pathname}`);
}
