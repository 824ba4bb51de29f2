/**
 * REST routing for `/3/...`: which handler serves a method + path, and which OAuth scope
 * it needs (research A.3). Anything not listed is a 404 with ErrorInformation.
 */
import { articles } from "./articles.js";
import { type RestContext, type RestResult, decodeSegment } from "./common.js";
import { customers } from "./customers.js";
import { ErrorCode, FortnoxError, notFound } from "./errors.js";
import { invoices } from "./invoices.js";
import { orders } from "./orders.js";
import { payments } from "./payments.js";
import { prices } from "./prices.js";
import { reference } from "./reference.js";

export interface Route {
  /** Scope the access token must carry; undefined = any valid token (scope unconfirmed in research). */
  scope?: string;
  run: (ctx: RestContext) => RestResult;
}

type Resource = {
  list?: (ctx: RestContext) => RestResult;
  get?: (ctx: RestContext, id: string) => RestResult;
  create?: (ctx: RestContext) => RestResult;
  update?: (ctx: RestContext, id: string) => RestResult;
  remove?: (ctx: RestContext, id: string) => RestResult;
  actions?: Record<string, (ctx: RestContext, id: string) => RestResult>;
  /** GET actions, e.g. /invoices/{n}/email. */
  getActions?: Record<string, (ctx: RestContext, id: string) => RestResult>;
};

const readOnly = (fn: (ctx: RestContext, id?: string) => RestResult): Resource => ({
  list: (ctx) => fn(ctx),
  get: (ctx, id) => fn(ctx, id),
});

const RESOURCES: Record<string, { scope?: string; resource: Resource }> = {
  customers: { scope: "customer", resource: customers },
  articles: { scope: "article", resource: articles },
  invoices: { scope: "invoice", resource: { ...invoices, getActions: { email: invoices.email } } },
  orders: { scope: "order", resource: orders },
  invoicepayments: { scope: "payment", resource: payments },
  companyinformation: { scope: "companyinformation", resource: { list: (ctx) => reference.companyInformation(ctx) } },
  currencies: { scope: "currency", resource: readOnly(reference.currencies) },
  accounts: { scope: "bookkeeping", resource: readOnly(reference.accounts) },
  // Scope for these is unconfirmed in the research, so any valid token may read them.
  termsofpayments: { resource: readOnly(reference.termsOfPayments) },
  modesofpayments: { resource: readOnly(reference.modesOfPayments) },
};

export const routeNotFound = () => notFound(ErrorCode.NOT_FOUND, "Kan inte hitta resursen.");

/** /3/prices and /3/prices/{PriceList}/{ArticleNumber}[/{FromQuantity}]: deeper than the others. */
function priceRoute(method: string, segments: string[]): Route {
  const [list, article, from] = segments.slice(1).map(decodeSegment);
  let run: ((ctx: RestContext) => RestResult) | undefined;
  if (segments.length === 1 && method === "POST") run = prices.create;
  if (segments.length === 3 || segments.length === 4) {
    if (method === "GET") run = (ctx) => prices.get(ctx, list, article, from);
    if (method === "PUT") run = (ctx) => prices.update(ctx, list, article, from);
    if (method === "DELETE") run = (ctx) => prices.remove(ctx, list, article, from);
  }
  if (!run) throw routeNotFound();
  return { scope: "price", run };
}

/** Resolves `/3/...` to a route or throws a 404 FortnoxError. */
export function resolveRoute(method: string, pathname: string): Route {
  const segments = pathname.replace(/\/+$/, "").split("/").slice(2); // drop "" and "3"
  if (segments[0] === "prices") return priceRoute(method, segments);
  const entry = Object.hasOwn(RESOURCES, segments[0] ?? "") ? RESOURCES[segments[0]] : undefined;
  if (!entry || segments.length > 3) throw routeNotFound();
  const r = entry.resource;
  const id = segments[1] === undefined ? undefined : decodeSegment(segments[1]);
  const action = segments[2];

  let run: ((ctx: RestContext) => RestResult) | undefined;
  if (id === undefined) {
    if (method === "GET" && r.list) run = r.list;
    if (method === "POST" && r.create) run = r.create;
  } else if (action === undefined) {
    if (method === "GET" && r.get) run = (ctx) => r.get!(ctx, id);
    if (method === "PUT" && r.update) run = (ctx) => r.update!(ctx, id);
    if (method === "DELETE" && r.remove) run = (ctx) => r.remove!(ctx, id);
  } else {
    const table = method === "PUT" ? r.actions : method === "GET" ? r.getActions : undefined;
    const fn = table && Object.hasOwn(table, action) ? table[action] : undefined;
    if (fn) run = (ctx) => fn(ctx, id);
  }
  if (!run) throw routeNotFound();
  return { scope: entry.scope, run };
}

export const missingScope = (scope: string) =>
  new FortnoxError(403, ErrorCode.NO_SCOPE, `Du har inte behörighet för scopet "${scope}".`);
