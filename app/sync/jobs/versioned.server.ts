import { createHash } from "node:crypto";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { withLock } from "~/lib/lock.server";
import { redis } from "~/lib/redis.server";
import type { JobOutcome, JobRow } from "./context.server";

// Jobs that write a Shopify object's state into the accounting system (customers, products): one
// job per state, subject `<gid>@<updated_at>` (or `<gid>@deleted`). Shopify delivers out of order
// and a retry can run after a newer job, so a state older than the one written writes nothing.
// Shopify also sends updates that change nothing Kontera writes (a customer's order count, a
// product's stock — our own stock writes among them), so a state whose content is the one
// written last writes nothing either: no API calls, and no loop.

export function subjectVersion(subjectId: string): { gid: string; version: string } {
  const at = subjectId.lastIndexOf("@");
  return { gid: subjectId.slice(0, at), version: subjectId.slice(at + 1) };
}

/** What a job would write, as a short digest to compare with the last write's. */
export const fingerprint = (content: unknown) => createHash("sha256").update(JSON.stringify(content)).digest("base64url").slice(0, 22);

const writtenKey = (job: JobRow, gid: string) => `${job.kind}-written:${job.shop}:${job.provider}:${gid}`;

/** A version that is not a time (a payload without updated_at) is never "older". */
const isOlder = (a: string, b: string) => Date.parse(a) < Date.parse(b);

interface Written { version: string; content?: string }

async function lastWritten(job: JobRow, gid: string): Promise<Written | null> {
  const cached = await redis().get(writtenKey(job, gid));
  if (cached) return cached.startsWith("{") ? JSON.parse(cached) : { version: cached };
  // Redis lost it: the jobs that succeeded give the version (not the content: that is written again).
  const done = await db().syncJob.findMany({ where: { shop: job.shop, provider: job.provider, kind: job.kind, status: "succeeded", subjectId: { startsWith: `${gid}@` } }, select: { subjectId: true } });
  const version = done.map((d) => subjectVersion(d.subjectId).version).filter((v) => v !== "deleted").sort((a, b) => Date.parse(a) - Date.parse(b)).at(-1);
  return version ? { version } : null;
}

/**
 * Runs `write` unless a newer state of the object is already written or this one's `content`
 * (its fingerprint) is the one written last; one state at a time per object.
 */
export function newestOnly(job: JobRow, content: string, write: () => Promise<JobOutcome>): Promise<JobOutcome> {
  const { gid, version } = subjectVersion(job.subjectId);
  return withLock(redis(), `lock:${job.kind}:${job.shop}:${gid}`, async () => {
    const last = await lastWritten(job, gid);
    if (last && isOlder(version, last.version)) return { documentNumber: null, outcome: `skipped: a newer change (${last.version}) is already written` };
    const unchanged = last?.content === content;
    const result = unchanged ? { documentNumber: null, outcome: "skipped: nothing Kontera writes has changed" } : await write();
    await redis().set(writtenKey(job, gid), JSON.stringify({ version, content } satisfies Written), "EX", 30 * 86_400);
    return result;
  }, { ttlMs: env().SYNC_LOCK_MS });
}
