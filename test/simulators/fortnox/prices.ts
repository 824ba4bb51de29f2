/**
 * /3/prices — an article's sales price per price list and quantity. The article's SalesPrice is
 * read-only: it is the default list's ("A") price from quantity 0, written here.
 * Creating an article creates no price (ASSUMED: the research did not settle whether Fortnox
 * seeds one), so a client must handle both a missing and an existing price.
 */
import { type RestContext, type RestResult, checkPriceList, created, ok, requireBody, required } from "./common.js";
import { ErrorCode, badRequest, notFound } from "./errors.js";
import { decimal, int, obj, parseWith, text } from "./fields.js";
import { getArticle } from "./articles.js";
import { decToJson } from "../shared/money.js";
import { type Price, type Tenant, priceKey } from "./state.js";

const priceSchema = obj({
  ArticleNumber: text(50),
  PriceList: text(10),
  FromQuantity: int(),
  Price: decimal(2),
  Percent: decimal(2),
});
const envelope = obj({ Price: priceSchema });

function render(p: Price, apiUrl: string): Record<string, unknown> {
  return {
    "@url": `${apiUrl}/prices/${encodeURIComponent(p.PriceList)}/${encodeURIComponent(p.ArticleNumber)}/${p.FromQuantity}`,
    ArticleNumber: p.ArticleNumber,
    PriceList: p.PriceList,
    FromQuantity: p.FromQuantity,
    Price: decToJson(p.Price),
    Percent: 0,
    Date: new Date().toISOString().slice(0, 10),
  };
}

function find(tenant: Tenant, list: string, article: string, from: string | undefined): Price {
  const quantity = from === undefined ? 0 : Number(from);
  const p = Number.isInteger(quantity) ? tenant.prices.get(priceKey(list, article, quantity)) : undefined;
  if (!p) throw notFound(ErrorCode.PRICE_NOT_FOUND, "Kan inte hitta priset.");
  return p;
}

const input = (ctx: RestContext) => parseWith(envelope, requireBody(ctx)).Price;

export const prices = {
  get: (ctx: RestContext, list: string, article: string, from?: string): RestResult =>
    ok({ Price: render(find(ctx.tenant, list, article, from), ctx.apiUrl) }),

  create(ctx: RestContext): RestResult {
    const i = input(ctx);
    if (!i.ArticleNumber) throw required("ArticleNumber");
    if (!i.PriceList) throw required("PriceList");
    if (i.Price === undefined) throw required("Price");
    checkPriceList(ctx.tenant, i.PriceList);
    getArticle(ctx.tenant, i.ArticleNumber);
    const from = i.FromQuantity ?? 0;
    const key = priceKey(i.PriceList, i.ArticleNumber, from);
    if (ctx.tenant.prices.has(key)) throw badRequest(ErrorCode.DUPLICATE_PRICE, "Det finns redan ett pris för artikeln i prislistan.");
    const p: Price = { PriceList: i.PriceList, ArticleNumber: i.ArticleNumber, FromQuantity: from, Price: i.Price };
    ctx.tenant.prices.set(key, p);
    return created({ Price: render(p, ctx.apiUrl) });
  },

  update(ctx: RestContext, list: string, article: string, from?: string): RestResult {
    const p = find(ctx.tenant, list, article, from);
    const i = input(ctx);
    // The path names the price; a body naming another one is a mistake, not a move.
    if ((i.ArticleNumber && i.ArticleNumber !== p.ArticleNumber) || (i.PriceList && i.PriceList !== p.PriceList) || (i.FromQuantity !== undefined && i.FromQuantity !== p.FromQuantity)) {
      throw badRequest(ErrorCode.INVALID_VALUE, "Artikelnummer, prislista och från-antal kan inte ändras");
    }
    if (i.Price !== undefined) p.Price = i.Price;
    const a = getArticle(ctx.tenant, p.ArticleNumber);
    a.lastModified = Date.now();
    return ok({ Price: render(p, ctx.apiUrl) });
  },

  remove(ctx: RestContext, list: string, article: string, from?: string): RestResult {
    const p = find(ctx.tenant, list, article, from);
    ctx.tenant.prices.delete(priceKey(p.PriceList, p.ArticleNumber, p.FromQuantity));
    return { status: 204, body: undefined };
  },
};
