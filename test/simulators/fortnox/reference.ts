/** Read-only reference data: company information, currencies, terms/modes of payment, accounts. */
import { type RestContext, type RestResult, noQuery, ok } from "./common.js";
import { ErrorCode, notFound } from "./errors.js";
import { decToJson } from "../shared/money.js";
import { type ListSpec, runListQuery } from "./query.js";
import { today } from "../shared/dates.js";
import { type Currency } from "./state.js";

/** Reference lists take only the global parameters (limit, page, sortby ...), no searches. */
function listOf<T>(ctx: RestContext, key: string, items: T[], sortKey: (e: T) => string | number): RestResult {
  const spec: ListSpec<T> = { search: {}, filters: {}, sort: {}, defaultSort: sortKey, lastModified: () => 0 };
  const { items: page, meta } = runListQuery(ctx.query, items, spec);
  return ok({ MetaInformation: meta, [key]: page });
}

export const reference = {
  companyInformation(ctx: RestContext): RestResult {
    noQuery(ctx);
    const c = ctx.tenant.company;
    return ok({
      CompanyInformation: {
        Address: c.Address,
        City: c.City,
        CountryCode: c.CountryCode,
        DatabaseNumber: ctx.tenant.tenantId,
        CompanyName: c.CompanyName,
        OrganizationNumber: c.OrganizationNumber,
        VisitAddress: c.Address,
        VisitCity: c.City,
        VisitCountryCode: c.CountryCode,
        VisitZipCode: c.ZipCode,
        ZipCode: c.ZipCode,
      },
    });
  },

  currencies(ctx: RestContext, code?: string): RestResult {
    const render = (cur: Currency) => ({
      "@url": `${ctx.apiUrl}/currencies/${cur.Code}`,
      Code: cur.Code,
      Description: cur.Description,
      BuyRate: decToJson(cur.BuyRate),
      SellRate: decToJson(cur.SellRate),
      Unit: cur.Unit,
      Date: today(),
      IsAutomatic: cur.Code !== "SEK",
    });
    if (code !== undefined) {
      noQuery(ctx);
      const cur = ctx.tenant.currencies.get(code);
      if (!cur) throw notFound(ErrorCode.CURRENCY_NOT_FOUND, "Kan inte hitta valutan.");
      return ok({ Currency: render(cur) });
    }
    return listOf(ctx, "Currencies", [...ctx.tenant.currencies.values()].map(render), (c) => c.Code);
  },

  termsOfPayments(ctx: RestContext, code?: string): RestResult {
    const render = (t: { Code: string; Description: string; NumberOfDays: number }) => ({
      "@url": `${ctx.apiUrl}/termsofpayments/${t.Code}`,
      ...t,
    });
    if (code !== undefined) {
      noQuery(ctx);
      const t = ctx.tenant.termsOfPayments.get(code);
      if (!t) throw notFound(ErrorCode.TERMS_OF_PAYMENT_NOT_FOUND, "Kan inte hitta betalningsvillkoret.");
      return ok({ TermsOfPayment: render(t) });
    }
    return listOf(ctx, "TermsOfPayments", [...ctx.tenant.termsOfPayments.values()].map(render), (t) => t.Code);
  },

  modesOfPayments(ctx: RestContext, code?: string): RestResult {
    const render = (m: { Code: string; Description: string; AccountNumber: number }) => ({
      "@url": `${ctx.apiUrl}/modesofpayments/${m.Code}`,
      ...m,
    });
    if (code !== undefined) {
      noQuery(ctx);
      const m = ctx.tenant.modesOfPayments.get(code);
      if (!m) throw notFound(ErrorCode.MODE_OF_PAYMENT_NOT_FOUND, "Kan inte hitta betalsättet.");
      return ok({ ModeOfPayment: render(m) });
    }
    return listOf(ctx, "ModesOfPayments", [...ctx.tenant.modesOfPayments.values()].map(render), (m) => m.Code);
  },

  accounts(ctx: RestContext, number?: string): RestResult {
    const render = (a: { Number: number; Description: string; vat?: number }) => ({
      "@url": `${ctx.apiUrl}/accounts/${a.Number}`,
      Number: a.Number,
      Description: a.Description,
      Active: true,
      VATCode: a.vat === undefined ? null : a.vat === 0 ? "MF" : `MP${a.vat === 25 ? 1 : a.vat === 12 ? 2 : 3}`,
    });
    if (number !== undefined) {
      noQuery(ctx);
      const a = /^\d+$/.test(number) ? ctx.tenant.accounts.get(Number(number)) : undefined;
      if (!a) throw notFound(ErrorCode.ACCOUNT_NOT_FOUND_GET, "Kan inte hitta kontot.");
      return ok({ Account: render(a) });
    }
    return listOf(ctx, "Accounts", [...ctx.tenant.accounts.values()].map(render), (a) => a.Number);
  },
};
