import { db } from "~/db.server";

// What the merchant's home page shows: the connection, how many orders are where, what needs them.

const PROBLEMS = ["needs_action", "failed", "needs_review", "paused"];
const PROVIDERS = ["fortnox", "visma"] as const;

export async function shopOverview(shop: string) {
  const [connections, groups, problems] = await Promise.all([
    db().connection.findMany({ where: { shop }, select: { provider: true, status: true, companyName: true, lastError: true } }),
    db().syncJob.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } }),
    db().syncJob.findMany({
      where: { shop, status: { in: PROBLEMS } },
      orderBy: { updatedAt: "desc" },
      take: 50,
      select: { id: true, subjectName: true, status: true, lastError: true, lastErrorCode: true, attempts: true, updatedAt: true },
    }),
  ]);
  const counts = Object.fromEntries(groups.map((g) => [g.status, g._count._all])) as Record<string, number>;
  const target = (await db().shop.findUnique({ where: { shop }, select: { defaultProvider: true } }))?.defaultProvider ?? "fortnox";
  return {
    target,
    connections: PROVIDERS.map((provider) => connections.find((c) => c.provider === provider) ?? { provider, status: "not_connected", companyName: null, lastError: null }),
    counts,
    problems: problems.map((p) => ({ ...p, updatedAt: p.updatedAt.toISOString() })),
  };
}
