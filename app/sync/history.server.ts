import { documentUrl } from "~/connectors/links";
import { db } from "~/db.server";

// Order history: every job an order has (invoice, credits, payments), every attempt of each, and
// the documents they booked, found by the order's name.

const ORDERS_SHOWN = 25;

export interface OrderHistory {
  orderId: string;
  name: string;
  jobs: {
    id: string;
    kind: string;
    provider: string;
    status: string;
    subjectName: string | null;
    lastError: string | null;
    lastErrorCode: string | null;
    attempts: { number: number; status: string; outcome: string | null; error: string | null; apiCalls: number; startedAt: string; finishedAt: string | null }[];
  }[];
  documents: { kind: string; provider: string; remoteNumber: string | null; total: string | null; currency: string | null; url: string | null; createdAt: string }[];
}

/** Shopify writes order names as "#1001"; merchants type "1001" as often as "#1001". */
const nameQuery = (q: string) => q.trim().replace(/^#?/, "#").slice(0, 64);

export async function orderHistory(shop: string, q: string): Promise<OrderHistory[]> {
  const query = q.trim() ? nameQuery(q) : "";
  // Invoice jobs carry the order's name; the orders found are the ones whose name matches.
  const anchors = await db().syncJob.findMany({
    where: { shop, kind: { in: ["invoice", "cancel", "payment"] }, ...(query ? { subjectName: { contains: query } } : {}) },
    orderBy: { createdAt: "desc" },
    take: ORDERS_SHOWN * 3,
    select: { orderId: true, subjectName: true },
  });
  const orders = new Map<string, string>();
  for (const a of anchors) if (a.orderId && !orders.has(a.orderId) && orders.size < ORDERS_SHOWN) orders.set(a.orderId, a.subjectName ?? a.orderId);
  if (!orders.size) return [];
  const orderIds = [...orders.keys()];
  const [jobs, links] = await Promise.all([
    db().syncJob.findMany({
      where: { shop, orderId: { in: orderIds } },
      orderBy: { createdAt: "asc" },
      include: { history: { orderBy: { number: "asc" } } },
    }),
    db().documentLink.findMany({ where: { shop, orderId: { in: orderIds } }, orderBy: { createdAt: "asc" } }),
  ]);
  return orderIds.map((orderId) => ({
    orderId,
    name: orders.get(orderId)!,
    jobs: jobs.filter((j) => j.orderId === orderId).map((j) => ({
      id: j.id, kind: j.kind, provider: j.provider, status: j.status, subjectName: j.subjectName, lastError: j.lastError, lastErrorCode: j.lastErrorCode,
      attempts: j.history.map((a) => ({
        number: a.number, status: a.status, outcome: a.outcome, error: a.error, apiCalls: a.apiCalls,
        startedAt: a.startedAt.toISOString(), finishedAt: a.finishedAt?.toISOString() ?? null,
      })),
    })),
    documents: links.filter((l) => l.orderId === orderId).map((l) => ({
      kind: l.kind, provider: l.provider, remoteNumber: l.remoteNumber, total: l.total, currency: l.currency,
      url: documentUrl(l.provider, l.kind, l.remoteId, l.remoteNumber), createdAt: l.createdAt.toISOString(),
    })),
  }));
}
