/**
 * REST routing for `/v2/...` and the scope each route needs (research B.2): every call needs
 * ea:api; sales resources need ea:sales to write and ea:sales or ea:sales_readonly to read;
 * company settings and reference data need nothing more than ea:api.
 */
import { articles } from "./articles.js";
import type { RestContext, RestResult } from "./common.js";
import { customers } from "./customers.js";
import { drafts } from "./drafts.js";
import { ErrorCode, VismaError } from "./errors.js";
import { invoices } from "./invoices.js";
import { orders } from "./orders.js";
import { REFERENCE_RESOURCES, companySettings, referenceResource } from "./reference.js";

type Handler = (ctx: RestContext) => RestResult;
type IdHandler = (ctx: RestContext, id: string) => RestResult;

interface Resource {
  sales: boolean;
  list?: Handler;
  get?: IdHandler;
  create?: Handler;
  update?: IdHandler;
  remove?: IdHandler;
  /** POST /{resource}/{id}/{action}. */
  actions?: Record<string, IdHandler>;
}

const RESOURCES: Record<string, Resource> = {
  customers: { sales: true, ...customers },
  articles: { sales: true, ...articles },
  customerinvoicedrafts: { sales: true, ...drafts },
  customerinvoices: { sales: true, ...invoices },
  orders: { sales: true, ...orders },
  companysettings: { sales: false, list: companySettings },
  ...Object.fromEntries(REFERENCE_RESOURCES.map((name) => [name, { sales: false, ...referenceResource(name) }])),
};

export interface Route {
  /** Any one of these scopes is enough (besides ea:api). */
  scopes: string[];
  run: Handler;
}

export const routeNotFound = () => new VismaError(404, ErrorCode.NOT_FOUND, "Resource not found");

export function resolveRoute(method: string, segments: string[]): Route {
  const entry = Object.hasOwn(RESOURCES, segments[0] ?? "") ? RESOURCES[segments[0]] : undefined;
  if (!entry || segments.length > 3) throw routeNotFound();
  const [, id, action] = segments;
  let run: Handler | undefined;
  if (id === undefined) {
    if (method === "GET" && entry.list) run = entry.list;
    if (method === "POST" && entry.create) run = entry.create;
  } else if (action === undefined) {
    const fn = method === "GET" ? entry.get : method === "PUT" ? entry.update : method === "DELETE" ? entry.remove : undefined;
    if (fn) run = (ctx) => fn(ctx, id);
  } else if (method === "POST" && entry.actions && Object.hasOwn(entry.actions, action)) {
    const fn = entry.actions[action];
    run = (ctx) => fn(ctx, id);
  }
  if (!run) throw routeNotFound();
  const write = method !== "GET";
  const scopes = !entry.sales ? [] : write ? ["ea:sales"] : ["ea:sales", "ea:sales_readonly"];
  return { scopes, run };
}

export const missingScope = (scopes: string[]) =>
  new VismaError(403, ErrorCode.NO_ACCESS_TO_SCOPES, `NoAccessToScopes: this call needs ${scopes.join(" or ")}`);
