/** /3/articles — create, partial update, get, list/search. */
import {
  type RestContext,
  type RestResult,
  checkAccount,
  checkVat,
  created,
  mergeText,
  ok,
  pick,
  renderText,
  requireBody,
  required,
  vatPercent,
} from "./common.js";
import { ErrorCode, badRequest, notFound } from "./errors.js";
import { bool, decimal, ident, int, obj, oneOf, parseWith, sameLimit, text, textFields } from "./fields.js";
import { type Dec, decToJson, parseDec } from "../shared/money.js";
import { type ListSpec, runListQuery } from "./query.js";
import { type Article, type Tenant, priceKey } from "./state.js";

const TEXT_FIELDS = ["EAN", "Unit", "Manufacturer", "ManufacturerArticleNumber", "Note", "StockPlace", "CostCalculationMethod"] as const;

/** Article numbers: at most 50 characters, letters/digits and - + / . _ [A.9]. ASCII only (stricter reading of "alnum"). */
const ARTICLE_NUMBER_RE = /^[A-Za-z0-9\-+/._]+$/;

const articleSchema = obj({
  ...textFields(sameLimit(TEXT_FIELDS, 100)),
  ArticleNumber: ident(50, ARTICLE_NUMBER_RE),
  Description: text(200),
  Type: oneOf(["STOCK", "SERVICE"]),
  VAT: decimal(2),
  SalesAccount: int(),
  EUAccount: int(),
  EUVATAccount: int(),
  ExportAccount: int(),
  PurchaseAccount: int(),
  PurchasePrice: decimal(4),
  QuantityInStock: decimal(4),
  StockGoods: bool(),
  Active: bool(),
  WebshopArticle: bool(),
  Weight: int(),
  Height: int(),
  Width: int(),
  Depth: int(),
});
const envelope = obj({ Article: articleSchema });
type ArticleInput = ReturnType<typeof articleSchema.parse> & Record<string, unknown>;

/** Articles carry the company's own rates only: OSS rates depend on the buyer, so they live on document rows. */
function articleVat(tenant: Tenant, vat: Dec): number {
  const n = vatPercent(vat);
  checkVat(tenant, n);
  return n;
}

const ACCOUNT_FIELDS = ["SalesAccount", "EUAccount", "EUVATAccount", "ExportAccount", "PurchaseAccount"] as const;

function apply(tenant: Tenant, a: Article, input: ArticleInput): void {
  // Validate everything before mutating so a rejected PUT leaves the article untouched.
  for (const f of ACCOUNT_FIELDS) checkAccount(tenant, input[f], f);
  const vat = input.VAT !== undefined ? articleVat(tenant, input.VAT) : undefined;
  mergeText(a.text, input, TEXT_FIELDS);
  if (input.Description !== undefined) a.Description = input.Description;
  if (input.Type !== undefined) a.Type = input.Type;
  for (const f of ACCOUNT_FIELDS) if (input[f] !== undefined) a[f] = input[f];
  if (vat !== undefined) a.VAT = vat;
  else if (input.SalesAccount !== undefined) {
    // Recorded behaviour: VAT follows the sales account when not given explicitly.
    a.VAT = tenant.accounts.get(input.SalesAccount)?.vat ?? a.VAT;
  }
  if (input.PurchasePrice !== undefined) a.PurchasePrice = input.PurchasePrice;
  if (input.QuantityInStock !== undefined) a.QuantityInStock = input.QuantityInStock;
  if (input.StockGoods !== undefined) a.StockGoods = input.StockGoods;
  if (input.Active !== undefined) a.Active = input.Active;
  if (input.WebshopArticle !== undefined) a.WebshopArticle = input.WebshopArticle;
  a.lastModified = Date.now();
}

export function renderArticle(a: Article, apiUrl: string, tenant: Tenant): Record<string, unknown> {
  return {
    "@url": `${apiUrl}/articles/${encodeURIComponent(a.ArticleNumber)}`,
    ArticleNumber: a.ArticleNumber,
    Description: a.Description,
    Type: a.Type,
    VAT: a.VAT,
    SalesAccount: a.SalesAccount,
    EUAccount: a.EUAccount,
    EUVATAccount: a.EUVATAccount,
    ExportAccount: a.ExportAccount,
    PurchaseAccount: a.PurchaseAccount,
    PurchasePrice: decToJson(a.PurchasePrice),
    // Read-only: the default list's price from quantity 0, set through /3/prices.
    SalesPrice: decToJson(tenant.prices.get(priceKey("A", a.ArticleNumber, 0))?.Price ?? zero),
    QuantityInStock: decToJson(a.QuantityInStock),
    ReservedQuantity: 0,
    DisposableQuantity: decToJson(a.QuantityInStock),
    StockValue: 0,
    StockGoods: a.StockGoods,
    Active: a.Active,
    WebshopArticle: a.WebshopArticle,
    Housework: false,
    ...renderText(a.text, TEXT_FIELDS),
  };
}

const LIST_FIELDS = [
  "@url", "ArticleNumber", "Description", "DisposableQuantity", "EAN", "Housework", "PurchasePrice", "SalesPrice",
  "QuantityInStock", "ReservedQuantity", "StockPlace", "StockValue", "Unit", "VAT", "WebshopArticle",
];

const listSpec: ListSpec<Article> = {
  search: {
    articlenumber: (a) => a.ArticleNumber,
    description: (a) => a.Description,
    ean: (a) => a.text.EAN ?? "",
    manufacturer: (a) => a.text.Manufacturer ?? "",
    manufacturerarticlenumber: (a) => a.text.ManufacturerArticleNumber ?? "",
  },
  filters: { active: (a) => a.Active, inactive: (a) => !a.Active },
  sort: { articlenumber: (a) => a.ArticleNumber, quantityinstock: (a) => decToJson(a.QuantityInStock) },
  defaultSort: (a) => a.ArticleNumber,
  lastModified: (a) => a.lastModified,
};

export function getArticle(tenant: Tenant, number: string): Article {
  const a = tenant.articles.get(number);
  if (!a) throw notFound(ErrorCode.ARTICLE_NOT_FOUND, "Kan inte hitta artikeln.");
  return a;
}

function nextArticleNumber(tenant: Tenant): string {
  for (let n = 1; ; n++) if (!tenant.articles.has(String(n))) return String(n);
}

const zero = parseDec("0")!;

export const articles = {
  list(ctx: RestContext): RestResult {
    const { items, meta } = runListQuery(ctx.query, [...ctx.tenant.articles.values()], listSpec);
    return ok({ MetaInformation: meta, Articles: items.map((a) => pick(renderArticle(a, ctx.apiUrl, ctx.tenant), LIST_FIELDS)) });
  },

  get(ctx: RestContext, id: string): RestResult {
    return ok({ Article: renderArticle(getArticle(ctx.tenant, id), ctx.apiUrl, ctx.tenant) });
  },

  create(ctx: RestContext): RestResult {
    const input = parseWith(envelope, requireBody(ctx)).Article as ArticleInput;
    const tenant = ctx.tenant;
    if (!input.Description) throw required("Description");
    let number = input.ArticleNumber;
    if (number !== undefined && number !== "") {
      if (tenant.articles.has(number)) throw badRequest(ErrorCode.DUPLICATE_ARTICLE, `Artikelnummer "${number}" används redan`);
    } else {
      number = nextArticleNumber(tenant);
    }
    const article: Article = {
      ArticleNumber: number,
      Description: input.Description,
      Type: "STOCK",
      VAT: 25,
      SalesAccount: 3001,
      EUAccount: 3108,
      EUVATAccount: 3106,
      ExportAccount: 3105,
      PurchaseAccount: 4000,
      PurchasePrice: zero,
      QuantityInStock: zero,
      StockGoods: false,
      Active: true,
      WebshopArticle: false,
      text: {},
      lastModified: Date.now(),
    };
    apply(tenant, article, input);
    tenant.articles.set(number, article);
    ctx.sim.stats.created.articles++;
    return created({ Article: renderArticle(article, ctx.apiUrl, ctx.tenant) });
  },

  update(ctx: RestContext, id: string): RestResult {
    const article = getArticle(ctx.tenant, id);
    const input = parseWith(envelope, requireBody(ctx)).Article as ArticleInput;
    if (input.ArticleNumber !== undefined && input.ArticleNumber !== id) {
      throw badRequest(ErrorCode.INVALID_VALUE, "Artikelnummer kan inte ändras");
    }
    if (input.Description === "") throw required("Description");
    apply(ctx.tenant, article, input);
    return ok({ Article: renderArticle(article, ctx.apiUrl, ctx.tenant) });
  },
};
