import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { faultsBodySchema } from "../../../test/simulators/fortnox/faults";
import { waitFor } from "../../../test/helpers/services";
import { postJson, type Stack } from "../../../test/helpers/stack";
import type { FaultTarget } from "../target";

// What the fault scenarios share: random timing, deliveries with chosen event ids, and the
// simulators' fault controls.

export const jitter = (ms: number) => new Promise((r) => setTimeout(r, Math.floor(Math.random() * ms)));
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One delivery as Shopify makes it; the same ids again is Shopify's retry of the same event. */
export async function deliver(stack: Stack, shop: string, topic: string, payload: unknown, ids = { eventId: randomUUID(), webhookId: randomUUID() }) {
  return postJson(`${stack.shopifySim.url}/__sim/webhooks`, { shop, topic, payload, deliveries: 1, ...ids });
}

/** A fault rule as the simulators take it (their own schema, so the two cannot drift). */
export type SimFault = z.input<typeof faultsBodySchema>["rules"][number];

export const simStats = async (stack: Stack, target: FaultTarget) => (await fetch(`${target.sim(stack).url}/__sim/stats`)).json();

/** Replaces the target simulator's fault rules. */
export async function simFaults(stack: Stack, target: FaultTarget, rules: SimFault[]): Promise<void> {
  await fetch(`${target.sim(stack).url}/__sim/faults`, { method: "DELETE" });
  if (rules.length) await postJson(`${target.sim(stack).url}/__sim/faults`, { rules });
}

/** Waits until every fault rule has bitten as often as it was told to. */
export async function simFaultsUsed(stack: Stack, target: FaultTarget, timeoutMs = 60_000): Promise<void> {
  await waitFor(`the injected ${target.name} fault to bite`, async () => {
    const { rules } = await (await fetch(`${target.sim(stack).url}/__sim/faults`)).json();
    return (rules as { count: number }[]).every((r) => r.count === 0);
  }, timeoutMs, 50);
}

/** Holds the next `count` Shopify GraphQL calls whose document matches `query`. */
export async function shopifyHold(stack: Stack, query: string, delayMs: number, count = 1): Promise<void> {
  await postJson(`${stack.shopifySim.url}/__sim/holds`, { query, delayMs, count });
}

export async function shopifyHoldsUsed(stack: Stack, timeoutMs = 60_000): Promise<void> {
  await waitFor("the Shopify hold to bite", async () => {
    const { holds } = await (await fetch(`${stack.shopifySim.url}/__sim/holds`)).json();
    return (holds as { count: number }[]).every((h) => h.count === 0);
  }, timeoutMs, 50);
}

/** The live documents carrying this reference, credits included. */
export async function documentsFor(stack: Stack, target: FaultTarget, reference: string) {
  return (await target.documents(stack)).filter((d) => d.reference === reference);
}

/** The shop installed and connected to the target. */
export const connect = (stack: Stack, target: FaultTarget, shop: string) => stack.installAndConnect(shop, { provider: target.provider });

/** Waits until `count` of the shop's invoices are booked: the moment to inject a fault mid-run. */
export async function untilBooked(stack: Stack, shop: string, count: number): Promise<void> {
  await waitFor(`${count} orders to be booked`, async () => (await stack.db.client.syncJob.count({ where: { shop, kind: "invoice", status: "succeeded" } })) >= count, 300_000, 100);
}

/** A shop whose orders cost one call each (drafts, no payments): many orders in little time. */
export async function lightShop(stack: Stack, target: FaultTarget, shop: string): Promise<void> {
  await connect(stack, target, shop);
  await stack.db.client.shop.update({ where: { shop }, data: { settings: JSON.stringify({ bookkeeping: "draft", privateCustomers: "webshop" }) } });
}
