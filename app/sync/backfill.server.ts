import type { Backfill } from "@prisma/client";
import { db } from "~/db.server";
import { ORDER_WINDOW_DAYS, progressOf, rangeIn } from "~/domain/backfill";
import { enqueueBackfill } from "~/queue/queues.server";
import { log } from "~/lib/log.server";
import type { RegisterSubject } from "~/domain/graphql-register";
import { cancelBulk } from "~/shopify/bulk-operations.server";
import { shopTimezone } from "~/shopify/order-reads.server";
import { PROBLEM_STATUSES } from "./causes";
import { jobSettings } from "./jobs/context.server";
import { IN_FLIGHT } from "./overview.server";

// Backfill, as the merchant drives it: book the orders of a date range that came before Kontera
// (or that webhooks missed). Start refuses what cannot work (an overlapping run, history beyond
// Shopify's 60 days without read_all_orders); pause, resume and cancel only change the row's
// status, which the worker reads before every page (backfill-run.server.ts).

/** A refusal for the merchant: a message key of app/i18n/messages/backfill.ts and its values. */
export class BackfillError extends Error {
  constructor(readonly key: string, readonly params: Record<string, string | number> = {}, readonly status = 409) {
    super(key);
  }
}

const ACTIVE = ["running", "paused"];

export async function startBackfill(shop: string, input: { from: string; to: string; grantedScopes: string | undefined }, now = new Date()): Promise<Backfill> {
  if (input.from > input.to) throw new BackfillError("backfill.error.order", {}, 400);
  const today = now.toISOString().slice(0, 10);
  if (input.from > today) throw new BackfillError("backfill.error.future", {}, 400);
  const toDay = input.to > today ? today : input.to;
  const range = rangeIn(input.from, toDay, await shopTimezone(shop));
  const scopes = (input.grantedScopes ?? "").split(",").map((s) => s.trim());
  if (range.from.getTime() < now.getTime() - ORDER_WINDOW_DAYS * 86_400_000 && !scopes.includes("read_all_orders")) {
    // Shopify would silently leave the older orders out: say so instead of booking half a range.
    throw new BackfillError("backfill.error.scope", { days: ORDER_WINDOW_DAYS }, 400);
  }
  const overlapping = await db().backfill.findFirst({
    where: { shop, subject: "orders", status: { in: ACTIVE }, rangeFrom: { lte: range.to }, rangeTo: { gte: range.from } },
  });
  if (overlapping) throw new BackfillError("backfill.error.overlap");
  const row = await db().backfill.create({
    data: { shop, fromDay: input.from, toDay, rangeFrom: range.from, rangeTo: range.to, status: "running", runningSince: now, seenAtRunningSince: 0 },
  });
  await enqueueBackfill(row.id);
  return row;
}

/**
 * The initial import of a whole register (every customer or product in Shopify), written through
 * the register's own jobs: only while its sync is on, one run per register at a time.
 */
export async function startImport(shop: string, subject: RegisterSubject, now = new Date()): Promise<Backfill> {
  const settings = await jobSettings(shop).catch(() => null);
  if (!settings?.[subject].sync) throw new BackfillError("import.error.off", {}, 400);
  if (await db().backfill.findFirst({ where: { shop, subject, status: { in: ACTIVE } } })) throw new BackfillError("import.error.running");
  const day = now.toISOString().slice(0, 10);
  const row = await db().backfill.create({
    data: { shop, subject, fromDay: day, toDay: day, rangeFrom: new Date(0), rangeTo: now, status: "running", runningSince: now, seenAtRunningSince: 0 },
  });
  await enqueueBackfill(row.id);
  return row;
}

async function transition(shop: string, id: string, from: string[], data: Partial<Backfill>): Promise<Backfill> {
  // Scoped by shop: another shop's backfill id is simply not found.
  const updated = await db().backfill.updateMany({ where: { id, shop, status: { in: from } }, data });
  const row = await db().backfill.findFirst({ where: { id, shop } });
  if (!row) throw new BackfillError("backfill.error.missing", {}, 404);
  if (updated.count === 0) throw new BackfillError("backfill.error.state", { status: row.status });
  return row;
}

export const pauseBackfill = (shop: string, id: string) => transition(shop, id, ["running"], { status: "paused" });

export async function resumeBackfill(shop: string, id: string): Promise<Backfill> {
  const row = await db().backfill.findFirst({ where: { id, shop } });
  // A failed bulk operation is started afresh; a failed page read goes on from its cursor.
  const again = await transition(shop, id, ["paused", "failed"], {
    status: "running", runningSince: new Date(), seenAtRunningSince: row?.seen ?? 0, lastError: null, finishedAt: null,
    ...(row?.status === "failed" && row.mode === "bulk" && !row.cursor ? { bulkId: null } : {}),
  });
  await enqueueBackfill(again.id);
  return again;
}

export async function cancelBackfill(shop: string, id: string): Promise<Backfill> {
  const row = await transition(shop, id, ["running", "paused", "failed"], { status: "cancelled", finishedAt: new Date() });
  // A bulk operation still running at Shopify would block the shop's next one: stop it too.
  if (row.mode === "bulk" && row.bulkId) await cancelBulk(shop, row.bulkId).catch((e) => log.warn("could not cancel the bulk operation", { error: e }));
  return row;
}

export interface BackfillView {
  id: string;
  status: string;
  mode: string;
  from: string;
  to: string;
  total: number | null;
  seen: number;
  queued: number;
  skipped: number;
  failed: number;
  percent: number;
  etaSeconds: number | null;
  lastError: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** An import's jobs since it started (customers, products): read is not yet written. */
  written?: { done: number; waiting: number; problems: number };
}

/** The shop's latest backfill of a subject, for the page (null: none yet). */
export async function backfillProgress(shop: string, subject: "orders" | RegisterSubject = "orders", now = Date.now()): Promise<BackfillView | null> {
  const row = await db().backfill.findFirst({ where: { shop, subject }, orderBy: { startedAt: "desc" } });
  if (!row) return null;
  return {
    id: row.id, status: row.status, mode: row.mode,
    from: row.fromDay, to: row.toDay,
    total: row.total, seen: row.seen, queued: row.queued, skipped: row.skipped, failed: row.failed,
    ...progressOf(row, now),
    lastError: row.lastError, startedAt: row.startedAt.toISOString(), finishedAt: row.finishedAt?.toISOString() ?? null,
    ...(subject === "orders" ? {} : { written: await writtenSince(shop, subject === "customers" ? "customer" : "product", row.startedAt) }),
  };
}

/** What the register's jobs have done since the import started: it is only done when they are. */
async function writtenSince(shop: string, kind: string, since: Date): Promise<{ done: number; waiting: number; problems: number }> {
  const byStatus = await db().syncJob.groupBy({ by: ["status"], where: { shop, kind, createdAt: { gte: since } }, _count: { _all: true } });
  const count = (statuses: string[]) => byStatus.filter((g) => statuses.includes(g.status)).reduce((n, g) => n + g._count._all, 0);
  return { done: count(["succeeded"]), waiting: count(IN_FLIGHT), problems: count([...PROBLEM_STATUSES]) };
}
