import { db } from "~/db.server";
import { documentUrl } from "~/connectors/links";
import { backfillTopic } from "~/domain/backfill";
import type { BulkSyncResult, OrderSyncPreview, OrderSyncState, OrderSyncView, SyncOutcome, SyncResult } from "~/domain/order-sync-view";
import { shopifyOrderSchema } from "~/domain/shopify-order";
import { formatDateTime, formatMinor, translate, type Locale } from "~/i18n";
import { causeOf, messageIn } from "./causes";
import { ingestWebhook } from "./ingest.server";
import { findOrder, previewOrder, savedRules } from "./preview.server";
import { replayJobs } from "./replay.server";
import { loadSettings } from "./settings.server";
import { currentTarget, providerName } from "./target.server";

// One order's booking state for Shopify's order page (the admin block, the order action and the
// bulk action in extensions/order-sync), and "Sync now" / "Replay" from there. The shop is always
// the caller's (from the session token); an order id of another shop finds nothing.

const ORDER_GID = /^gid:\/\/shopify\/Order\/(\d{1,20})$/;

/** The order id as the admin gives it (a gid) or as a route carries it (its number). */
export function orderGid(id: string): string | null {
  if (/^\d{1,20}$/.test(id)) return `gid://shopify/Order/${id}`;
  return ORDER_GID.test(id) ? id : null;
}

const STATE_OF_JOB: Record<string, OrderSyncState> = {
  succeeded: "booked",
  pending: "pending", running: "pending", retrying: "pending", waiting: "pending",
  failed: "failed",
  needs_action: "needs_action", paused: "needs_action",
  needs_review: "needs_review",
};
/** Worst first: the order shows the state of its worst job. */
const SEVERITY: OrderSyncState[] = ["failed", "needs_action", "needs_review", "pending", "booked"];
/** A merchant's replay restarts these (needs_review waits for a decision on the failures page). */
const STOPPED = ["failed", "needs_action", "paused"];
const ATTEMPTS_SHOWN = 5;

async function orderRecords(shop: string, gid: string) {
  const [jobs, links] = await Promise.all([
    db().syncJob.findMany({
      where: { shop, orderId: gid },
      orderBy: { createdAt: "asc" },
      include: { history: { orderBy: { number: "desc" }, take: ATTEMPTS_SHOWN } },
    }),
    db().documentLink.findMany({ where: { shop, OR: [{ orderId: gid }, { shopifyId: gid }] }, orderBy: { createdAt: "asc" } }),
  ]);
  return { jobs, links };
}

/** Why Kontera has booked nothing for the order. */
async function notSyncedReason(shop: string, gid: string, jobs: { kind: string; status: string }[], locale: Locale): Promise<{ summary: string; canSync: boolean }> {
  const say = (key: string, params?: Record<string, string>) => translate(locale, `orderSync.notSynced.${key}`, params);
  if (jobs.some((j) => j.status === "cancelled")) return { summary: say("cancelled"), canSync: false };
  const [{ target }, { trigger, settings }] = await Promise.all([currentTarget(shop), loadSettings(shop)]);
  const connection = await db().connection.findUnique({ where: { shop_provider: { shop, provider: target } }, select: { status: true } });
  if (connection?.status !== "active") return { summary: say("not_connected"), canSync: true };
  if (!settings.flows.orders) return { summary: say("orders_off"), canSync: false };
  const received = await db().webhookEvent.findFirst({ where: { shop, subjectId: gid }, select: { id: true } });
  if (received) return { summary: say("not_due", { trigger: translate(locale, `orderSync.trigger.${trigger}`) }), canSync: true };
  return { summary: say("not_received"), canSync: true };
}

export async function orderStatus(shop: string, gid: string, locale: Locale): Promise<OrderSyncView> {
  const { jobs, links } = await orderRecords(shop, gid);
  const t = (key: string, params?: Record<string, string | number>) => translate(locale, key, params);
  const provider = jobs[0]?.provider ?? links[0]?.provider ?? null;
  const counted = jobs.filter((j) => STATE_OF_JOB[j.status]);
  const state = SEVERITY.find((s) => counted.some((j) => STATE_OF_JOB[j.status] === s)) ?? "not_synced";
  const worst = counted.find((j) => STATE_OF_JOB[j.status] === state);
  const notSynced = state === "not_synced" ? await notSyncedReason(shop, gid, jobs, locale) : null;
  const stopped = worst && ["failed", "needs_action", "needs_review"].includes(state) ? worst : null;
  const cause = stopped ? causeOf(stopped.lastErrorCode) : null;
  return {
    orderId: gid,
    name: jobs.find((j) => j.kind === "invoice" || j.kind === "order")?.subjectName ?? jobs[0]?.subjectName ?? null,
    state,
    summary: notSynced?.summary ?? t(`orderSync.summary.${state}`, { provider: providerName(provider ?? "") }),
    provider,
    documents: links.map((l) => ({
      label: t(`kind.${l.kind}`),
      number: l.remoteNumber,
      amount: l.total && l.currency ? `${locale === "sv" ? l.total.replace(".", ",") : l.total} ${l.currency}` : null,
      url: documentUrl(l.provider, l.kind, l.remoteId, l.remoteNumber),
    })),
    attempts: jobs
      .flatMap((j) => j.history.map((a) => ({ job: j, a })))
      .sort((x, y) => y.a.startedAt.getTime() - x.a.startedAt.getTime())
      .slice(0, ATTEMPTS_SHOWN)
      .map(({ job, a }) => ({
        at: formatDateTime(locale, a.startedAt.toISOString()),
        what: t("orderSync.attempt", { kind: t(`kind.${job.kind}`), number: a.number }),
        status: t(`attempt.${a.status}`),
        error: a.error ? messageIn(locale, job.lastErrorCode, a.error) : null,
      })),
    problem: stopped && cause
      ? { message: messageIn(locale, stopped.lastErrorCode, stopped.lastError), explanation: t(`${cause.key}.explain`), fix: t(`${cause.key}.fix`), fixPath: cause.fixAt ?? null }
      : null,
    can: { replay: jobs.some((j) => STOPPED.includes(j.status)), sync: notSynced?.canSync ?? false },
  };
}

async function syncOne(shop: string, gid: string): Promise<SyncOutcome> {
  const { jobs, links } = await orderRecords(shop, gid);
  const stopped = jobs.filter((j) => STOPPED.includes(j.status)).map((j) => j.id);
  if (stopped.length) return (await replayJobs(shop, stopped)) > 0 ? "replayed" : "in_progress";
  if (jobs.some((j) => STATE_OF_JOB[j.status] === "pending" || j.status === "needs_review")) return "in_progress";
  if (jobs.some((j) => j.status === "succeeded") || links.length) return "already_booked";
  // Nothing yet: read the order from Shopify and hand it to the webhook's own ingest, under an id
  // per order state, so a second click (or a webhook arriving meanwhile) books nothing twice.
  const found = await findOrder(shop, gid);
  if (!found) return "not_found";
  const order = shopifyOrderSchema.parse(JSON.parse(found.payload));
  const { trigger } = await loadSettings(shop);
  const eventId = `manual:${gid}:${order.updated_at ?? ""}`;
  await ingestWebhook({ topic: backfillTopic(order, trigger), shop, eventId, webhookId: eventId, apiVersion: "manual", triggeredAt: new Date(), payload: order });
  const after = await db().syncJob.count({ where: { shop, orderId: gid } });
  return after > 0 ? "queued" : "not_due";
}

export async function syncOrder(shop: string, gid: string, locale: Locale): Promise<SyncResult> {
  const outcome = await syncOne(shop, gid);
  const view = outcome === "not_found" ? null : await orderStatus(shop, gid, locale);
  // "Not due" is best said by the order's own reason (the trigger, a switched-off flow).
  const message = outcome === "not_due" && view ? view.summary : translate(locale, `orderSync.outcome.${outcome}`);
  return { outcome, message, view };
}

export async function syncOrders(shop: string, gids: string[], locale: Locale): Promise<BulkSyncResult> {
  const counts: Record<SyncOutcome, number> = { queued: 0, replayed: 0, already_booked: 0, in_progress: 0, not_due: 0, not_found: 0 };
  // One at a time: each may read Shopify, and the throttled client keeps within the cost bucket.
  for (const gid of new Set(gids)) counts[await syncOne(shop, gid)]++;
  return { counts, message: translate(locale, "orderSync.bulk", counts) };
}

/** What Sync now would book: the document under the shop's saved rules, for the action's confirmation. */
export async function syncPreview(shop: string, gid: string, locale: Locale): Promise<OrderSyncPreview> {
  const view = await orderStatus(shop, gid, locale);
  if (!view.can.sync && !view.can.replay) return { view, document: null, issues: [] };
  const context = await savedRules(shop);
  const preview = await previewOrder(shop, gid, context);
  // Saved rules are valid (saving refuses others), so the one way to fail here is a missing order.
  if (!preview.ok) return { view, document: null, issues: [translate(locale, "orderSync.outcome.not_found")] };
  const issues = [
    ...preview.mappingIssues.map((i) => (locale === "sv" ? i.messageSv : i.message)),
    ...preview.issues.filter((i) => i.severity === "error").map((i) => (locale === "sv" ? i.messageSv : i.message)),
  ];
  const doc = preview.document;
  if (!doc) return { view, document: null, issues };
  const money = (minor: number) => formatMinor(locale, minor, doc.currency);
  return {
    view,
    document: {
      title: translate(locale, "orderSync.preview.title", {
        kind: translate(locale, context.settings.document === "order" ? "kind.order" : "kind.invoice"),
        provider: providerName(preview.provider),
        date: doc.date,
      }),
      customer: doc.customer.name,
      rows: doc.rows.map((r) => ({ description: r.description, quantity: String(r.quantity), price: money(r.unitPrice), vat: `${r.vatRate} %` })),
      total: money(doc.total),
      vat: money(doc.vat),
    },
    issues,
  };
}
