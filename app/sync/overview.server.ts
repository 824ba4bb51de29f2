import { db } from "~/db.server";

// What the merchant's home page shows: the connection, how many orders are where, what needs them.

const PROBLEMS = ["needs_action", "failed", "needs_review", "paused"];

export async function shopOverview(shop: string) {
  const [connection, groups, problems] = await Promise.all([
    db().connection.findUnique({ where: { shop_provider: { shop, provider: "fortnox" } }, select: { status: true, companyName: true, lastError: true } }),
    db().syncJob.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } }),
    db().syncJob.findMany({
      where: { shop, status: { in: PROBLEMS } },
      orderBy: { updatedAt: "desc" },
      take: 50,
      select: { id: true, subjectName: true, status: true, lastError: true, lastErrorCode: true, attempts: true, updatedAt: true },
    }),
  ]);
  const counts = Object.fromEntries(groups.map((g) => [g.status, g._count._all])) as Record<string, number>;
  return {
    connection: connection ?? { status: "not_connected", companyName: null, lastError: null },
    counts,
    problems: problems.map((p) => ({ ...p, updatedAt: p.updatedAt.toISOString() })),
  };
}
