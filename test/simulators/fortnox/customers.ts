/** /3/customers — create, partial update, get, list/search. */
import {
  type RestContext,
  type RestResult,
  checkAccount,
  checkCountry,
  checkCurrency,
  checkEmail,
  checkPriceList,
  checkTermsOfPayment,
  created,
  mergeText,
  ok,
  pick,
  renderText,
  requireBody,
  required,
} from "./common.js";
import { ErrorCode, badRequest, notFound } from "./errors.js";
import { bool, ident, int, obj, oneOf, parseWith, sameLimit, text, textFields } from "./fields.js";
import { type ListSpec, runListQuery } from "./query.js";
import type { Customer, Tenant } from "./state.js";

const TEXT_FIELDS = [
  "Address1", "Address2", "ZipCode", "City", "CountryCode", "Phone1", "Phone2", "Fax", "Email",
  "EmailInvoice", "EmailInvoiceCC", "EmailInvoiceBCC", "EmailOrder", "EmailOffer", "OrganisationNumber",
  "VATNumber", "DeliveryName", "DeliveryAddress1", "DeliveryAddress2", "DeliveryZipCode", "DeliveryCity",
  "DeliveryCountryCode", "DeliveryPhone1", "DeliveryPhone2", "DeliveryFax", "WayOfDelivery", "TermsOfDelivery",
  "ExternalReference", "OurReference", "YourReference", "Comments", "WWW", "GLN", "GLNDelivery", "Project",
  "CostCenter", "InvoiceRemark",
] as const;

const DELIVERY_TYPE = ["PRINT", "EMAIL", "PRINTSERVICE", "ELECTRONICINVOICE"] as const;

/** Writable fields only: read-only ones (Country, @url) are rejected as unknown, like the real API. */
const customerSchema = obj({
  ...textFields(sameLimit(TEXT_FIELDS, 1024)),
  CustomerNumber: ident(50, /^[A-Za-z0-9\-+/_]+$/),
  Name: text(1024),
  Type: oneOf(["PRIVATE", "COMPANY"]),
  VATType: oneOf(["SEVAT", "SEREVERSEDVAT", "EUREVERSEDVAT", "EUVAT", "EXPORT"]),
  Currency: text(3),
  PriceList: text(10),
  TermsOfPayment: text(10),
  SalesAccount: int(),
  ShowPriceVATIncluded: bool(),
  Active: bool(),
  DefaultDeliveryTypes: obj({ Invoice: oneOf(DELIVERY_TYPE), Order: oneOf(DELIVERY_TYPE), Offer: oneOf(DELIVERY_TYPE) })
    .nullable()
    .optional(),
});
const envelope = obj({ Customer: customerSchema });
type CustomerInput = ReturnType<typeof customerSchema.parse>;

/** Swedish organisation/personal number: NNNNNN-NNNN, NNNNNNNN-NNNN, or 10/12 digits. */
const ORG_NUMBER_RE = /^(?:\d{6}|\d{8})-\d{4}$|^\d{10}$|^\d{12}$/;

function validate(tenant: Tenant, c: CustomerInput & Record<string, unknown>): void {
  if (c.OrganisationNumber && !ORG_NUMBER_RE.test(c.OrganisationNumber)) {
    throw badRequest(ErrorCode.INVALID_ORGANISATION_NUMBER, `Ogiltigt organisationsnummer "${c.OrganisationNumber}"`);
  }
  checkCountry("CountryCode", c.CountryCode as string | undefined);
  checkCountry("DeliveryCountryCode", c.DeliveryCountryCode as string | undefined);
  for (const f of ["Email", "EmailInvoice", "EmailOrder", "EmailOffer"]) checkEmail(f, c[f] as string | undefined);
  for (const f of ["EmailInvoiceCC", "EmailInvoiceBCC"]) checkEmail(f, c[f] as string | undefined, true);
  checkCurrency(tenant, c.Currency);
  checkPriceList(tenant, c.PriceList);
  checkTermsOfPayment(tenant, c.TermsOfPayment);
  checkAccount(tenant, c.SalesAccount, "SalesAccount");
}

function apply(target: Customer, c: CustomerInput & Record<string, unknown>): void {
  mergeText(target.text, c, TEXT_FIELDS);
  if (c.Name !== undefined) target.Name = c.Name;
  if (c.Type !== undefined) target.Type = c.Type;
  if (c.VATType !== undefined) target.VATType = c.VATType;
  if (c.Currency !== undefined) target.Currency = c.Currency;
  if (c.PriceList !== undefined) target.PriceList = c.PriceList;
  if (c.TermsOfPayment !== undefined) target.TermsOfPayment = c.TermsOfPayment;
  if (c.SalesAccount !== undefined) target.SalesAccount = c.SalesAccount;
  if (c.ShowPriceVATIncluded !== undefined) target.ShowPriceVATIncluded = c.ShowPriceVATIncluded;
  if (c.Active !== undefined) target.Active = c.Active;
  if (c.DefaultDeliveryTypes) {
    const d = c.DefaultDeliveryTypes;
    target.DefaultDeliveryTypes = {
      Invoice: d.Invoice ?? target.DefaultDeliveryTypes.Invoice,
      Order: d.Order ?? target.DefaultDeliveryTypes.Order,
      Offer: d.Offer ?? target.DefaultDeliveryTypes.Offer,
    };
  }
  target.lastModified = Date.now();
}

export function renderCustomer(c: Customer, apiUrl: string): Record<string, unknown> {
  return {
    "@url": `${apiUrl}/customers/${encodeURIComponent(c.CustomerNumber)}`,
    CustomerNumber: c.CustomerNumber,
    Name: c.Name,
    Type: c.Type,
    VATType: c.VATType,
    Currency: c.Currency,
    PriceList: c.PriceList,
    TermsOfPayment: c.TermsOfPayment,
    Active: c.Active,
    ShowPriceVATIncluded: c.ShowPriceVATIncluded,
    SalesAccount: c.SalesAccount,
    DefaultDeliveryTypes: { ...c.DefaultDeliveryTypes },
    Country: c.text.CountryCode === "SE" ? "Sverige" : null,
    ...renderText(c.text, TEXT_FIELDS),
    // The list view calls Phone1 "Phone".
    Phone: c.text.Phone1 ?? null,
  };
}

const LIST_FIELDS = ["@url", "Address1", "Address2", "City", "CustomerNumber", "Email", "Name", "OrganisationNumber", "Phone", "ZipCode"];

const listSpec: ListSpec<Customer> = {
  search: {
    name: (c) => c.Name,
    email: (c) => c.text.Email ?? "",
    organisationnumber: (c) => c.text.OrganisationNumber ?? "",
    customernumber: (c) => c.CustomerNumber,
    city: (c) => c.text.City ?? "",
    zipcode: (c) => c.text.ZipCode ?? "",
    phone: (c) => `${c.text.Phone1 ?? ""} ${c.text.Phone2 ?? ""}`,
  },
  filters: { active: (c) => c.Active, inactive: (c) => !c.Active },
  sort: { customernumber: (c) => c.CustomerNumber, name: (c) => c.Name },
  defaultSort: (c) => c.CustomerNumber,
  lastModified: (c) => c.lastModified,
};

export function getCustomer(tenant: Tenant, number: string): Customer {
  const c = tenant.customers.get(number);
  if (!c) throw notFound(ErrorCode.CUSTOMER_NOT_FOUND, "Kan inte hitta kunden.");
  return c;
}

/** Next free number in the numeric series; numbers are never reused. */
function nextCustomerNumber(tenant: Tenant): string {
  for (;;) {
    const candidate = String(++tenant.seq.customer);
    if (!tenant.customers.has(candidate)) return candidate;
  }
}

export const customers = {
  list(ctx: RestContext): RestResult {
    const { items, meta } = runListQuery(ctx.query, [...ctx.tenant.customers.values()], listSpec);
    return ok({ MetaInformation: meta, Customers: items.map((c) => pick(renderCustomer(c, ctx.apiUrl), LIST_FIELDS)) });
  },

  get(ctx: RestContext, id: string): RestResult {
    return ok({ Customer: renderCustomer(getCustomer(ctx.tenant, id), ctx.apiUrl) });
  },

  create(ctx: RestContext): RestResult {
    const input = parseWith(envelope, requireBody(ctx)).Customer as CustomerInput & Record<string, unknown>;
    const tenant = ctx.tenant;
    if (!input.Name) throw required("Name");
    validate(tenant, input);
    let number = input.CustomerNumber;
    if (number !== undefined && number !== "") {
      if (tenant.customers.has(number)) {
        throw badRequest(ErrorCode.DUPLICATE_CUSTOMER_NUMBER, `Kundnummer ${number} används redan. Kundnummer kan inte återanvändas.`);
      }
    } else {
      number = nextCustomerNumber(tenant);
    }
    const customer: Customer = {
      CustomerNumber: number,
      Name: input.Name,
      Type: "COMPANY",
      VATType: "SEVAT",
      Currency: "SEK",
      PriceList: "A",
      TermsOfPayment: "30",
      Active: true,
      text: {},
      ShowPriceVATIncluded: false,
      SalesAccount: null,
      DefaultDeliveryTypes: { Invoice: "PRINT", Order: "PRINT", Offer: "PRINT" },
      lastModified: Date.now(),
    };
    apply(customer, input);
    tenant.customers.set(number, customer);
    ctx.sim.stats.created.customers++;
    return created({ Customer: renderCustomer(customer, ctx.apiUrl) });
  },

  update(ctx: RestContext, id: string): RestResult {
    const customer = getCustomer(ctx.tenant, id);
    const input = parseWith(envelope, requireBody(ctx)).Customer as CustomerInput & Record<string, unknown>;
    if (input.CustomerNumber !== undefined && input.CustomerNumber !== id) {
      throw badRequest(ErrorCode.INVALID_VALUE, "Kundnummer kan inte ändras");
    }
    if (input.Name === "") throw required("Name");
    validate(ctx.tenant, input);
    apply(customer, input);
    return ok({ Customer: renderCustomer(customer, ctx.apiUrl) });
  },
};
