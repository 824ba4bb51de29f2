import { randomUUID } from "node:crypto";
import { db, isUniqueViolation } from "~/db.server";
import { targetFor } from "./target.server";
import { editedSince } from "~/domain/edits";
import { z } from "zod";
import { customerGid, shopifyCustomerSchema } from "~/domain/customer";
import { productGid, shopifyProductSchema } from "~/domain/product";
import { mappingSettingsSchema, settingsFromShop, type MappingSettings } from "~/domain/settings";
import { describeIssues, shopifyOrderSchema, type ShopifyOrder } from "~/domain/shopify-order";
import { orderGidOf, shopifyRefundSchema } from "~/domain/shopify-refund";
import { log, withContext } from "~/lib/log.server";
import { enqueue } from "~/queue/queues.server";
import type { VerifiedWebhook } from "./webhook-request.server";

// Webhook → outbox. In ONE transaction: record the delivery (unique per shop and event id, which
// is where duplicates stop) and the SyncJob rows it implies (unique per shop, provider, kind and
// subject, which is where the same order arriving by two topics stops). Only after the commit is
// the delivery acknowledged and the Bull jobs added. Nothing here talks to an accounting system.

export const ORDER_TOPICS = ["orders/create", "orders/paid", "orders/updated", "orders/cancelled", "refunds/create"] as const;
/** Customers and products kept in step: each topic's family, and what its jobs are. */
const REGISTERS: Record<string, { kind: "customer" | "product"; enabled: (s: MappingSettings) => boolean; gid: (id: number) => string; schema: z.ZodType<{ id: number; updated_at?: string | null }> }> = {
  customers: { kind: "customer", enabled: (s) => s.customers.sync, gid: customerGid, schema: shopifyCustomerSchema },
  products: { kind: "product", enabled: (s) => s.products.sync, gid: productGid, schema: shopifyProductSchema },
};
export const REGISTER_TOPICS = ["customers/create", "customers/update", "customers/delete", "products/create", "products/update", "products/delete"] as const;

const ENQUEUE_WAIT_MS = 1_000;

export type InvoiceTrigger = "created" | "paid" | "fulfilled";

export interface IngestResult {
  duplicate: boolean;
  jobIds: string[];
}

/** Does this order event mean the order should now be invoiced, under the shop's trigger? */
export function impliesInvoice(topic: string, order: ShopifyOrder, trigger: InvoiceTrigger): boolean {
  if (order.cancelled_at || order.test) return false;
  switch (trigger) {
    case "created":
      return topic === "orders/create" || topic === "orders/updated" || topic === "orders/paid";
    case "paid":
      return topic === "orders/paid" || (topic === "orders/updated" && order.financial_status === "paid");
    case "fulfilled":
      return topic === "orders/updated" && order.fulfillment_status === "fulfilled";
  }
}

export class PayloadError extends Error {}

interface PlannedJob {
  provider: string;
  kind: "order" | "invoice" | "payment" | "credit" | "cancel" | "edit" | "customer" | "product";
  subjectId: string;
  /** The order the job belongs to; null for customers and products. */
  orderId: string | null;
  subjectName: string;
  payload: string;
  paused: boolean;
}

type JobSpec = Omit<PlannedJob, "provider" | "paused">;

/** Is the order settled, so its payments can be registered? */
const isPaid = (topic: string, order: ShopifyOrder) =>
  topic === "orders/paid" || (topic === "orders/updated" && order.financial_status === "paid");

function parseOrder(hook: VerifiedWebhook): ShopifyOrder {
  const parsed = shopifyOrderSchema.safeParse(hook.payload);
  if (!parsed.success) throw new PayloadError(`${hook.topic} payload is not an order we can read: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * Is this payload older than the newest one the order's invoice or edits were booked from? Shopify
 * delivers out of order (and echoes our own writes late): an old state must not look like an edit.
 */
async function isStale(shop: string, orderId: string, order: ShopifyOrder): Promise<boolean> {
  if (!order.updated_at) return false;
  const booked = await db().syncJob.findMany({ where: { shop, orderId, kind: { in: ["invoice", "order", "edit"] } }, select: { payload: true } });
  const seen = booked.map((j) => Date.parse((JSON.parse(j.payload) as { updated_at?: string }).updated_at ?? "")).filter(Number.isFinite);
  return seen.length > 0 && Date.parse(order.updated_at) <= Math.max(...seen);
}

/** Stored settings that do not parse stop at the runner, with the reason; plan on the defaults. */
function planningSettings(shop: { settings: string | null } | null) {
  const configured = settingsFromShop(shop);
  return configured.ok ? configured.settings : mappingSettingsSchema.parse({});
}

/** What a delivery asks of the accounting system, under the shop's settings. */
async function specsFor(hook: VerifiedWebhook, shop: { invoiceTrigger: string; settings: string | null } | null): Promise<{ subjectId?: string; specs: JobSpec[] }> {
  const settings = planningSettings(shop);
  const payload = JSON.stringify(hook.payload);

  if (hook.topic === "refunds/create") {
    const parsed = shopifyRefundSchema.safeParse(hook.payload);
    if (!parsed.success) throw new PayloadError(`refunds/create payload is not a refund we can read: ${describeIssues(parsed.error)}`);
    const refund = parsed.data;
    const orderId = orderGidOf(refund);
    if (!settings.flows.refunds) return { subjectId: refund.admin_graphql_api_id, specs: [] };
    const invoiceJob = await db().syncJob.findFirst({ where: { shop: hook.shop, kind: "invoice", subjectId: orderId }, select: { subjectName: true } });
    const name = `${invoiceJob?.subjectName ?? `order ${refund.order_id}`} refund ${refund.id}`;
    return { subjectId: refund.admin_graphql_api_id, specs: [{ kind: "credit", subjectId: refund.admin_graphql_api_id, orderId, subjectName: name, payload }] };
  }

  const order = parseOrder(hook);
  const subjectId = order.admin_graphql_api_id;
  const base = { subjectId, orderId: subjectId, subjectName: order.name, payload };
  if (hook.topic === "orders/cancelled") {
    return { subjectId, specs: settings.flows.cancellations && !order.test ? [{ ...base, kind: "cancel" }] : [] };
  }
  const specs: JobSpec[] = [];
  // A stale delivery (an older orders/paid) that arrives after the order was cancelled books nothing.
  if (await db().syncJob.findFirst({ where: { shop: hook.shop, kind: "cancel", subjectId }, select: { id: true } })) return { subjectId, specs };
  const trigger = (shop?.invoiceTrigger ?? "paid") as InvoiceTrigger;
  // Orders switched off: nothing is booked for new orders, so there is nothing to pay or edit either.
  if (!settings.flows.orders) return { subjectId, specs };
  if (settings.document === "order") {
    // The Fortnox order at the shop's trigger; its invoice when Shopify has fulfilled the order.
    if (impliesInvoice(hook.topic, order, trigger)) specs.push({ ...base, kind: "order" });
    if (impliesInvoice(hook.topic, order, "fulfilled")) specs.push({ ...base, kind: "order" }, { ...base, kind: "invoice" });
  } else if (impliesInvoice(hook.topic, order, trigger)) specs.push({ ...base, kind: "invoice" });
  if (settings.flows.payments && settings.bookkeeping === "booked" && !order.cancelled_at && !order.test && isPaid(hook.topic, order)) {
    specs.push({ ...base, kind: "payment" });
  }
  if (hook.topic === "orders/updated" && !order.cancelled_at && !order.test) {
    // Edited after booking? Each distinct edited state is one job, so repeats of the same update
    // (and our own write-back's echo) add nothing.
    const link = await db().documentLink.findFirst({ where: { shop: hook.shop, kind: "invoice", shopifyId: subjectId, document: { not: null } } });
    const check = link && !(await isStale(hook.shop, subjectId, order)) ? editedSince(order, JSON.parse(link.document!), settings) : { edited: false as const };
    if (check.edited) specs.push({ ...base, kind: "edit", subjectId: `${subjectId}/edit/${check.fingerprint}` });
  }
  return { subjectId, specs };
}

/**
 * A customer's or product's change as one job per state (create and update carry updated_at),
 * so a repeated delivery adds nothing and the job knows which state it writes; a deletion
 * deactivates.
 */
function registerSpecs(hook: VerifiedWebhook, shop: { settings: string | null } | null): { subjectId?: string; specs: JobSpec[] } {
  const [family, action] = hook.topic.split("/");
  const register = REGISTERS[family!]!;
  const id = (hook.payload as { id?: unknown } | null)?.id;
  const subjectId = typeof id === "number" ? register.gid(id) : undefined;
  // Off: recorded, nothing to do, and nothing refused (the payload is not ours to judge then).
  if (!register.enabled(planningSettings(shop))) return { subjectId, specs: [] };
  const parsed = (action === "delete" ? z.object({ id: z.number().int().positive() }) : register.schema).safeParse(hook.payload);
  if (!parsed.success) throw new PayloadError(`${hook.topic} payload is not a ${register.kind} we can read: ${describeIssues(parsed.error)}`);
  const gid = register.gid(parsed.data.id);
  const version = action === "delete" ? "deleted" : (parsed.data as { updated_at?: string | null }).updated_at ?? hook.eventId;
  return { subjectId: gid, specs: [{ kind: register.kind, subjectId: `${gid}@${version}`, orderId: null, subjectName: `${register.kind} ${parsed.data.id}`, payload: JSON.stringify(hook.payload) }] };
}

async function planJobs(hook: VerifiedWebhook): Promise<{ subjectId?: string; jobs: PlannedJob[] }> {
  const isRegister = (REGISTER_TOPICS as readonly string[]).includes(hook.topic);
  if (!isRegister && !(ORDER_TOPICS as readonly string[]).includes(hook.topic)) return { jobs: [] };
  const shop = await db().shop.findUnique({ where: { shop: hook.shop } });
  const { subjectId, specs } = isRegister ? registerSpecs(hook, shop) : await specsFor(hook, shop);
  if (!specs.length) return { subjectId, jobs: [] };

  // One system per order: where its earlier jobs went, else the shop's target (customers go to
  // the target). Kept (paused) until the merchant connects it.
  const target = shop?.defaultProvider ?? "fortnox";
  const orderId = specs[0].orderId;
  const provider = orderId ? await targetFor(hook.shop, orderId, target) : target;
  const connection = await db().connection.findUnique({ where: { shop_provider: { shop: hook.shop, provider } }, select: { status: true } });
  return { subjectId, jobs: specs.map((spec) => ({ ...spec, provider, paused: connection?.status !== "active" })) };
}

export async function ingestWebhook(hook: VerifiedWebhook): Promise<IngestResult> {
  const correlationId = randomUUID();
  return withContext({ correlationId, shop: hook.shop }, async () => {
    const plan = await planJobs(hook);
    for (let tries = 0; ; tries++) {
      try {
        const jobIds = await db().$transaction(async (tx) => {
          await tx.webhookEvent.create({
            data: {
              shop: hook.shop, topic: hook.topic, eventId: hook.eventId, webhookId: hook.webhookId,
              triggeredAt: hook.triggeredAt, subjectId: plan.subjectId, correlationId, jobsCreated: 0,
            },
          });
          const created: { id: string; paused: boolean }[] = [];
          for (const job of plan.jobs) {
            const key = { shop: hook.shop, provider: job.provider, kind: job.kind, subjectId: job.subjectId };
            if (await tx.syncJob.findUnique({ where: { shop_provider_kind_subjectId: key }, select: { id: true } })) continue;
            const row = await tx.syncJob.create({
              data: {
                ...key, orderId: job.orderId, subjectName: job.subjectName, payload: job.payload, correlationId,
                status: job.paused ? "paused" : "pending",
                ...(job.paused ? { lastError: `connect ${job.provider} to book this order`, lastErrorCode: "not_connected" } : {}),
              },
            });
            created.push({ id: row.id, paused: job.paused });
          }
          if (created.length) {
            await tx.webhookEvent.update({
              where: { shop_eventId: { shop: hook.shop, eventId: hook.eventId } },
              data: { jobsCreated: created.length },
            });
          }
          return created.filter((c) => !c.paused).map((c) => c.id);
        });
        log.info("webhook recorded", { topic: hook.topic, webhookId: hook.webhookId, jobs: jobIds.length });
        // Shopify gives us 5 s. A Redis that does not answer must not hold the 200 back: the jobs
        // are committed, and the sweeper enqueues whatever this did not.
        await Promise.race([enqueue(jobIds), new Promise((r) => setTimeout(r, ENQUEUE_WAIT_MS))]);
        return { duplicate: false, jobIds };
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        const seen = await db().webhookEvent.findUnique({ where: { shop_eventId: { shop: hook.shop, eventId: hook.eventId } } });
        if (seen) {
          log.info("duplicate webhook ignored", { topic: hook.topic, webhookId: hook.webhookId });
          return { duplicate: true, jobIds: [] };
        }
        // Another event created the same SyncJob between our check and insert: go again, it now exists.
        if (tries >= 3) throw e;
      }
    }
  });
}
