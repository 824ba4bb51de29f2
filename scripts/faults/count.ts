import { FORTNOX_TENANT } from "../../test/helpers/orders";
import { waitFor } from "../../test/helpers/services";
import type { Stack } from "../../test/helpers/stack";
import type { Figures } from "./types";

// Counting what survived, from the accounting system's side (the simulator's own records) and
// from ours (jobs left open).

const OPEN = ["pending", "retrying", "running", "waiting"];

export async function fortnoxInvoices(stack: Stack): Promise<any[]> {
  const res = await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/invoices`);
  return (await res.json()).Invoices;
}

/** A Fortnox amount (a JSON number or decimal string) in öre, without going through floating point. */
export function ore(amount: number | string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(amount));
  if (!m) throw new Error(`not an amount: ${amount}`);
  const v = BigInt(m[2]!) * 100n + BigInt((m[3] ?? "").padEnd(2, "0"));
  return m[1] ? -v : v;
}

/** Invoices paid more than their total: a payment registered twice. */
async function overpaid(stack: Stack, invoices: any[]): Promise<number> {
  const res = await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/invoicepayments`);
  const paid = new Map<number, bigint>();
  for (const p of (await res.json()).InvoicePayments) paid.set(p.InvoiceNumber, (paid.get(p.InvoiceNumber) ?? 0n) + BigInt(p.AmountCurrencyOre));
  return invoices.filter((i) => (paid.get(Number(i.DocumentNumber)) ?? 0n) > ore(i.Total)).length;
}

/** Waits (up to `timeoutMs`) until the shop has no open job whose invoice could still move. */
export async function settle(stack: Stack, shop: string, timeoutMs: number): Promise<void> {
  await waitFor(`${shop}'s jobs to settle`, async () => {
    const jobs = await stack.db.client.syncJob.findMany({ where: { shop }, select: { kind: true, status: true, subjectId: true, orderId: true } });
    const booked = new Set(jobs.filter((j) => j.kind === "invoice" && ["succeeded", "cancelled"].includes(j.status)).map((j) => j.subjectId));
    // A job waiting for an invoice that will not come (its invoice needs action) is settled.
    return jobs.every((j) => !OPEN.includes(j.status) || (j.status === "waiting" && !booked.has(j.orderId ?? ""))) || null;
  }, timeoutMs, 250).catch(() => undefined); // what is still open is counted as stuck
}

/** Figures for orders that must each end as exactly one live invoice (`expected`) or none, paid at most once. */
export async function countInvoices(stack: Stack, shop: string, runs: number, expected: string[], absent: string[] = []): Promise<Figures> {
  const invoices = (await fortnoxInvoices(stack)).filter((i) => String(i.Credit) !== "true" && String(i.Cancelled) !== "true");
  const per = (ref: string) => invoices.filter((i) => i.ExternalInvoiceReference1 === ref).length;
  const jobs = await stack.db.client.syncJob.findMany({ where: { shop }, select: { status: true, orderId: true, subjectId: true } });
  const subjects = new Set([...expected, ...absent]);
  const stuck = jobs.filter((j) => subjects.has(j.orderId ?? j.subjectId) && OPEN.includes(j.status) && j.status !== "waiting").length;
  return {
    runs,
    expected: expected.length,
    booked: expected.filter((r) => per(r) > 0).length,
    duplicates: [...expected, ...absent].reduce((a, r) => a + Math.max(0, per(r) - (expected.includes(r) ? 1 : 0)), 0)
      + (await overpaid(stack, invoices.filter((i) => subjects.has(i.ExternalInvoiceReference1)))),
    lost: expected.filter((r) => per(r) === 0).length,
    stuck,
  };
}
