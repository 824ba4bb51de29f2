import { db } from "~/db.server";
import { withLock } from "~/lib/lock.server";
import { redis } from "~/lib/redis.server";
import type { JobOutcome, JobRow } from "./context.server";

// Jobs that write a Shopify object's state into the accounting system (customers, products): one
// job per state, subject `<gid>@<updated_at>` (or `<gid>@deleted`). Shopify delivers out of order
// and a retry can run after a newer job, so a state older than the one written writes nothing.

export function subjectVersion(subjectId: string): { gid: string; version: string } {
  const at = subjectId.lastIndexOf("@");
  return { gid: subjectId.slice(0, at), version: subjectId.slice(at + 1) };
}

const writtenKey = (job: JobRow, gid: string) => `${job.kind}-written:${job.shop}:${job.provider}:${gid}`;

/** A version that is not a time (a payload without updated_at) is never "older". */
const isOlder = (a: string, b: string) => Date.parse(a) < Date.parse(b);

async function newestWritten(job: JobRow, gid: string): Promise<string | null> {
  const cached = await redis().get(writtenKey(job, gid));
  if (cached) return cached;
  // Redis lost it: the jobs that succeeded say the same, a little slower.
  const done = await db().syncJob.findMany({ where: { shop: job.shop, provider: job.provider, kind: job.kind, status: "succeeded", subjectId: { startsWith: `${gid}@` } }, select: { subjectId: true } });
  return done.map((d) => subjectVersion(d.subjectId).version).filter((v) => v !== "deleted").sort((a, b) => Date.parse(a) - Date.parse(b)).at(-1) ?? null;
}

/** Runs `write` unless a newer state of the object is already written; one state at a time per object. */
export function newestOnly(job: JobRow, write: () => Promise<JobOutcome>): Promise<JobOutcome> {
  const { gid, version } = subjectVersion(job.subjectId);
  return withLock(redis(), `lock:${job.kind}:${job.shop}:${gid}`, async () => {
    const newest = await newestWritten(job, gid);
    if (newest && isOlder(version, newest)) return { documentNumber: null, outcome: `skipped: a newer change (${newest}) is already written` };
    const result = await write();
    await redis().set(writtenKey(job, gid), version, "EX", 30 * 86_400);
    return result;
  });
}
