import { fortnoxLimit } from "~/connectors/fortnox/http.server";
import { VISMA_LIMIT } from "~/connectors/visma/http.server";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { slotsInUse } from "~/lib/rate-limit.server";
import { redis } from "~/lib/redis.server";

// What the merchant's home page shows: the connections, how many documents went where over the
// last day and week, documents per day, how far behind the queue is, how much of the accounting
// API's rate limit is in use, and the latest failures.

const PROBLEMS = ["needs_action", "failed", "needs_review", "paused"];
export const IN_FLIGHT = ["pending", "running", "retrying", "waiting"];
const PROVIDERS = ["fortnox", "visma"] as const;
const DAY = 86_400_000;
const CHART_DAYS = 14;
/** The Visma endpoints an order's documents go through (each has its own quota). */
const VISMA_ENDPOINTS = ["customers", "articles", "customerinvoicedrafts", "customerinvoices", "bankaccounts"];

type Window = { booked: number; pending: number; failed: number; needsAction: number };

async function windowCounts(shop: string, since: Date): Promise<Window> {
  const groups = await db().syncJob.groupBy({ by: ["status"], where: { shop, updatedAt: { gte: since } }, _count: { _all: true } });
  const n = (statuses: string[]) => groups.filter((g) => statuses.includes(g.status)).reduce((a, g) => a + g._count._all, 0);
  return { booked: n(["succeeded"]), pending: n(IN_FLIGHT), failed: n(["failed"]), needsAction: n(["needs_action", "needs_review", "paused"]) };
}

/** Documents booked per day (Stockholm days), oldest first, for the chart. */
async function perDay(shop: string, now: number): Promise<{ day: string; documents: number }[]> {
  const day = (t: number) => new Date(t).toLocaleDateString("sv-SE", { timeZone: "Europe/Stockholm" });
  const links = await db().documentLink.findMany({ where: { shop, kind: { in: ["invoice", "credit", "order"] }, createdAt: { gte: new Date(now - CHART_DAYS * DAY) } }, select: { createdAt: true } });
  const counts = new Map<string, number>();
  for (let i = CHART_DAYS - 1; i >= 0; i--) counts.set(day(now - i * DAY), 0);
  for (const l of links) {
    const d = day(l.createdAt.getTime());
    if (counts.has(d)) counts.set(d, counts.get(d)! + 1);
  }
  return [...counts].map(([d, documents]) => ({ day: d, documents }));
}

/** Share of the rate limit in use now: Fortnox's per company, Visma's busiest endpoint of our client. */
async function rateLimitUse(provider: string, tenantKey: string): Promise<number | null> {
  try {
    if (provider === "fortnox") return (await slotsInUse(redis(), `ratelimit:fortnox:${tenantKey}`, fortnoxLimit())) / fortnoxLimit().max;
    const used = await Promise.all(VISMA_ENDPOINTS.map((e) => slotsInUse(redis(), `ratelimit:visma:${env().VISMA_CLIENT_ID}:${e}`, VISMA_LIMIT)));
    return Math.max(0, ...used) / VISMA_LIMIT.max;
  } catch {
    return null; // Redis down: the gauge is unknown, the page still renders
  }
}

/** The shop's connections, one per system, and which one books new orders. */
export async function shopConnections(shop: string) {
  const [connections, shopRow] = await Promise.all([
    db().connection.findMany({ where: { shop }, select: { id: true, provider: true, status: true, companyName: true, lastError: true, tenantId: true, updatedAt: true } }),
    db().shop.findUnique({ where: { shop }, select: { defaultProvider: true } }),
  ]);
  return {
    target: shopRow?.defaultProvider ?? "fortnox",
    connections: await Promise.all(PROVIDERS.map(async (provider) => {
      const c = connections.find((x) => x.provider === provider);
      if (!c) return { provider, status: "not_connected", companyName: null, lastError: null, rateLimitUse: null };
      return {
        provider, status: c.status, companyName: c.companyName, lastError: c.lastError,
        rateLimitUse: c.status === "active" ? await rateLimitUse(provider, c.tenantId || c.id) : null,
      };
    })),
  };
}

export async function shopOverview(shop: string) {
  const now = Date.now();
  const [connections, groups, problems, day, week, chart, oldest] = await Promise.all([
    shopConnections(shop),
    db().syncJob.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } }),
    db().syncJob.findMany({
      where: { shop, status: { in: PROBLEMS } },
      orderBy: { updatedAt: "desc" },
      take: 5,
      select: { id: true, subjectName: true, status: true, kind: true, lastError: true, lastErrorCode: true, updatedAt: true },
    }),
    windowCounts(shop, new Date(now - DAY)),
    windowCounts(shop, new Date(now - 7 * DAY)),
    perDay(shop, now),
    db().syncJob.findFirst({ where: { shop, status: { in: ["pending", "retrying"] } }, orderBy: { enqueuedAt: "asc" }, select: { enqueuedAt: true, createdAt: true } }),
  ]);
  const counts = Object.fromEntries(groups.map((g) => [g.status, g._count._all])) as Record<string, number>;
  const since = oldest?.enqueuedAt ?? oldest?.createdAt;
  return {
    ...connections,
    windows: { day, week },
    chart,
    queue: { waiting: (counts.pending ?? 0) + (counts.retrying ?? 0), lagSeconds: since ? Math.max(0, Math.round((now - since.getTime()) / 1000)) : 0 },
    problems: problems.map((p) => ({ ...p, updatedAt: p.updatedAt.toISOString() })),
  };
}
