import { z } from "zod";
import { db } from "~/db.server";
import { loadConnection } from "~/connectors/connection.server";
import { connectorFor } from "~/connectors/registry.server";
import type { Provider } from "~/connectors/types";
import { settingsFromShop } from "~/domain/settings";
import { LockTimeoutError, withLock } from "~/lib/lock.server";
import { log } from "~/lib/log.server";
import { redis } from "~/lib/redis.server";
import { setAvailable, stockByKey } from "~/shopify/inventory.server";
import { PROBLEM_STATUSES } from "./causes";
import { IN_FLIGHT } from "./overview.server";
import { currentTarget } from "./target.server";

// Stock back to Shopify, one run per shop on the worker's schedule: the articles whose stock
// changed in the accounting system since the last run, matched to Shopify variants by SKU (the
// article key), written as the available quantity at the merchant's location.
//
// Shopify's available quantity already counts sales the accounting system has not seen yet (their
// invoices are not booked), so the quantity written is the article's stock less the units of
// those orders. Each write names the quantity it replaces: a sale between our read and our write
// makes it stale and nothing is written; the run's window is then read again next time.

/** The window overlaps the last one: Fortnox's lastmodified is to the minute, and clocks differ. */
const OVERLAP_MS = 2 * 60_000;
const cursorKey = (shop: string, provider: string) => `stock-cursor:${shop}:${provider}`;

export interface StockRun {
  changed: number;
  matched: number;
  written: number;
  unchanged: number;
  stale: number;
  /** Articles left to the next run (their stock-keeping flag not read yet). */
  deferred: number;
  notStocked: number;
  refused: string[];
}

const lineItems = z.object({ line_items: z.array(z.object({ variant_id: z.number().int().nullish(), quantity: z.number().int() })).default([]) }).passthrough();

/** Units per variant in orders whose document is not yet booked (so not yet out of the accounting system's stock). */
async function unbookedUnits(shop: string, provider: string): Promise<Map<number, number>> {
  const units = new Map<number, number>();
  const jobs = await db().syncJob.findMany({ where: { shop, provider, kind: { in: ["invoice", "order"] }, status: { in: [...IN_FLIGHT, ...PROBLEM_STATUSES] } }, select: { payload: true } });
  for (const job of jobs) {
    const order = lineItems.safeParse(JSON.parse(job.payload));
    if (!order.success) continue;
    for (const line of order.data.line_items) if (line.variant_id) units.set(line.variant_id, (units.get(line.variant_id) ?? 0) + line.quantity);
  }
  return units;
}

/**
 * At most this many articles' stock-keeping flags are read per run: a first run over a large
 * register reads them over several runs, so orders keep most of the accounting API's limit.
 */
const FLAG_READS_PER_RUN = 100;

/**
 * Which of these articles the accounting system keeps stock for, and which are not known yet
 * (their read is left to the next run). The list of changed articles does not say, so each is
 * read once and the answer kept a day (it is an article's setting, rarely changed).
 */
async function stockArticles(shop: string, provider: string, numbers: string[], read: (n: string) => Promise<boolean>): Promise<{ kept: Set<string>; unread: Set<string> }> {
  const key = `stock-goods:${shop}:${provider}`;
  const known = numbers.length ? await redis().hmget(key, ...numbers) : [];
  const kept = new Set<string>();
  const unread = new Set<string>();
  let reads = 0;
  for (const [i, number] of numbers.entries()) {
    let flag = known[i];
    if (flag === null) {
      if (reads++ >= FLAG_READS_PER_RUN) { unread.add(number); continue; }
      flag = (await read(number)) ? "1" : "0";
      await redis().hset(key, number, flag);
    }
    if (flag === "1") kept.add(number);
  }
  await redis().expire(key, 86_400);
  return { kept, unread };
}

export async function syncStock(shop: string): Promise<StockRun | null> {
  const settings = settingsFromShop(await db().shop.findUnique({ where: { shop } }));
  if (!settings.ok || !settings.settings.stock.sync || !settings.settings.stock.locationId) return null;
  const locationId = settings.settings.stock.locationId;
  // The shop's current system keeps its stock (a shop that switched may still have the other connected).
  const provider = (await currentTarget(shop)).target as Provider;
  const connection = await loadConnection(shop, provider);
  if (connection?.status !== "active") return null;
  const connector = connectorFor(connection, { calls: 0 });
  if (!connector.stockChangedSince || !connector.keepsStock) return null;

  const started = Date.now();
  const cursor = Number((await redis().get(cursorKey(shop, provider))) ?? 0);
  const changed = await connector.stockChangedSince(new Date(Math.max(0, cursor - OVERLAP_MS)));
  const run: StockRun = { changed: changed.length, matched: 0, written: 0, unchanged: 0, stale: 0, deferred: 0, notStocked: 0, refused: [] };
  if (changed.length) {
    const key = settings.settings.articleKey === "ean" ? "ean" : "sku";
    const found = await stockByKey(shop, key, changed.map((a) => a.number), locationId);
    const unknown = changed.filter((a) => a.keepsStock === undefined && found.has(a.number)).map((a) => a.number);
    const flags = await stockArticles(shop, provider, unknown, (n) => connector.keepsStock!(n));
    const kept = new Set([...changed.filter((a) => a.keepsStock).map((a) => a.number), ...flags.kept]);
    run.deferred = flags.unread.size;
    const unbooked = await unbookedUnits(shop, provider);
    for (const article of changed) {
      const variant = found.get(article.number);
      if (!variant || flags.unread.has(article.number)) continue;
      run.matched++;
      // An article the accounting system keeps no stock for (a service, or one the product sync
      // made) says 0 whatever is on the shelf: Shopify's quantity stays.
      if (!kept.has(article.number)) { run.notStocked++; continue; }
      if (variant.available === null) { run.notStocked++; continue; }
      const target = Math.floor(Number(article.quantity)) - (unbooked.get(variant.variantId) ?? 0);
      if (target === variant.available) { run.unchanged++; continue; }
      const result = await setAvailable(shop, String(started), { inventoryItemId: variant.inventoryItemId, locationId, from: variant.available, to: target });
      if (result === "written") run.written++;
      else if (result === "stale") run.stale++;
      else run.refused.push(`${article.number}: ${result.refused}`);
    }
  }
  // A stale write, or an article whose flag is still to be read, is read again next run (its
  // window is kept); otherwise the next run starts here.
  if (!run.stale && !run.deferred) await redis().set(cursorKey(shop, provider), String(started));
  return run;
}

/** The worker's scheduled tick: every shop with stock sync on, one run at a time per shop. */
export async function stockTick(): Promise<number> {
  // Settings are stored as zod writes them: {"stock":{"sync":true,…}} names the shops that asked.
  const shops = await db().shop.findMany({ where: { settings: { contains: '"stock":{"sync":true' } }, select: { shop: true } });
  let ran = 0;
  for (const { shop } of shops) {
    try {
      // Another worker's run of this shop is under way: it is this tick's.
      const run = await withLock(redis(), `lock:stock:${shop}`, () => syncStock(shop), { ttlMs: 10 * 60_000, waitMs: 0 });
      if (run) {
        ran++;
        if (run.written || run.stale || run.deferred || run.refused.length) log.info("stock written to Shopify", { shop, ...run });
      }
    } catch (e) {
      if (e instanceof LockTimeoutError) continue;
      log.warn("stock run failed; the next tick tries again", { shop, error: e });
    }
  }
  return ran;
}
