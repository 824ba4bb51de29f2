import { db } from "~/db.server";
import type { Provider } from "~/connectors/types";
import { env } from "~/env.server";
import { withLock } from "~/lib/lock.server";
import { log } from "~/lib/log.server";
import { redis } from "~/lib/redis.server";
import { enqueue } from "~/queue/queues.server";

// Which accounting system an order is booked in. A shop books new orders into one system at a
// time (Shop.defaultProvider, its target). An order stays with the system its jobs went to: its
// refunds, payments and cancellation are booked where its invoice is, never in both. Switching
// the target asks what to do with the orders the old one has not started on: move them, keep
// them where they are, or book them nowhere (cancel).

export const SWITCH_CHOICES = ["move", "keep", "cancel"] as const;
export type SwitchChoice = (typeof SWITCH_CHOICES)[number];

const OPEN = ["pending", "retrying", "paused", "failed", "needs_action", "waiting"];
const PROVIDER_NAMES: Record<string, string> = { fortnox: "Fortnox", visma: "Visma" };
export const providerName = (p: string) => PROVIDER_NAMES[p] ?? p;

/** The shop's target, and whether it was ever connected (a connection row exists, of any status). */
export async function currentTarget(shop: string): Promise<{ target: string; everConnected: boolean }> {
  const target = (await db().shop.findUnique({ where: { shop }, select: { defaultProvider: true } }))?.defaultProvider ?? "fortnox";
  const everConnected = !!(await db().connection.findUnique({ where: { shop_provider: { shop, provider: target } }, select: { id: true } }));
  return { target, everConnected };
}

/** The system this order's new jobs go to: where its earlier jobs went, else the shop's target. */
export async function targetFor(shop: string, orderId: string, shopTarget: string): Promise<string> {
  const earlier = await db().syncJob.findFirst({ where: { shop, orderId }, orderBy: { createdAt: "asc" }, select: { provider: true } });
  return earlier?.provider ?? shopTarget;
}

/**
 * Orders `provider` holds but has not started on: every job of theirs is open and still "new"
 * (nothing sent), and none has a document there. An order with anything sent stays.
 */
export async function unstartedOrders(shop: string, provider: string): Promise<string[]> {
  // Candidates first (orders with an unsent open job), so a shop's years of booked orders are not read.
  const open = await db().syncJob.findMany({ where: { shop, provider, status: { in: OPEN }, phase: "new" }, select: { orderId: true, subjectId: true } });
  const candidates = [...new Set(open.map((j) => j.orderId ?? j.subjectId))];
  if (!candidates.length) return [];
  const [started, linked] = await Promise.all([
    db().syncJob.findMany({ where: { shop, provider, orderId: { in: candidates }, OR: [{ status: { notIn: OPEN } }, { phase: { not: "new" } }] }, select: { orderId: true } }),
    db().documentLink.findMany({ where: { shop, provider, orderId: { in: candidates } }, select: { orderId: true } }),
  ]);
  const stays = new Set([...started, ...linked].map((x) => x.orderId));
  return candidates.filter((order) => !stays.has(order));
}

/** Runs `fn` holding every one of `ids`' job locks, so no worker starts one of them meanwhile. */
async function holdingJobs<T>(ids: string[], fn: () => Promise<T>): Promise<T> {
  if (!ids.length) return fn();
  const lockMs = env().SYNC_LOCK_MS;
  return withLock(redis(), `lock:job:${ids[0]}`, () => holdingJobs(ids.slice(1), fn), { ttlMs: lockMs, waitMs: lockMs * 2 });
}

/**
 * Moves (or cancels) one order's jobs as a whole, holding their locks: if any of them has
 * started meanwhile, the order stays where it is, so it is never booked in both.
 */
async function takeOrder(shop: string, orderId: string, from: string, to: Provider, choice: "move" | "cancel", toActive: boolean): Promise<{ taken: boolean; enqueue: string[] }> {
  const where = { shop, provider: from, OR: [{ orderId }, { subjectId: orderId }] };
  const ids = (await db().syncJob.findMany({ where, select: { id: true }, orderBy: { id: "asc" } })).map((j) => j.id);
  return holdingJobs(ids, () => db().$transaction(async (tx) => {
    const jobs = await tx.syncJob.findMany({ where });
    const linked = await tx.documentLink.count({ where: { shop, provider: from, orderId } });
    if (linked || jobs.some((j) => !OPEN.includes(j.status) || j.phase !== "new")) return { taken: false, enqueue: [] };
    const reason = choice === "move" ? `moved to ${providerName(to)}` : `not booked: the merchant switched to ${providerName(to)}`;
    await tx.syncJob.updateMany({ where: { id: { in: jobs.map((j) => j.id) } }, data: { status: "cancelled", lastError: reason, lastErrorCode: "target_switched", finishedAt: new Date() } });
    const enqueueIds: string[] = [];
    if (choice === "move") {
      for (const { id: _id, createdAt: _c, updatedAt: _u, ...job } of jobs) {
        const status = job.status === "waiting" ? "waiting" : toActive ? "pending" : "paused";
        const data = { ...job, provider: to, status, attempts: 0, lastError: null, lastErrorCode: null, finishedAt: null, enqueuedAt: new Date() };
        // Moved there and back: the job it left behind then is taken up again.
        const moved = await tx.syncJob.upsert({ where: { shop_provider_kind_subjectId: { shop, provider: to, kind: job.kind, subjectId: job.subjectId } }, create: data, update: data });
        if (status === "pending") enqueueIds.push(moved.id);
      }
    }
    return { taken: true, enqueue: enqueueIds };
  }));
}

/** Makes `to` the shop's target and does `choice` with what `from` had not started on. */
export async function switchTarget(shop: string, from: string, to: Provider, choice: SwitchChoice): Promise<{ moved: number; cancelled: number }> {
  await db().shop.upsert({ where: { shop }, create: { shop, defaultProvider: to }, update: { defaultProvider: to } });
  let taken = 0;
  if (from !== to && choice !== "keep") {
    const toActive = (await db().connection.findUnique({ where: { shop_provider: { shop, provider: to } } }))?.status === "active";
    for (const orderId of await unstartedOrders(shop, from)) {
      const result = await takeOrder(shop, orderId, from, to, choice, toActive);
      if (result.taken) taken++;
      await enqueue(result.enqueue);
    }
  }
  const result = { moved: choice === "move" ? taken : 0, cancelled: choice === "cancel" ? taken : 0 };
  log.info("accounting target switched", { shop, from, to, choice, ...result });
  return result;
}
