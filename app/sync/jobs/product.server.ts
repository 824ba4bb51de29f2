import { db } from "~/db.server";
import { permanent } from "~/connectors/errors";
import type { CallCounter } from "~/connectors/types";
import { articlesFromProduct, deletedProductSchema, productGid, shopifyProductSchema, variantKey } from "~/domain/product";
import { DEFAULT_ACCOUNTS } from "~/domain/settings";
import { shopFacts } from "~/shopify/shop-facts.server";
import { ensureEntity } from "../entities.server";
import { jobConnector, jobSettings, type JobOutcome, type JobRow } from "./context.server";
import { fingerprint, newestOnly, subjectVersion } from "./versioned.server";

// A Shopify product's change, written to its articles: one per variant, numbered by the shop's
// article key (SKU or EAN, as orders are booked), with the shop's VAT rate and its sales account.
// An article that exists gets the description, EAN and sales price; its accounts and stock stay
// the accountant's. Variants without the key stop the job as needing action (after the others are
// written), so none is silently left out. A deleted product's articles are deactivated: documents
// refer to them.

export async function runProductJob(job: JobRow, counter: CallCounter): Promise<JobOutcome> {
  const { connector, scope } = await jobConnector(job, counter);
  const where = { shop: job.shop, provider: job.provider, kind: "variant" };

  if (subjectVersion(job.subjectId).version === "deleted") {
    const { id } = deletedProductSchema.parse(JSON.parse(job.payload));
    const articles = [...new Set((await db().entityMap.findMany({ where: { ...where, localKey: { startsWith: `${productGid(id)}/` } } })).map((l) => l.remoteId))];
    for (const article of articles) await connector.deactivateArticle(article);
    return { documentNumber: null, outcome: articles.length ? `deactivated ${articles.length} articles` : "no articles in the accounting system" };
  }

  const settings = await jobSettings(job.shop);
  const product = shopifyProductSchema.parse(JSON.parse(job.payload));
  const { products, accounts } = settings;
  const taxesIncluded = products.prices ? (await shopFacts(job.shop)).taxesIncluded : null;
  const vatRate = Number(products.vatRate);
  const key = settings.articleKey === "ean" ? "ean" : "sku";
  const { articles, unkeyed } = articlesFromProduct(product, { key, vatRate, salesAccount: accounts.domestic[products.vatRate] ?? DEFAULT_ACCOUNTS.domestic[products.vatRate], taxesIncluded });

  return newestOnly(job, fingerprint({ articles, unkeyed }), async () => {
    let created = 0;
    for (const { variantId, spec } of articles) {
      let made = false;
      const remoteId = await ensureEntity(scope, "article", spec.number, () => connector.findArticle(spec.number), async () => {
        made = true;
        return connector.createArticle(spec);
      });
      if (made) created++;
      else await connector.updateArticle(remoteId, spec);
      const key = { shop_provider_kind_localKey: { ...where, localKey: variantKey(product.id, variantId) } };
      await db().entityMap.upsert({ where: key, create: { ...where, localKey: variantKey(product.id, variantId), remoteId }, update: { remoteId } });
    }
    const outcome = `${created} created, ${articles.length - created} updated`;
    if (unkeyed.length) {
      throw permanent(`${outcome}; ${unkeyed.length} variant(s) have no ${key === "ean" ? "EAN (barcode)" : "SKU"}, so no article number: ${unkeyed.slice(0, 5).map((t) => `"${t}"`).join(", ")}`, "article_key_missing");
    }
    return { documentNumber: null, outcome };
  });
}
