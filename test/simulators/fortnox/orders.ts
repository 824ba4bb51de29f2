/**
 * /3/orders — sales orders; `createinvoice` turns one into an invoice exactly once.
 * Backorders (DeliveredQuantity < OrderedQuantity) are not modelled: the invoice simply
 * takes the delivered quantities.
 */
import { type RestContext, type RestResult, created, noQuery, ok, pick, requireBody } from "./common.js";
import {
  type HeaderInput,
  type RowInput,
  applyHeader,
  headerShape,
  newHeader,
  orderRowSchema,
  renderHeader,
  renderRow,
  requireCustomer,
} from "./documents.js";
import { ErrorCode, badRequest, notFound } from "./errors.js";
import { bool, date, list, obj, parseWith } from "./fields.js";
import { invoiceFromOrder } from "./invoices.js";
import { type ListSpec, runListQuery } from "./query.js";
import { today } from "../shared/dates.js";
import { type Order, type Tenant } from "./state.js";

const orderSchema = obj({
  ...headerShape,
  OrderDate: date(),
  DeliveryDate: date(),
  CopyRemarks: bool(),
  OrderRows: list(orderRowSchema),
});
const envelope = obj({ Order: orderSchema });
type OrderInput = HeaderInput & { OrderDate?: string; DeliveryDate?: string; CopyRemarks?: boolean; OrderRows?: RowInput[] | null };

export function getOrder(tenant: Tenant, n: string): Order {
  const order = /^\d+$/.test(n) ? tenant.orders.get(Number(n)) : undefined;
  if (!order) throw notFound(ErrorCode.ORDER_NOT_FOUND, "Kan inte hitta ordern.");
  return order;
}

export function renderOrder(o: Order, tenant: Tenant, apiUrl: string): Record<string, unknown> {
  return {
    "@url": `${apiUrl}/orders/${o.DocumentNumber}`,
    ...renderHeader(o, tenant.customers.get(o.CustomerNumber)),
    OrderDate: o.OrderDate,
    DeliveryDate: o.DeliveryDate,
    OrderType: o.OrderType,
    DeliveryState: "delivery",
    InvoiceReference: String(o.InvoiceReference),
    OfferReference: "0",
    Sent: false,
    CopyRemarks: false,
    OrderRows: o.rows.map((r, i) => renderRow(r, o.totals.rowTotals[i], true)),
  };
}

const LIST_FIELDS = [
  "@url", "Cancelled", "Currency", "CustomerName", "CustomerNumber", "DeliveryDate", "DocumentNumber",
  "ExternalInvoiceReference1", "ExternalInvoiceReference2", "InvoiceReference", "OrderDate", "OrderType", "Project",
  "Sent", "Total", "YourOrderNumber",
];

const listSpec: ListSpec<Order> = {
  search: {
    customername: (o) => o.text.CustomerName ?? "",
    customernumber: (o) => o.CustomerNumber,
    documentnumber: (o) => String(o.DocumentNumber),
    externalinvoicereference1: (o) => o.text.ExternalInvoiceReference1 ?? "",
    externalinvoicereference2: (o) => o.text.ExternalInvoiceReference2 ?? "",
    ourreference: (o) => o.text.OurReference ?? "",
    yourreference: (o) => o.text.YourReference ?? "",
    ordertype: (o) => o.OrderType,
  },
  filters: {
    cancelled: (o) => o.Cancelled,
    expired: (o, now) => !o.Cancelled && o.InvoiceReference === 0 && o.DeliveryDate !== null && o.DeliveryDate < now,
    invoicecreated: (o) => o.InvoiceReference !== 0,
    invoicenotcreated: (o) => o.InvoiceReference === 0 && !o.Cancelled,
  },
  sort: {
    customername: (o) => o.text.CustomerName ?? "",
    customernumber: (o) => o.CustomerNumber,
    documentnumber: (o) => o.DocumentNumber,
    orderdate: (o) => o.OrderDate,
    total: (o) => o.totals.total,
  },
  defaultSort: (o) => o.DocumentNumber,
  date: (o) => o.OrderDate,
  lastModified: (o) => o.lastModified,
};

function applyOrder(tenant: Tenant, order: Order, input: OrderInput): void {
  const orderDate = input.OrderDate ?? order.OrderDate;
  const deliveryDate = input.DeliveryDate ?? order.DeliveryDate;
  if (deliveryDate !== null && deliveryDate < orderDate) {
    throw badRequest(ErrorCode.INVALID_VALUE, "Leveransdatum kan inte vara före orderdatum");
  }
  applyHeader(tenant, order, input, input.OrderRows ?? (input.OrderRows === null ? [] : undefined), true);
  order.OrderDate = orderDate;
  order.DeliveryDate = deliveryDate;
}

function assertOpen(order: Order): void {
  if (order.Cancelled) throw badRequest(ErrorCode.DOCUMENT_STATE, "Ordern är makulerad");
  if (order.InvoiceReference !== 0) throw badRequest(ErrorCode.DOCUMENT_STATE, `Ordern är redan fakturerad (faktura ${order.InvoiceReference})`);
}

export const orders = {
  list(ctx: RestContext): RestResult {
    const { items, meta } = runListQuery(ctx.query, [...ctx.tenant.orders.values()], listSpec);
    return ok({ MetaInformation: meta, Orders: items.map((o) => pick(renderOrder(o, ctx.tenant, ctx.apiUrl), LIST_FIELDS)) });
  },

  get(ctx: RestContext, id: string): RestResult {
    return ok({ Order: renderOrder(getOrder(ctx.tenant, id), ctx.tenant, ctx.apiUrl) });
  },

  create(ctx: RestContext): RestResult {
    const tenant = ctx.tenant;
    const input = parseWith(envelope, requireBody(ctx)).Order as OrderInput;
    const customer = requireCustomer(tenant, input.CustomerNumber);
    const number = tenant.seq.order + 1;
    const order: Order = {
      ...newHeader(tenant, number, customer),
      OrderDate: today(),
      DeliveryDate: null,
      OrderType: "Order",
      InvoiceReference: 0,
    };
    applyOrder(tenant, order, input);
    tenant.seq.order = number;
    tenant.orders.set(number, order);
    ctx.sim.stats.created.orders++;
    return created({ Order: renderOrder(order, tenant, ctx.apiUrl) });
  },

  update(ctx: RestContext, id: string): RestResult {
    const order = getOrder(ctx.tenant, id);
    const input = parseWith(envelope, requireBody(ctx)).Order as OrderInput;
    assertOpen(order);
    applyOrder(ctx.tenant, order, input);
    return ok({ Order: renderOrder(order, ctx.tenant, ctx.apiUrl) });
  },

  actions: {
    /** Returns {"Order": {..., "InvoiceReference": "<new invoice>"}} (two SDKs agree on the Order envelope). */
    createinvoice(ctx: RestContext, id: string): RestResult {
      noQuery(ctx);
      const order = getOrder(ctx.tenant, id);
      assertOpen(order);
      const invoice = invoiceFromOrder(ctx, order);
      order.InvoiceReference = invoice.DocumentNumber;
      order.lastModified = Date.now();
      return ok({ Order: renderOrder(order, ctx.tenant, ctx.apiUrl) });
    },

    cancel(ctx: RestContext, id: string): RestResult {
      noQuery(ctx);
      const order = getOrder(ctx.tenant, id);
      assertOpen(order);
      order.Cancelled = true;
      order.lastModified = Date.now();
      return ok({ Order: renderOrder(order, ctx.tenant, ctx.apiUrl) });
    },
  },
};
