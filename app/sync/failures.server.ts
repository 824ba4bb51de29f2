import { createHash } from "node:crypto";
import { z } from "zod";
import { db } from "~/db.server";
import { causeOf, groupMessage, JOB_KINDS, PROBLEM_STATUSES } from "./causes";

// The failed-syncs page: every job that stopped for a reason the merchant must see, grouped by
// cause so "Article 123 does not exist — 37 orders" is one line with one fix and one Replay.

const SINCE_MS = { "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 } as const;

export const failureFilterSchema = z.object({
  status: z.enum(["all", ...PROBLEM_STATUSES]).catch("all"),
  kind: z.enum(["all", ...JOB_KINDS]).catch("all"),
  since: z.enum(["all", "24h", "7d", "30d"]).catch("all"),
});
export type FailureFilter = z.infer<typeof failureFilterSchema>;

/** Enough for any real backlog of failures; the page says when there are more. */
const MAX_JOBS = 5000;
const JOBS_SHOWN_PER_GROUP = 100;

export interface FailureGroup {
  id: string;
  provider: string;
  code: string | null;
  causeKey: string;
  fixAt?: string;
  /** The provider's (or our) message of the latest job, order-specific parts kept. */
  message: string;
  count: number;
  latestAt: string;
  jobs: { id: string; subjectName: string | null; status: string; kind: string; attempts: number; updatedAt: string }[];
}

const groupId = (provider: string, code: string | null, headline: string) =>
  createHash("sha256").update(`${provider}\u0000${code ?? ""}\u0000${headline}`).digest("base64url").slice(0, 16);

function whereOf(shop: string, filter: FailureFilter) {
  return {
    shop,
    status: filter.status === "all" ? { in: [...PROBLEM_STATUSES] } : filter.status,
    ...(filter.kind === "all" ? {} : { kind: filter.kind }),
    ...(filter.since === "all" ? {} : { updatedAt: { gte: new Date(Date.now() - SINCE_MS[filter.since]) } }),
  };
}

export async function failureGroups(shop: string, filter: FailureFilter): Promise<{ groups: FailureGroup[]; total: number; truncated: boolean }> {
  const where = whereOf(shop, filter);
  const [total, jobs] = await Promise.all([
    db().syncJob.count({ where }),
    db().syncJob.findMany({
      where,
      orderBy: { updatedAt: "desc" },
      take: MAX_JOBS,
      select: { id: true, provider: true, kind: true, subjectName: true, status: true, attempts: true, lastError: true, lastErrorCode: true, updatedAt: true },
    }),
  ]);
  const groups = new Map<string, FailureGroup>();
  for (const job of jobs) {
    const id = groupId(job.provider, job.lastErrorCode, groupMessage(job.lastError));
    let group = groups.get(id);
    if (!group) {
      const cause = causeOf(job.lastErrorCode);
      group = { id, provider: job.provider, code: job.lastErrorCode, causeKey: cause.key, fixAt: cause.fixAt, message: job.lastError ?? "", count: 0, latestAt: job.updatedAt.toISOString(), jobs: [] };
      groups.set(id, group);
    }
    group.count++;
    if (group.jobs.length < JOBS_SHOWN_PER_GROUP) {
      group.jobs.push({ id: job.id, subjectName: job.subjectName, status: job.status, kind: job.kind, attempts: job.attempts, updatedAt: job.updatedAt.toISOString() });
    }
  }
  return { groups: [...groups.values()].sort((a, b) => b.count - a.count), total, truncated: total > jobs.length };
}

/** The ids of one group's jobs, under the filter the merchant was looking at. */
export async function groupJobIds(shop: string, filter: FailureFilter, id: string): Promise<string[]> {
  const jobs = await db().syncJob.findMany({
    where: whereOf(shop, filter),
    take: MAX_JOBS,
    select: { id: true, provider: true, lastError: true, lastErrorCode: true },
  });
  return jobs.filter((j) => groupId(j.provider, j.lastErrorCode, groupMessage(j.lastError)) === id).map((j) => j.id);
}
