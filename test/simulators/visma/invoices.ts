/**
 * /v2/customerinvoices — booked invoices: read-only (PUT/DELETE are not routed, so they 404
 * like an unknown path; a booked invoice never changes through the API), plus payments.
 */
import { type RestContext, type RestResult, byPathId, ok } from "./common.js";
import { INVOICE_FIELDS, renderInvoice } from "./documents.js";
import { listPage } from "./lists.js";
import { registerPayment } from "./payments.js";
import type { Company, Invoice } from "./state.js";

export const getInvoice = (company: Company, id: string): Invoice => byPathId(company.invoices, id, "CustomerInvoice");

export const invoices = {
  list: (ctx: RestContext): RestResult => ok(listPage(ctx.query, [...ctx.company.invoices.values()].map(renderInvoice), INVOICE_FIELDS)),
  get: (ctx: RestContext, id: string): RestResult => ok(renderInvoice(getInvoice(ctx.company, id))),
  actions: { payments: (ctx: RestContext, id: string): RestResult => registerPayment(ctx, getInvoice(ctx.company, id)) },
};
