/** /v2/customers — create, replace (PUT is a full replace), get, list. */
import { randomUUID } from "node:crypto";
import { ISO_COUNTRIES } from "../shared/countries.js";
import { type RestContext, type RestResult, byPathId, checkUnique, created, ok, reference, requireBody } from "./common.js";
import { ErrorCode, badRequest, fieldError } from "./errors.js";
import { bool, guid, obj, parseWith, req, text } from "./fields.js";
import { listPage } from "./lists.js";
import { type Company, type Customer, utcNow } from "./state.js";

const customerSchema = obj({
  CustomerNumber: text(16),
  Name: req(text(50)),
  IsPrivatePerson: req(bool()),
  IsActive: req(bool()),
  InvoiceCity: req(text(50)),
  InvoicePostalCode: req(text(10)),
  InvoiceAddress1: text(50),
  InvoiceAddress2: text(50),
  InvoiceCountryCode: text(2),
  EmailAddress: text(255),
  Telephone: text(50),
  MobilePhone: text(50),
  CorporateIdentityNumber: text(20),
  VatNumber: text(14),
  CurrencyCode: text(3),
  TermsOfPaymentId: req(guid()),
  DeliveryBasedVat: bool(),
});
type CustomerInput = ReturnType<typeof customerSchema.parse>;

const EMAIL_RE = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;
/** Country prefix + 8–12 alphanumerics (research B.6); Visma checks the form, not VIES. */
const VAT_NUMBER_RE = /^[A-Z]{2}[A-Z0-9]{8,12}$/;

/** First free number counting from 1, the way a new company's series starts. */
function nextCustomerNumber(company: Company): string {
  const taken = new Set([...company.customers.values()].map((c) => c.CustomerNumber.toLowerCase()));
  let n = 1;
  while (taken.has(String(n))) n++;
  return String(n);
}

function build(company: Company, input: CustomerInput, id: string): Customer {
  const country = input.InvoiceCountryCode ?? "SE";
  if (!ISO_COUNTRIES.has(country)) throw fieldError("InvoiceCountryCode", "InvalidValue", `Unknown country code ${country}`);
  if (input.EmailAddress !== undefined && !EMAIL_RE.test(input.EmailAddress)) throw fieldError("EmailAddress", "InvalidFormat", "Not a valid e-mail address");
  const currency = input.CurrencyCode ?? company.CurrencyCode;
  if (!company.currencies.has(currency)) throw fieldError("CurrencyCode", "InvalidValue", `Unknown currency ${currency}`);
  if (input.VatNumber !== undefined && !VAT_NUMBER_RE.test(input.VatNumber)) {
    throw badRequest(ErrorCode.INVALID_VAT_NUMBER, `Invalid VAT number ${input.VatNumber}`, [{ Field: "VatNumber", ErrorCode: "InvalidVatNumber", Message: "Invalid VAT number" }]);
  }
  reference(company.termsOfPayments, input.TermsOfPaymentId, "TermsOfPaymentId", "TermsOfPayment");
  const number = input.CustomerNumber ?? nextCustomerNumber(company);
  checkUnique(company.customers.values(), id, (c) => c.CustomerNumber, number, "CustomerNumber");
  return {
    Id: id,
    CustomerNumber: number,
    Name: input.Name,
    IsPrivatePerson: input.IsPrivatePerson,
    IsActive: input.IsActive,
    InvoiceCity: input.InvoiceCity,
    InvoicePostalCode: input.InvoicePostalCode,
    InvoiceAddress1: input.InvoiceAddress1 ?? null,
    InvoiceAddress2: input.InvoiceAddress2 ?? null,
    InvoiceCountryCode: country,
    EmailAddress: input.EmailAddress ?? null,
    Telephone: input.Telephone ?? null,
    MobilePhone: input.MobilePhone ?? null,
    CorporateIdentityNumber: input.CorporateIdentityNumber ?? null,
    VatNumber: input.VatNumber ?? null,
    CurrencyCode: currency,
    TermsOfPaymentId: input.TermsOfPaymentId,
    DeliveryBasedVat: input.DeliveryBasedVat ?? false,
    ChangedUtc: utcNow(),
  };
}

export const renderCustomer = (c: Customer): Record<string, unknown> => ({ ...c });

/** Every stored field is rendered as is, so the filterable names are the record's keys. */
const FIELDS: readonly (keyof Customer)[] = [
  "Id", "CustomerNumber", "Name", "IsPrivatePerson", "IsActive", "InvoiceCity", "InvoicePostalCode", "InvoiceAddress1",
  "InvoiceAddress2", "InvoiceCountryCode", "EmailAddress", "Telephone", "MobilePhone", "CorporateIdentityNumber",
  "VatNumber", "CurrencyCode", "TermsOfPaymentId", "DeliveryBasedVat", "ChangedUtc",
];

const get = (company: Company, id: string): Customer => byPathId(company.customers, id, "Customer");

export const customers = {
  list: (ctx: RestContext): RestResult => ok(listPage(ctx.query, [...ctx.company.customers.values()].map(renderCustomer), FIELDS)),
  get: (ctx: RestContext, id: string): RestResult => ok(renderCustomer(get(ctx.company, id))),
  create(ctx: RestContext): RestResult {
    const c = build(ctx.company, parseWith(customerSchema, requireBody(ctx)), randomUUID());
    ctx.company.customers.set(c.Id, c);
    return created(renderCustomer(c));
  },
  update(ctx: RestContext, id: string): RestResult {
    const existing = get(ctx.company, id);
    const c = build(ctx.company, parseWith(customerSchema, requireBody(ctx)), existing.Id);
    ctx.company.customers.set(c.Id, c);
    return ok(renderCustomer(c));
  },
};
