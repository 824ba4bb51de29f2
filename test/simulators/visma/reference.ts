/**
 * Read-only reference data, seeded per company (state.ts): company settings, fiscal years,
 * terms of payment, units, currencies, article account codings, bank accounts, VAT codes.
 * Lists page and filter like every other list.
 */
import { decToJson } from "../shared/money.js";
import { type RestContext, type RestResult, ok } from "./common.js";
import { notFound } from "./errors.js";
import { listPage } from "./lists.js";
import type { Coding, Company } from "./state.js";

type Renderer = (company: Company) => Record<string, unknown>[];

function renderCoding(c: Coding): Record<string, unknown> {
  const zero = c.percent === 0;
  return {
    Id: c.Id,
    Name: c.Name,
    Type: c.Type,
    VatRate: `${c.percent}%`,
    VatRatePercent: decToJson(c.rate),
    IsActive: c.IsActive,
    DomesticSalesSubjectToVatAccountNumber: zero ? null : c.domesticAccount,
    DomesticSalesVatExemptAccountNumber: zero ? c.domesticAccount : null,
    ForeignSalesSubjectToMossAccountNumber: 3106,
    ForeignSalesVatExemptWithinEuAccountNumber: 3108,
    ForeignSalesVatExemptOutsideEuAccountNumber: 3105,
  };
}

const VAT_CODES = [
  { Code: "05", Description: "Försäljning 25 %", VatRate: 25 },
  { Code: "06", Description: "Försäljning 12 %", VatRate: 12 },
  { Code: "07", Description: "Försäljning 6 %", VatRate: 6 },
  { Code: "39", Description: "Försäljning av tjänster till annat EU-land", VatRate: 0 },
  { Code: "35", Description: "Försäljning av varor till annat EU-land", VatRate: 0 },
  { Code: "36", Description: "Export av varor utanför EU", VatRate: 0 },
];

const LISTS: Record<string, { renderer: Renderer; fields: string[]; entity: string }> = {
  fiscalyears: {
    entity: "FiscalYear",
    fields: ["Id", "StartDate", "EndDate", "IsLockedForAccounting", "BookkeepingMethod"],
    renderer: (c) => [...c.fiscalYears.values()].map((f) => ({ Id: f.Id, StartDate: `${f.year}-01-01T00:00:00`, EndDate: `${f.year}-12-31T00:00:00`, IsLockedForAccounting: f.locked, BookkeepingMethod: 0 })),
  },
  termsofpayments: {
    entity: "TermsOfPayment",
    fields: ["Id", "Name", "NumberOfDays", "TermsOfPaymentTypeId", "Available"],
    renderer: (c) => [...c.termsOfPayments.values()].map((t) => ({ ...t, Available: true })),
  },
  units: { entity: "Unit", fields: ["Id", "Name", "Code"], renderer: (c) => [...c.units.values()].map((u) => ({ ...u })) },
  currencies: { entity: "Currency", fields: ["Code", "Description"], renderer: (c) => [...c.currencies].map(([Code, Description]) => ({ Code, Description })) },
  articleaccountcodings: {
    entity: "ArticleAccountCoding",
    fields: Object.keys(renderCoding({ Id: "", Name: "", Type: "Goods", rate: { units: 0n, scale: 0 }, percent: 0, IsActive: true, domesticAccount: 0 })),
    renderer: (c) => [...c.codings.values()].map(renderCoding),
  },
  bankaccounts: {
    entity: "BankAccount",
    fields: ["Id", "Name", "BankAccountNumber", "AccountNumber", "IsActive"],
    renderer: (c) => [...c.bankAccounts.values()].map((b) => ({ ...b, IsActive: true })),
  },
  // Static: the simulator books no vouchers, so the codes are for display only.
  vatcodes: { entity: "VatCode", fields: ["Code", "Description", "VatRate"], renderer: () => VAT_CODES.map((v) => ({ ...v })) },
};

export const REFERENCE_RESOURCES = Object.keys(LISTS);

export function referenceResource(name: string) {
  const def = LISTS[name];
  return {
    list: (ctx: RestContext): RestResult => ok(listPage(ctx.query, def.renderer(ctx.company), def.fields)),
    get(ctx: RestContext, id: string): RestResult {
      const key = def.fields.includes("Id") ? "Id" : "Code";
      const found = def.renderer(ctx.company).find((r) => String(r[key]).toLowerCase() === id.toLowerCase());
      if (!found) throw notFound(def.entity);
      return ok(found);
    },
  };
}

export function companySettings(ctx: RestContext): RestResult {
  const c = ctx.company;
  return ok({
    Name: c.Name,
    CorporateIdentityNumber: c.CorporateIdentityNumber,
    CurrencyCode: c.CurrencyCode,
    CountryCode: "SE",
    ShowPricesExclVatPC: c.ShowPricesExclVatPC,
    UsesOss: c.oss,
    Email: "info@example.se",
  });
}
