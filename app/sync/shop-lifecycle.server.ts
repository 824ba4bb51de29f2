import { customerGid } from "~/domain/customer";
import { db } from "~/db.server";
import { log } from "~/lib/log.server";
import { resumePausedJobs } from "./replay.server";

// Install, uninstall and the three compliance requests. Accounting documents already in the
// merchant's books are theirs to keep (Swedish bookkeeping law); what Kontera holds is minimised.

export async function onInstalled(shop: string): Promise<void> {
  await db().shop.upsert({ where: { shop }, create: { shop }, update: { uninstalledAt: null } });
  // A reinstall picks up where the uninstall paused.
  const paused = await db().connection.findMany({ where: { shop, status: "paused" } });
  for (const c of paused) {
    await db().connection.update({ where: { id: c.id }, data: { status: "active", lastError: null } });
    await resumePausedJobs(shop, c.provider);
  }
}

export async function onUninstalled(shop: string): Promise<void> {
  await db().$transaction([
    db().session.deleteMany({ where: { shop } }),
    db().connection.updateMany({ where: { shop, status: "active" }, data: { status: "paused", lastError: "app uninstalled" } }),
    db().syncJob.updateMany({
      where: { shop, status: { in: ["pending", "retrying", "running"] } },
      data: { status: "paused", lastError: "app uninstalled", lastErrorCode: "uninstalled" },
    }),
    db().shop.updateMany({ where: { shop }, data: { uninstalledAt: new Date() } }),
  ]);
  log.info("shop uninstalled: sessions removed, connections and jobs paused");
}

const orderGid = (id: number | string) => `gid://shopify/Order/${id}`;

function redactDocument(json: string): string {
  const doc = JSON.parse(json);
  if (!doc || typeof doc !== "object" || !doc.customer) return json;
  const { type, currency, regime } = doc.customer;
  return JSON.stringify({ ...doc, customer: { key: "redacted", type, name: "redacted", currency, regime } });
}

/** customers/redact: drop our copies of the customer's data; the books keep theirs. */
export async function redactCustomer(shop: string, payload: { customer?: { id?: number; email?: string | null }; orders_to_redact?: number[] }) {
  const orders = (payload.orders_to_redact ?? []).map(orderGid);
  const keys = [payload.customer?.id ? `shopify:${payload.customer.id}` : null, payload.customer?.email ? `email:${payload.customer.email.toLowerCase()}` : null].filter(Boolean) as string[];
  // The customer's own jobs (the register sync) hold the customer as Shopify sent it.
  const ofCustomer = payload.customer?.id ? [{ subjectId: { startsWith: `${customerGid(payload.customer.id)}@` } }] : [];
  const ofOrders = { OR: [{ subjectId: { in: orders } }, { orderId: { in: orders } }, ...ofCustomer] };
  // Booked documents keep their rows and accounts (credits mirror them), not who bought.
  const links = await db().documentLink.findMany({ where: { shop, orderId: { in: orders }, document: { not: null } }, select: { id: true, document: true } });
  await db().$transaction([
    db().syncJob.updateMany({
      where: { shop, ...ofOrders, status: { in: ["pending", "retrying", "waiting", "paused", "failed", "needs_action"] } },
      data: { status: "needs_action", lastError: "customer data redacted at the customer's request", lastErrorCode: "redacted" },
    }),
    db().syncJob.updateMany({ where: { shop, ...ofOrders }, data: { payload: JSON.stringify({ redacted: true }) } }),
    ...links.map((l) => db().documentLink.update({ where: { id: l.id }, data: { document: redactDocument(l.document!) } })),
    // The link per currency and VAT regime too (shopify:<id>:EUR, …:eu_oss).
    db().entityMap.deleteMany({ where: { shop, kind: "customer", OR: [{ localKey: { in: keys } }, ...keys.map((k) => ({ localKey: { startsWith: `${k}:` } }))] } }),
    // A mapping test keeps the whole order as Shopify sent it: it goes, the merchant can save another.
    db().mappingTest.deleteMany({ where: { shop, orderId: { in: orders } } }),
  ]);
  log.info("customer data redacted", { orders: orders.length });
}

/** shop/redact (48 h after uninstall): remove everything Kontera holds for the shop. */
export async function redactShop(shop: string): Promise<void> {
  await db().$transaction([
    db().syncJob.deleteMany({ where: { shop } }),
    db().documentLink.deleteMany({ where: { shop } }),
    db().entityMap.deleteMany({ where: { shop } }),
    db().connection.deleteMany({ where: { shop } }),
    db().oAuthState.deleteMany({ where: { shop } }),
    db().session.deleteMany({ where: { shop } }),
    db().webhookEvent.deleteMany({ where: { shop } }),
    db().alert.deleteMany({ where: { shop } }),
    db().mappingTest.deleteMany({ where: { shop } }),
    db().backfill.deleteMany({ where: { shop } }),
    db().shop.deleteMany({ where: { shop } }),
  ]);
  log.info("shop data deleted");
}
