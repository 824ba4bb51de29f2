/** /v2/articles — create, replace, get, list. Prices are optional; rows fall back to them. */
import { randomUUID } from "node:crypto";
import { decToJson } from "../shared/money.js";
import { type RestContext, type RestResult, byPathId, checkUnique, created, ok, reference, requireBody } from "./common.js";
import { bool, decimal, guid, obj, parseWith, req, text } from "./fields.js";
import { listPage } from "./lists.js";
import { type Article, type Company, utcNow } from "./state.js";

const articleSchema = obj({
  IsActive: req(bool()),
  Number: req(text(40)),
  Name: req(text(50)),
  CodingId: req(guid()),
  UnitId: req(guid()),
  NetPrice: decimal(2),
  GrossPrice: decimal(2),
  IsStock: bool(),
});

function build(company: Company, body: unknown, id: string): Article {
  const input = parseWith(articleSchema, body);
  reference(company.codings, input.CodingId, "CodingId", "ArticleAccountCoding", (c) => c.IsActive);
  reference(company.units, input.UnitId, "UnitId", "Unit");
  checkUnique(company.articles.values(), id, (a) => a.Number, input.Number, "Number");
  return {
    Id: id,
    IsActive: input.IsActive,
    Number: input.Number,
    Name: input.Name,
    CodingId: input.CodingId,
    UnitId: input.UnitId,
    NetPrice: input.NetPrice ?? null,
    GrossPrice: input.GrossPrice ?? null,
    IsStock: input.IsStock ?? false,
    StockBalance: company.articles.get(id)?.StockBalance ?? { units: 0n, scale: 0 },
    ChangedUtc: utcNow(),
  };
}

export function renderArticle(a: Article, company: Company): Record<string, unknown> {
  const unit = company.units.get(a.UnitId);
  return {
    Id: a.Id,
    IsActive: a.IsActive,
    Number: a.Number,
    Name: a.Name,
    CodingId: a.CodingId,
    CodingName: company.codings.get(a.CodingId)?.Name ?? null,
    UnitId: a.UnitId,
    UnitName: unit?.Name ?? null,
    UnitAbbreviation: unit?.Code ?? null,
    NetPrice: a.NetPrice === null ? null : decToJson(a.NetPrice),
    GrossPrice: a.GrossPrice === null ? null : decToJson(a.GrossPrice),
    IsStock: a.IsStock,
    StockBalance: decToJson(a.StockBalance),
    ChangedUtc: a.ChangedUtc,
  };
}

const FIELDS = ["Id", "IsActive", "Number", "Name", "CodingId", "CodingName", "UnitId", "UnitName", "UnitAbbreviation", "NetPrice", "GrossPrice", "IsStock", "StockBalance", "ChangedUtc"];

const get = (company: Company, id: string): Article => byPathId(company.articles, id, "Article");

export const articles = {
  list: (ctx: RestContext): RestResult => ok(listPage(ctx.query, [...ctx.company.articles.values()].map((a) => renderArticle(a, ctx.company)), FIELDS)),
  get: (ctx: RestContext, id: string): RestResult => ok(renderArticle(get(ctx.company, id), ctx.company)),
  create(ctx: RestContext): RestResult {
    const a = build(ctx.company, requireBody(ctx), randomUUID());
    ctx.company.articles.set(a.Id, a);
    return created(renderArticle(a, ctx.company));
  },
  update(ctx: RestContext, id: string): RestResult {
    const a = build(ctx.company, requireBody(ctx), get(ctx.company, id).Id);
    ctx.company.articles.set(a.Id, a);
    return ok(renderArticle(a, ctx.company));
  },
};
