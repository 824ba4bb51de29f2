import type { Backfill } from "@prisma/client";
import { db } from "~/db.server";
import { backfillTopic, orderSearch, type Trigger } from "~/domain/backfill";
import { BulkOrderAssembler, bulkOrdersQuery } from "~/domain/graphql-order";
import { BULK_QUERIES, BulkRegisterAssembler, type RegisterSubject } from "~/domain/graphql-register";
import type { ShopifyOrder } from "~/domain/shopify-order";
import { env } from "~/env.server";
import { log } from "~/lib/log.server";
import { enqueueBackfill } from "~/queue/queues.server";
import { bulkLines, bulkStatus, startBulk } from "~/shopify/bulk-operations.server";
import { countOrders, ordersPage, shopTimezone } from "~/shopify/order-reads.server";
import { countRegister, registerPage } from "~/shopify/register-reads.server";
import { ShopifyReadError } from "~/shopify/throttled-graphql.server";
import { ingestWebhook, PayloadError } from "./ingest.server";

// A backfill in the worker, one chunk per Bull job: claim the row (a lease, so two workers never
// run one backfill), read a few pages (or a bulk result) and hand each item to the same ingest
// as its webhook, saving the cursor and counts after every page. A killed worker's lease runs out
// and the next chunk (Bull's stalled job, or the sweeper) resumes from the saved cursor; items it
// had already handed to ingest are recognised by their synthetic event id. What is read is the
// row's subject: the orders of a date range, or (the initial import) every customer or product.

/** How long one chunk reads before it hands over to the next job (so pause and cancel are felt). */
const CHUNK_MS = 8_000;
/** Orders handled between two saves when streaming a bulk result. */
const BULK_BATCH = 25;
const BULK_POLL_MS = 1_000;
const RETRY_MS = 5_000;

const leaseMs = () => 2 * env().SYNC_LOCK_MS;

interface Counts {
  queued: number;
  skipped: number;
  failed: number;
  lastError?: string;
}

/** The event id a backfilled item is ingested under: a second run of the same page is a duplicate. */
export const backfillEventId = (backfillId: string, gid: string) => `backfill:${backfillId}:${gid.slice(gid.lastIndexOf("/") + 1)}`;

/** Does Kontera already have this order's invoice (a job or a document), from a webhook or an earlier backfill? */
async function alreadyKnown(shop: string, orderGid: string): Promise<boolean> {
  const job = await db().syncJob.findFirst({ where: { shop, subjectId: orderGid, kind: { in: ["invoice", "order"] } }, select: { id: true } });
  if (job) return true;
  return !!(await db().documentLink.findFirst({ where: { shop, shopifyId: orderGid, kind: "invoice" }, select: { id: true } }));
}

const stillRunning = async (id: string) => (await db().backfill.findUnique({ where: { id }, select: { status: true } }))?.status === "running";

/** What one subject needs from Shopify and how its items enter ingest. */
interface Source<T> {
  count(): Promise<number>;
  page(cursor: string | null): Promise<{ items: T[]; endCursor: string | null; hasNextPage: boolean }>;
  bulkQuery: string;
  assembler(): { push(line: string): T | null; flush(): T | null };
  /** The webhook the item stands in for, or null when Kontera already has what it would make. */
  topic(item: T): Promise<string | null>;
  label(item: T): string;
}

type Item = { admin_graphql_api_id: string };

async function book<T extends Item>(row: Backfill, source: Source<T>, items: T[]): Promise<Counts | null> {
  // Paused or cancelled while the page was read: book none of it (the cursor stays before it).
  if (!(await stillRunning(row.id))) return null;
  const counts: Counts = { queued: 0, skipped: 0, failed: 0 };
  for (const item of items) {
    const eventId = backfillEventId(row.id, item.admin_graphql_api_id);
    const ours = await db().webhookEvent.findUnique({ where: { shop_eventId: { shop: row.shop, eventId } }, select: { jobsCreated: true } });
    if (ours) {
      // Handed to ingest by a run of this backfill that died before saving its counts.
      if (ours.jobsCreated > 0) counts.queued++; else counts.skipped++;
      continue;
    }
    const topic = await source.topic(item);
    if (!topic) {
      counts.skipped++;
      continue;
    }
    try {
      await ingestWebhook({ topic, shop: row.shop, eventId, webhookId: eventId, apiVersion: "backfill", triggeredAt: new Date(), payload: item });
      const event = await db().webhookEvent.findUnique({ where: { shop_eventId: { shop: row.shop, eventId } }, select: { jobsCreated: true } });
      // No job: not due under the shop's trigger (unpaid, cancelled, a test order), or that state is already queued.
      if ((event?.jobsCreated ?? 0) > 0) counts.queued++; else counts.skipped++;
    } catch (e) {
      if (!(e instanceof PayloadError)) throw e;
      counts.failed++;
      counts.lastError = `${source.label(item)}: ${e.message}`;
    }
  }
  return counts;
}

function orderSource(row: Backfill, timeZone: string, trigger: Trigger): Source<ShopifyOrder> {
  const search = orderSearch(row.rangeFrom, row.rangeTo);
  return {
    count: () => countOrders(row.shop, search),
    page: async (cursor) => {
      const page = await ordersPage(row.shop, search, cursor, timeZone);
      return { items: page.orders, endCursor: page.endCursor, hasNextPage: page.hasNextPage };
    },
    bulkQuery: bulkOrdersQuery(search),
    assembler: () => new BulkOrderAssembler(timeZone),
    topic: async (order) => (await alreadyKnown(row.shop, order.admin_graphql_api_id) ? null : backfillTopic(order, trigger)),
    label: (order) => order.name,
  };
}

/** The initial import: each customer or product as its update webhook, so its job is the webhook's (one per state). */
function registerSource(row: Backfill, subject: RegisterSubject): Source<Item> {
  return {
    count: () => countRegister(row.shop, subject),
    page: (cursor) => registerPage(row.shop, subject, cursor),
    bulkQuery: BULK_QUERIES[subject],
    assembler: () => new BulkRegisterAssembler(subject),
    topic: async () => (subject === "customers" ? "customers/update" : "products/update"),
    label: (item) => item.admin_graphql_api_id,
  };
}

/**
 * Saves a step: the cursor and the counts together, and a fresh lease. Only while still running,
 * and only from the cursor the step started at: a run whose lease ran out while it waited (for
 * Shopify's bucket, say) and that another run overtook saves nothing, so no page counts twice.
 */
async function saveStep(row: Backfill, data: { cursor?: string | null; seen: number; counts: Counts; done?: boolean; total?: number }): Promise<Backfill | null> {
  const now = new Date();
  const updated = await db().backfill.updateMany({
    where: { id: row.id, status: "running", cursor: row.cursor },
    data: {
      ...(data.cursor !== undefined ? { cursor: data.cursor } : {}),
      seen: { increment: data.seen },
      queued: { increment: data.counts.queued },
      skipped: { increment: data.counts.skipped },
      failed: { increment: data.counts.failed },
      ...(data.counts.lastError ? { lastError: data.counts.lastError } : {}),
      ...(data.total !== undefined ? { total: data.total } : {}),
      ...(data.done ? { status: "completed", finishedAt: now } : { leaseUntil: new Date(now.getTime() + leaseMs()) }),
    },
  });
  return updated.count ? db().backfill.findUnique({ where: { id: row.id } }) : null;
}

async function fail(id: string, message: string): Promise<void> {
  await db().backfill.updateMany({ where: { id, status: "running" }, data: { status: "failed", lastError: message, finishedAt: new Date() } });
}

type Next = { again: boolean; delayMs?: number };

async function runPages<T extends Item>(row: Backfill, source: Source<T>): Promise<Next> {
  const deadline = Date.now() + CHUNK_MS;
  let current: Backfill | null = row;
  while (current) {
    const page = await source.page(current.cursor);
    const counts = await book(current, source, page.items);
    if (!counts) return { again: false };
    const done = !page.hasNextPage;
    const seen = current.seen + page.items.length;
    current = await saveStep(current, {
      cursor: page.endCursor ?? current.cursor, seen: page.items.length, counts, done,
      // Items created after they were counted: the total follows what was read.
      ...(current.total !== null && seen > current.total ? { total: seen } : done ? { total: seen } : {}),
    });
    if (done || !current) return { again: false };
    if (Date.now() > deadline) return { again: true };
  }
  return { again: false };
}

async function runBulk<T extends Item>(row: Backfill, source: Source<T>): Promise<Next> {
  if (!row.bulkId) {
    const start = await startBulk(row.shop, source.bulkQuery);
    if ("busy" in start) {
      // Shopify runs one bulk query per shop at a time: wait for the other one to end.
      await db().backfill.update({ where: { id: row.id }, data: { lastError: start.busy } });
      return { again: true, delayMs: RETRY_MS };
    }
    if ("refused" in start) {
      await fail(row.id, start.refused);
      return { again: false };
    }
    await db().backfill.update({ where: { id: row.id }, data: { bulkId: start.started, lastError: null } });
    return { again: true, delayMs: BULK_POLL_MS };
  }
  const op = await bulkStatus(row.shop, row.bulkId);
  if (!op) {
    await fail(row.id, "Shopify no longer knows the bulk operation");
    return { again: false };
  }
  if (op.status === "CREATED" || op.status === "RUNNING") return { again: true, delayMs: BULK_POLL_MS };
  if (op.status !== "COMPLETED") {
    await fail(row.id, `Shopify's bulk operation ended ${op.status.toLowerCase()}${op.errorCode ? ` (${op.errorCode})` : ""}`);
    return { again: false };
  }
  if (!op.url) {
    await saveStep(row, { seen: 0, counts: { queued: 0, skipped: 0, failed: 0 }, done: true, total: 0 });
    return { again: false };
  }
  // The cursor is the number of items of the file already handled: a resumed run skips them.
  const skip = Number(row.cursor ?? "0");
  const assembler = source.assembler();
  let index = 0;
  let batch: T[] = [];
  let current: Backfill | null = row;
  const flush = async (done: boolean) => {
    const counts = await book(current!, source, batch);
    if (!counts) {
      current = null;
      return;
    }
    current = await saveStep(current!, { cursor: String(index), seen: batch.length, counts, done, ...(done ? { total: index } : {}) });
    batch = [];
  };
  const take = async (item: T | null) => {
    if (!item) return;
    index++;
    if (index <= skip) return;
    batch.push(item);
    if (batch.length >= BULK_BATCH) await flush(false);
  };
  for await (const line of bulkLines(op.url)) {
    await take(assembler.push(line));
    if (!current) return { again: false }; // paused or cancelled meanwhile: the cursor is saved
  }
  await take(assembler.flush());
  if (current) await flush(true);
  return { again: false };
}

async function ordersOf(row: Backfill): Promise<Source<ShopifyOrder>> {
  const shop = await db().shop.findUnique({ where: { shop: row.shop }, select: { invoiceTrigger: true } });
  return orderSource(row, await shopTimezone(row.shop), (shop?.invoiceTrigger ?? "paid") as Trigger);
}

/** One chunk of a backfill; called by the worker for every backfill job. */
export async function runBackfillChunk(id: string): Promise<void> {
  const now = new Date();
  const claimed = await db().backfill.updateMany({
    where: { id, status: "running", OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
    data: { leaseUntil: new Date(now.getTime() + leaseMs()) },
  });
  if (!claimed.count) return; // not running, or another worker holds it
  let next: Next = { again: false };
  try {
    let row = (await db().backfill.findUnique({ where: { id } }))!;
    const source = row.subject === "orders" ? await ordersOf(row) : registerSource(row, row.subject as RegisterSubject);
    if (row.total === null) {
      const total = await source.count();
      const mode = total > env().BACKFILL_BULK_THRESHOLD ? "bulk" : "pages";
      row = await db().backfill.update({ where: { id }, data: { total, mode } });
    }
    next = row.mode === "bulk" ? await runBulk(row, source) : await runPages(row, source);
  } catch (e) {
    log.warn("backfill chunk failed", { error: e, backfillId: id });
    if (e instanceof ShopifyReadError) await fail(id, e.message);
    else {
      // Network, Shopify 5xx, a database hiccup: the next chunk goes on from the saved cursor.
      await db().backfill.updateMany({ where: { id, status: "running" }, data: { lastError: (e as Error).message.slice(0, 500) } });
      next = { again: true, delayMs: RETRY_MS };
    }
  } finally {
    await db().backfill.updateMany({ where: { id }, data: { leaseUntil: null } });
  }
  const after = await db().backfill.findUnique({ where: { id }, select: { status: true } });
  if (next.again && after?.status === "running") await enqueueBackfill(id, next.delayMs ?? 0);
}

/** For the sweeper: running backfills nobody holds and nobody touched lately (their chunk job was lost). */
export async function sweepBackfills(now = Date.now()): Promise<number> {
  const lost = await db().backfill.findMany({
    where: { status: "running", OR: [{ leaseUntil: null }, { leaseUntil: { lt: new Date(now) } }], updatedAt: { lt: new Date(now - env().SWEEPER_STALE_MS) } },
    select: { id: true },
    take: 100,
  });
  for (const b of lost) await enqueueBackfill(b.id);
  if (lost.length) log.info("sweeper restarted backfills whose chunk was lost", { count: lost.length });
  return lost.length;
}
