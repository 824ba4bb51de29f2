import { db, isUniqueViolation } from "~/db.server";
import { log } from "~/lib/log.server";

// Alerts: what the merchant must know without opening the app. A job that ended in a problem
// (failed after its last retry, needs action, needs review) raises one alert per shop, system and
// cause; more orders failing the same way count on it. A lost connection raises one per system.
// Both resolve by themselves: when no job is left failing with that cause, when the connection is
// active again. The numbers are recounted from the jobs, the truth, never incremented blindly.
// E-mails are sent later by the worker (alert-mail.server.ts); here only the database changes.

export type AlertKind = "job_failed" | "connection_lost";

/** Terminal problems: a job in one of these stays until a person acts. Retrying is not one. */
const PROBLEMS = ["failed", "needs_action", "needs_review"];
const RECENT_ORDERS = 20;

const causeOf = (job: { status: string; lastErrorCode: string | null }) => job.lastErrorCode ?? job.status;
const dedupKey = (kind: AlertKind, provider: string, cause: string) => `${kind}:${provider}:${cause}`;

interface Affected {
  count: number;
  names: string[];
  jobStatus: string | null;
}

/** Opens the alert (or re-opens it, which makes it e-mail-worthy again) and marks it seen now. */
async function raise(shop: string, kind: AlertKind, provider: string, cause: string, jobStatus: string | null) {
  const key = dedupKey(kind, provider, cause);
  const now = new Date();
  const where = { shop_dedupKey: { shop, dedupKey: key } };
  const existing = await db().alert.findUnique({ where, select: { resolvedAt: true } });
  if (!existing) {
    try {
      await db().alert.create({ data: { shop, kind, provider, cause, dedupKey: key, jobStatus, firstSeenAt: now, lastSeenAt: now } });
      return;
    } catch (e) {
      // Another worker opened it a moment ago: count on theirs.
      if (!isUniqueViolation(e)) throw e;
    }
  } else if (existing.resolvedAt) {
    await db().alert.updateMany({ where: { shop, dedupKey: key, resolvedAt: { not: null } }, data: { resolvedAt: null, firstSeenAt: now, emailedAt: null, emailedTo: null } });
  }
  await db().alert.update({ where, data: { lastSeenAt: now, ...(jobStatus ? { jobStatus } : {}) } });
}

/** The shop's jobs in a terminal problem with this system, by cause: orders affected, newest first. */
async function failingByCause(shop: string, provider: string): Promise<Map<string, Affected>> {
  const jobs = await db().syncJob.findMany({
    where: { shop, provider, status: { in: PROBLEMS } },
    select: { status: true, lastErrorCode: true, orderId: true, subjectId: true, subjectName: true },
    orderBy: { updatedAt: "desc" },
  });
  return affectedBy(jobs, causeOf);
}

function affectedBy<J extends { status: string; orderId: string | null; subjectId: string; subjectName: string | null }>(jobs: J[], group: (j: J) => string) {
  const byCause = new Map<string, Affected & { orders: Set<string> }>();
  for (const job of jobs) {
    const cause = group(job);
    const entry = byCause.get(cause) ?? { count: 0, names: [], jobStatus: job.status, orders: new Set<string>() };
    const order = job.orderId ?? job.subjectId;
    if (!entry.orders.has(order)) {
      entry.orders.add(order);
      entry.count++;
      if (entry.names.length < RECENT_ORDERS && job.subjectName) entry.names.push(job.subjectName);
    }
    byCause.set(cause, entry);
  }
  return byCause;
}

/** Orders paused because the system's connection is lost. */
async function pausedOrders(shop: string, provider: string): Promise<Affected> {
  const jobs = await db().syncJob.findMany({
    where: { shop, provider, status: "paused" },
    select: { status: true, orderId: true, subjectId: true, subjectName: true },
    orderBy: { updatedAt: "desc" },
  });
  return affectedBy(jobs, () => "paused").get("paused") ?? { count: 0, names: [], jobStatus: null };
}

/** Brings the shop's open alerts for one system in line with its jobs; job alerts with none left resolve. */
async function recount(shop: string, provider: string) {
  const open = await db().alert.findMany({ where: { shop, provider, resolvedAt: null } });
  if (!open.length) return;
  const failing = open.some((a) => a.kind === "job_failed") ? await failingByCause(shop, provider) : new Map<string, Affected>();
  const paused = open.some((a) => a.kind === "connection_lost") ? await pausedOrders(shop, provider) : null;
  for (const alert of open) {
    const affected = alert.kind === "connection_lost" ? paused : failing.get(alert.cause);
    if (!affected) {
      await db().alert.updateMany({ where: { id: alert.id, resolvedAt: null }, data: { resolvedAt: new Date() } });
      log.info("alert resolved", { kind: alert.kind, provider, cause: alert.cause });
      continue;
    }
    await db().alert.update({
      where: { id: alert.id },
      data: { orderCount: affected.count, orderNames: JSON.stringify(affected.names), lastOrder: affected.names[0] ?? alert.lastOrder },
    });
  }
}

/** Never lets alert bookkeeping fail what called it: a job's outcome or a connection matters more. */
async function quietly(what: string, fn: () => Promise<void>) {
  try {
    await fn();
  } catch (e) {
    log.warn(`alert bookkeeping failed: ${what}`, { error: e });
  }
}

/** The runner settled a job: a terminal problem raises its alert; any outcome may resolve others. */
export const jobSettled = (syncJobId: string) =>
  quietly("job settled", async () => {
    const job = await db().syncJob.findUnique({ where: { id: syncJobId }, select: { shop: true, provider: true, status: true, lastErrorCode: true } });
    if (!job) return;
    if (PROBLEMS.includes(job.status)) await raise(job.shop, "job_failed", job.provider, causeOf(job), job.status);
    await recount(job.shop, job.provider);
  });

/** A connection became reauth_required (refused, or its refresh failed). */
export const connectionLost = (connection: { shop: string; provider: string }) =>
  quietly("connection lost", async () => {
    await raise(connection.shop, "connection_lost", connection.provider, "reauth_required", null);
    await recount(connection.shop, connection.provider);
  });

/** The connection is active again (reconnected), or the merchant disconnected it on purpose. */
export const connectionRestored = (shop: string, provider: string) =>
  quietly("connection restored", async () => {
    const resolved = await db().alert.updateMany({ where: { shop, provider, kind: "connection_lost", resolvedAt: null }, data: { resolvedAt: new Date() } });
    if (resolved.count) log.info("alert resolved", { kind: "connection_lost", provider });
  });

/** The sweeper's tick: counts follow jobs that changed outside the runner (replayed, paused since, redacted). */
export async function refreshOpenAlerts(): Promise<void> {
  const scopes = await db().alert.findMany({ where: { resolvedAt: null }, distinct: ["shop", "provider"], select: { shop: true, provider: true }, take: 1000 });
  for (const s of scopes) await quietly("refresh", () => recount(s.shop, s.provider));
}

export interface OpenAlert {
  id: string;
  kind: AlertKind;
  provider: string;
  cause: string;
  /** job_failed: failed | needs_action | needs_review. */
  jobStatus: string | null;
  count: number;
  lastOrder: string | null;
  orders: string[];
  firstSeenAt: string;
  lastSeenAt: string;
  /** For translate(): the banner's title, then a line on what it means for the merchant. */
  messageKey: string;
  detailKey: string;
  params: { count: number; provider: string; cause: string };
}

/** What the admin's banner shows: the shop's open alerts, lost connections first. */
export async function openAlerts(shop: string): Promise<OpenAlert[]> {
  const rows = await db().alert.findMany({ where: { shop, resolvedAt: null }, orderBy: { lastSeenAt: "desc" } });
  return rows
    .map((a): OpenAlert => ({
      id: a.id,
      kind: a.kind as AlertKind,
      provider: a.provider,
      cause: a.cause,
      jobStatus: a.jobStatus,
      count: a.orderCount,
      lastOrder: a.lastOrder,
      orders: a.orderNames ? (JSON.parse(a.orderNames) as string[]) : [],
      firstSeenAt: a.firstSeenAt.toISOString(),
      lastSeenAt: a.lastSeenAt.toISOString(),
      messageKey: `alerts.${a.kind}.title`,
      detailKey: a.kind === "connection_lost" ? "alerts.connection_lost.hint" : `alerts.status.${a.jobStatus ?? "failed"}`,
      params: { count: a.orderCount, provider: a.provider, cause: a.cause },
    }))
    .sort((x, y) => Number(y.kind === "connection_lost") - Number(x.kind === "connection_lost"));
}
