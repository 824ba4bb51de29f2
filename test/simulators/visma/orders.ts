/**
 * /v2/orders — sales orders, and `convert`, which (as eAccounting's UI does) makes a customer
 * invoice DRAFT of what was delivered: each article row's DeliveredQuantity becomes the draft
 * row's Quantity; rows with nothing delivered are left out. The order then has Status 4
 * (Invoiced) and the read-only InvoiceDraftId; the draft has CreatedFromOrderId.
 */
import { randomUUID } from "node:crypto";
import { oreToJson, decToJson } from "../shared/money.js";
import { type RestContext, type RestResult, activeCustomer, byPathId, created, noContent, ok, requireBody } from "./common.js";
import { renderDocument } from "./documents.js";
import { buildDraft, fiscalYearFor } from "./drafts.js";
import { ErrorCode, badRequest, fieldError } from "./errors.js";
import { bool, date, decimal, guid, int, list, obj, parseWith, req, text } from "./fields.js";
import { listPage } from "./lists.js";
import { priceRows, renderRow, rowsTotals } from "./rows.js";
import { type Company, type Order, renderDate, utcNow } from "./state.js";
import { includesVat } from "./vat.js";

const rowSchema = obj({
  LineNumber: req(int()),
  IsTextRow: req(bool()),
  IsWorkCost: req(bool()),
  EligibleForReverseChargeOnVat: req(bool()),
  ArticleId: guid(),
  Text: text(2000),
  Quantity: decimal(2),
  DeliveredQuantity: decimal(2),
  UnitPrice: decimal(4),
  DiscountPercentage: decimal(4),
});

const orderSchema = obj({
  CustomerId: req(guid()),
  CurrencyCode: req(text(3)),
  EuThirdParty: req(bool()),
  OrderDate: req(date()),
  Status: req(int()),
  RotReducedInvoicingType: req(int()),
  ReverseChargeOnConstructionServices: req(bool()),
  Rows: list(rowSchema),
  YourReference: text(50),
  OurReference: text(50),
  BuyersOrderReference: text(35),
});

function build(company: Company, body: unknown, id: string, orderNumber: number): Order {
  const input = parseWith(orderSchema, body);
  if (![1, 2, 3].includes(input.Status)) throw fieldError("Status", "InvalidValue", "Status must be 1 (Draft), 2 (Ongoing) or 3 (Shipped); 4 is set by convert");
  if (input.RotReducedInvoicingType !== 0) throw fieldError("RotReducedInvoicingType", "InvalidValue", "Only 0 (no ROT/RUT) is supported");
  const customer = activeCustomer(company, input.CustomerId);
  if (input.CurrencyCode !== customer.CurrencyCode) throw fieldError("CurrencyCode", "Mismatch", `The customer's currency is ${customer.CurrencyCode}`);
  const gross = includesVat(company, customer);
  const priced = priceRows(company, customer, input.Rows, { gross, foreign: customer.CurrencyCode !== company.CurrencyCode, replaceUnitPriceWhenZero: false });
  const rows = priced.map((r, i) => ({
    ...r,
    DeliveredQuantity: input.Rows[i].DeliveredQuantity ?? null,
    IsWorkCost: input.Rows[i].IsWorkCost,
    EligibleForReverseChargeOnVat: input.Rows[i].EligibleForReverseChargeOnVat,
  }));
  return {
    Id: id,
    OrderNumber: orderNumber,
    CustomerId: customer.Id,
    CurrencyCode: input.CurrencyCode,
    EuThirdParty: input.EuThirdParty,
    OrderDate: input.OrderDate,
    Status: input.Status,
    RotReducedInvoicingType: 0,
    ReverseChargeOnConstructionServices: input.ReverseChargeOnConstructionServices,
    YourReference: input.YourReference ?? null,
    OurReference: input.OurReference ?? null,
    BuyersOrderReference: input.BuyersOrderReference ?? null,
    IncludesVat: gross,
    Rows: rows,
    // Order amounts follow the ordered Quantity; what is delivered only matters on convert.
    totals: rowsTotals(rows, gross, { units: 1n, scale: 0 }),
    InvoiceDraftId: null,
    ChangedUtc: utcNow(),
  };
}

export function renderOrder(o: Order): Record<string, unknown> {
  return {
    Id: o.Id,
    OrderNumber: o.OrderNumber,
    CustomerId: o.CustomerId,
    CurrencyCode: o.CurrencyCode,
    EuThirdParty: o.EuThirdParty,
    OrderDate: renderDate(o.OrderDate),
    Status: o.Status,
    RotReducedInvoicingType: o.RotReducedInvoicingType,
    ReverseChargeOnConstructionServices: o.ReverseChargeOnConstructionServices,
    YourReference: o.YourReference,
    OurReference: o.OurReference,
    BuyersOrderReference: o.BuyersOrderReference,
    IncludesVat: o.IncludesVat,
    Rows: o.Rows.map((r) => ({
      ...renderRow(r),
      DeliveredQuantity: r.DeliveredQuantity ? decToJson(r.DeliveredQuantity) : null,
      IsWorkCost: r.IsWorkCost,
      EligibleForReverseChargeOnVat: r.EligibleForReverseChargeOnVat,
    })),
    Amount: oreToJson(o.totals.total),
    VatAmount: oreToJson(o.totals.vat),
    InvoiceDraftId: o.InvoiceDraftId,
    ChangedUtc: o.ChangedUtc,
  };
}

const FIELDS = [
  "Id", "OrderNumber", "CustomerId", "CurrencyCode", "EuThirdParty", "OrderDate", "Status", "RotReducedInvoicingType",
  "ReverseChargeOnConstructionServices", "YourReference", "OurReference", "BuyersOrderReference", "IncludesVat", "Amount",
  "VatAmount", "InvoiceDraftId", "ChangedUtc",
];

const get = (company: Company, id: string): Order => byPathId(company.orders, id, "Order");

const invoiced = () => badRequest(ErrorCode.CANNOT_CREATE_OR_UPDATE, "The order is invoiced and cannot be changed");

function convert(ctx: RestContext, id: string): RestResult {
  const { company } = ctx;
  const order = get(company, id);
  if (order.Status === 4) throw invoiced();
  const rows = order.Rows.filter((r) => r.IsTextRow || (r.DeliveredQuantity && r.DeliveredQuantity.units !== 0n));
  if (!rows.some((r) => !r.IsTextRow)) throw badRequest(ErrorCode.MISSING_ORDER_ARTICLES, "No row of the order has been delivered");
  const draft = buildDraft(
    company,
    {
      CustomerId: order.CustomerId,
      EuThirdParty: order.EuThirdParty,
      RotReducedInvoicingType: 0,
      YourReference: order.YourReference ?? undefined,
      OurReference: order.OurReference ?? undefined,
      BuyersOrderReference: order.BuyersOrderReference ?? undefined,
      Rows: rows.map((r) => ({
        LineNumber: r.LineNumber,
        IsTextRow: r.IsTextRow,
        ReversedConstructionServicesVatFree: false,
        Text: r.Text ?? undefined,
        ArticleId: r.ArticleId ?? undefined,
        Quantity: r.DeliveredQuantity ?? undefined,
        UnitPrice: r.UnitPrice ?? undefined,
        DiscountPercentage: r.DiscountPercentage,
      })),
    },
    randomUUID(),
    order.Id,
  );
  company.drafts.set(draft.Id, draft);
  order.Status = 4;
  order.InvoiceDraftId = draft.Id;
  order.ChangedUtc = utcNow();
  return created(renderDocument(draft));
}

export const orders = {
  list: (ctx: RestContext): RestResult => ok(listPage(ctx.query, [...ctx.company.orders.values()].map(renderOrder), FIELDS)),
  get: (ctx: RestContext, id: string): RestResult => ok(renderOrder(get(ctx.company, id))),
  create(ctx: RestContext): RestResult {
    const o = build(ctx.company, requireBody(ctx), randomUUID(), ctx.company.nextOrderNumber);
    fiscalYearFor(ctx.company, o.OrderDate);
    ctx.company.nextOrderNumber++;
    ctx.company.orders.set(o.Id, o);
    return created(renderOrder(o));
  },
  update(ctx: RestContext, id: string): RestResult {
    const existing = get(ctx.company, id);
    if (existing.Status === 4) throw invoiced();
    const o = build(ctx.company, requireBody(ctx), existing.Id, existing.OrderNumber);
    ctx.company.orders.set(o.Id, o);
    return ok(renderOrder(o));
  },
  remove(ctx: RestContext, id: string): RestResult {
    const o = get(ctx.company, id);
    if (o.Status === 4) throw badRequest(ErrorCode.CANNOT_DELETE, "An invoiced order cannot be deleted");
    ctx.company.orders.delete(o.Id);
    return noContent();
  },
  actions: { convert },
};
