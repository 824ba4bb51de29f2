import { waitFor } from "../../test/helpers/services";
import type { Stack } from "../../test/helpers/stack";
import type { FaultTarget } from "./target";
import type { Figures } from "./types";

// Counting what survived, from the accounting system's side (the simulator's own records) and
// from ours (jobs left open).

const OPEN = ["pending", "retrying", "running", "waiting"];

/** Waits (up to `timeoutMs`) until the shop has no open job whose invoice could still move. */
export async function settle(stack: Stack, shop: string, timeoutMs: number): Promise<void> {
  await waitFor(`${shop}'s jobs to settle`, async () => {
    const jobs = await stack.db.client.syncJob.findMany({ where: { shop }, select: { kind: true, status: true, subjectId: true, orderId: true } });
    const booked = new Set(jobs.filter((j) => j.kind === "invoice" && ["succeeded", "cancelled"].includes(j.status)).map((j) => j.subjectId));
    // A job waiting for an invoice that will not come (its invoice needs action) is settled.
    return jobs.every((j) => !OPEN.includes(j.status) || (j.status === "waiting" && !booked.has(j.orderId ?? ""))) || null;
  }, timeoutMs, 250).catch(() => undefined); // what is still open is counted as stuck
}

/**
 * Figures for orders that must each end as exactly one live invoice (`expected`) or none, paid at
 * most once: an invoice paid above its total is a payment registered twice, a duplicate too.
 */
export async function countInvoices(stack: Stack, target: FaultTarget, shop: string, runs: number, expected: string[], absent: string[] = []): Promise<Figures> {
  const subjects = new Set([...expected, ...absent]);
  const invoices = (await target.documents(stack)).filter((d) => !d.credit && subjects.has(d.reference));
  const per = (ref: string) => invoices.filter((i) => i.reference === ref).length;
  const jobs = await stack.db.client.syncJob.findMany({ where: { shop }, select: { status: true, orderId: true, subjectId: true } });
  const stuck = jobs.filter((j) => subjects.has(j.orderId ?? j.subjectId) && OPEN.includes(j.status) && j.status !== "waiting").length;
  return {
    runs,
    expected: expected.length,
    booked: expected.filter((r) => per(r) > 0).length,
    duplicates: [...expected, ...absent].reduce((a, r) => a + Math.max(0, per(r) - (expected.includes(r) ? 1 : 0)), 0)
      + invoices.filter((i) => i.paid > i.total).length,
    lost: expected.filter((r) => per(r) === 0).length,
    stuck,
  };
}
