import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORTNOX_TENANT, fixtureOrder, withIdentity } from "../helpers/orders";
import { ROOT, waitFor } from "../helpers/services";
import { startStack, waitSettled, type Stack } from "../helpers/stack";
import { DEFAULT_COMPANY_ID } from "../simulators/visma/state";

// One accounting system at a time: switching from Fortnox to Visma asks what to do with the
// orders Fortnox has not started on, does exactly that, and never books an order in both. An
// order booked in Fortnox before the switch gets its refund in Fortnox.

const SHOP = "switch-test.myshopify.com";
let stack: Stack;

const fortnoxInvoices = async () => (await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/invoices`)).json()).Invoices as any[];
const vismaInvoices = async () => Object.values(await (await fetch(`${stack.vismaSim.url}/__sim/companies/${DEFAULT_COMPANY_ID}/customerinvoices`)).json())[0] as any[];
const order = (n: number) => withIdentity(fixtureOrder("simple-1001.json"), 7900000000000 + n, 7900 + n);

beforeAll(async () => {
  stack = await startStack();
  await stack.installAndConnect(SHOP);
});
afterAll(async () => { await stack?.stop(); });

describe("switching the accounting system", () => {
  it("asks about Fortnox's unbooked orders, moves them to Visma, and books each order in one system only", async () => {
    const booked = order(1);
    await stack.sendWebhook(SHOP, "orders/paid", booked);
    await waitSettled(stack, SHOP, 1);

    // Three orders Fortnox has not started on (no worker running).
    await stack.stopWorker();
    const waiting = [order(2), order(3), order(4)];
    for (const o of waiting) await stack.sendWebhook(SHOP, "orders/paid", o);

    const asked = await stack.adminFetch(SHOP, "/app/connection", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "intent=connect&provider=visma" });
    expect(asked.status).toBe(409);
    expect((await asked.json()).switchChoice).toMatchObject({ from: "fortnox", orders: 3, choices: ["move", "keep", "cancel"] });
    const refused = await stack.adminFetch(SHOP, "/app/connection", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "intent=connect&provider=visma&onSwitch=later" });
    expect(refused.status).toBe(400);

    await stack.installAndConnect(SHOP, { provider: "visma", onSwitch: "move" });
    expect((await stack.db.client.shop.findUniqueOrThrow({ where: { shop: SHOP } })).defaultProvider).toBe("visma");
    await stack.startWorker();
    await waitFor("the moved orders to be booked in Visma", async () => (await vismaInvoices()).length >= 3 || null, 120_000, 500);

    const gids = waiting.map((o) => o.admin_graphql_api_id.replace("gid://shopify/", ""));
    expect((await vismaInvoices()).map((i) => i.BuyersOrderReference).sort()).toEqual(gids.sort());
    expect((await fortnoxInvoices()).map((i) => i.ExternalInvoiceReference1)).toEqual([booked.admin_graphql_api_id]);
    const moved = await stack.db.client.syncJob.findMany({ where: { shop: SHOP, provider: "fortnox", status: "cancelled" } });
    expect(moved.map((j) => j.lastError)).toEqual(Array(moved.length).fill("moved to Visma"));

    // The order booked in Fortnox keeps its documents there: its refund is credited in Fortnox.
    const scenario = JSON.parse(readFileSync(path.join(ROOT, "test/fixtures/scenarios/21-partial-refund.json"), "utf8"));
    const refunded = { ...structuredClone(scenario.order), id: 7900000000009, admin_graphql_api_id: "gid://shopify/Order/7900000000009", name: "#7909", cancelled_at: null, refunds: [] };
    const refund = { ...structuredClone(scenario.refunds[0].refund), id: 7900000009, admin_graphql_api_id: "gid://shopify/Refund/7900000009", order_id: refunded.id };
    // Booked in Fortnox before the switch: simulate by making it the Fortnox order it was.
    await stack.db.client.shop.update({ where: { shop: SHOP }, data: { defaultProvider: "fortnox" } });
    await stack.sendWebhook(SHOP, "orders/paid", refunded);
    await waitFor("the order to be booked in Fortnox", async () => (await fortnoxInvoices()).some((i) => i.ExternalInvoiceReference1 === refunded.admin_graphql_api_id) || null, 60_000, 250);
    await stack.db.client.shop.update({ where: { shop: SHOP }, data: { defaultProvider: "visma" } });
    await stack.sendWebhook(SHOP, "refunds/create", refund);
    const credit = await waitFor("the refund's credit", () => stack.db.client.syncJob.findFirst({ where: { shop: SHOP, kind: "credit", status: "succeeded" } }), 60_000, 250);
    expect(credit.provider).toBe("fortnox");
    expect((await fortnoxInvoices()).filter((i) => i.ExternalInvoiceReference1 === refund.admin_graphql_api_id).map((i) => i.Total)).toEqual([-119]);
    expect((await vismaInvoices()).filter((i) => i.IsCreditInvoice)).toHaveLength(0);

    // A new order goes to Visma.
    const fresh = order(5);
    await stack.sendWebhook(SHOP, "orders/paid", fresh);
    await waitFor("the new order in Visma", async () => (await vismaInvoices()).some((i) => i.BuyersOrderReference === fresh.admin_graphql_api_id.replace("gid://shopify/", "")) || null, 60_000, 250);
    expect((await fortnoxInvoices()).some((i) => i.ExternalInvoiceReference1 === fresh.admin_graphql_api_id)).toBe(false);
  });

  it("keeps or cancels the old system's unbooked orders when the merchant says so", async () => {
    // Back to Fortnox with Visma holding two unbooked orders: keep them in Visma.
    await stack.stopWorker();
    const kept = [order(11), order(12)];
    for (const o of kept) await stack.sendWebhook(SHOP, "orders/paid", o);
    await stack.installAndConnect(SHOP, { provider: "fortnox", onSwitch: "keep" });
    // Then to Visma again with Fortnox holding one: book it nowhere.
    const dropped = order(13);
    await stack.sendWebhook(SHOP, "orders/paid", dropped);
    expect((await stack.db.client.syncJob.findFirstOrThrow({ where: { shop: SHOP, subjectId: dropped.admin_graphql_api_id } })).provider).toBe("fortnox");
    await stack.installAndConnect(SHOP, { provider: "visma", onSwitch: "cancel" });
    await stack.startWorker();
    await waitFor("the kept orders to be booked in Visma", async () => {
      const refs = (await vismaInvoices()).map((i) => i.BuyersOrderReference);
      return kept.every((o) => refs.includes(o.admin_graphql_api_id.replace("gid://shopify/", ""))) || null;
    }, 120_000, 500);
    const job = await stack.db.client.syncJob.findFirstOrThrow({ where: { shop: SHOP, subjectId: dropped.admin_graphql_api_id } });
    expect([job.provider, job.status, job.lastError]).toEqual(["fortnox", "cancelled", "not booked: the merchant switched to Visma"]);
    expect((await fortnoxInvoices()).some((i) => i.ExternalInvoiceReference1 === dropped.admin_graphql_api_id)).toBe(false);
    expect((await vismaInvoices()).some((i) => i.BuyersOrderReference === dropped.admin_graphql_api_id.replace("gid://shopify/", ""))).toBe(false);
  });
});
