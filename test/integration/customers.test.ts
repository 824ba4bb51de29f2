import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORTNOX_TENANT, fixtureOrder, withIdentity } from "../helpers/orders";
import { waitFor } from "../helpers/services";
import { startStack, waitSettled, type Stack } from "../helpers/stack";

// The customer register kept in step: signed customers/* webhooks → app → outbox → worker →
// Fortnox simulator, with the merchant's field ownership (here the address is the accountant's).

const SHOP = "customers-sync.myshopify.com";
const ID = 8_100_000_000_777;
const GID = `gid://shopify/Customer/${ID}`;
let stack: Stack;

const fortnoxCustomers = async (): Promise<any[]> =>
  (await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/customers`)).json()).Customers;
const ours = async () => (await fortnoxCustomers()).filter((c) => c.Name === "Cecilia Ek" || String(c.Email).startsWith("cecilia"));

function customer(updatedAt: string, over: Record<string, unknown> = {}) {
  return {
    id: ID, admin_graphql_api_id: GID, email: "cecilia@example.se", first_name: "Cecilia", last_name: "Ek", phone: "+46701112233",
    currency: "SEK", updated_at: updatedAt,
    default_address: { company: null, address1: "Storgatan 1", address2: null, zip: "903 26", city: "Umeå", country_code: "SE", phone: null },
    ...over,
  };
}

/** The customer jobs, settled: every one of them succeeded (or the test says which did not). */
const settledCustomerJobs = (count: number) =>
  waitFor(`${count} settled customer jobs`, async () => {
    const jobs = await stack.db.client.syncJob.findMany({ where: { shop: SHOP, kind: "customer" }, include: { history: true }, orderBy: { createdAt: "asc" } });
    return jobs.length === count && jobs.every((j) => !["pending", "running", "retrying"].includes(j.status)) ? jobs : undefined;
  });

async function saveSettings(settings: unknown) {
  const res = await stack.adminFetch(SHOP, `/app/settings?_data=${encodeURIComponent("routes/app.settings")}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(settings),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

beforeAll(async () => {
  stack = await startStack();
  await stack.installAndConnect(SHOP);
  await saveSettings({ customers: { sync: true, owner: { name: "shopify", email: "shopify", phone: "shopify", address: "accounting" } } });
});
afterAll(async () => { await stack?.stop(); });

describe("customers kept in step with Fortnox", () => {
  it("creates a new Shopify customer once, updates only what Shopify owns, ignores an older change, shares the customer with orders, and deactivates on deletion", async () => {
    await stack.sendWebhook(SHOP, "customers/create", customer("2026-11-20T10:00:00+01:00"), { deliveries: 2 });
    const [created] = await settledCustomerJobs(1);
    expect(created.status).toBe("succeeded");
    expect(await ours()).toMatchObject([{ Name: "Cecilia Ek", Email: "cecilia@example.se", Address1: "Storgatan 1", City: "Umeå", Phone1: "+46701112233", Active: true }]);
    const number = (await ours())[0].CustomerNumber;

    // Shopify owns name, e-mail and phone; the address is the accountant's: Shopify's new one stays out.
    await stack.sendWebhook(SHOP, "customers/update", customer("2026-11-21T10:00:00+01:00", {
      email: "cecilia.ek@example.se", phone: null,
      default_address: { company: null, address1: "Kungsgatan 9", address2: null, zip: "972 31", city: "Luleå", country_code: "SE", phone: null },
    }));
    const updated = (await settledCustomerJobs(2))[1];
    expect(updated.status).toBe("succeeded");
    expect(updated.history.at(-1)!.apiCalls).toBe(1); // the link answers "which customer": one PUT
    expect(await ours()).toMatchObject([{ CustomerNumber: number, Email: "cecilia.ek@example.se", Address1: "Storgatan 1", City: "Umeå" }]);
    expect((await ours())[0].Phone1 || null).toBeNull(); // removed in Shopify, so cleared

    // A change older than the one written arrives late: it writes nothing.
    await stack.sendWebhook(SHOP, "customers/update", customer("2026-11-20T12:00:00+01:00", { email: "old@example.se" }));
    const late = (await settledCustomerJobs(3))[2];
    expect(late.history.at(-1)!.outcome).toMatch(/^skipped: a newer change/);
    expect((await ours())[0].Email).toBe("cecilia.ek@example.se");

    // The customer's order is booked on the same Fortnox customer.
    const order = withIdentity(fixtureOrder("simple-1001.json"), 7_600_000_000_001, 9101);
    order.customer = { ...order.customer, id: ID, admin_graphql_api_id: GID };
    await stack.sendWebhook(SHOP, "orders/paid", order);
    await waitSettled(stack, SHOP, 1);
    const invoices = (await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/invoices`)).json()).Invoices;
    expect(invoices.find((i: any) => i.ExternalInvoiceReference1 === order.admin_graphql_api_id)?.CustomerNumber).toBe(number);
    expect(await ours()).toHaveLength(1);

    await stack.sendWebhook(SHOP, "customers/delete", { id: ID });
    const deleted = (await settledCustomerJobs(4))[3];
    expect(deleted.status).toBe("succeeded");
    expect(await ours()).toMatchObject([{ CustomerNumber: number, Active: false }]);
  });

  it("books nothing for customers while the sync is off", async () => {
    await saveSettings({ customers: { sync: false } });
    const before = await stack.db.client.syncJob.count({ where: { shop: SHOP, kind: "customer" } });
    const sent = await stack.sendWebhook(SHOP, "customers/update", customer("2026-11-22T10:00:00+01:00", { email: "off@example.se" }));
    expect(sent.deliveries.map((d) => d.status)).toEqual([200]);
    expect(await stack.db.client.webhookEvent.count({ where: { shop: SHOP, subjectId: GID } })).toBeGreaterThan(0);
    expect(await stack.db.client.syncJob.count({ where: { shop: SHOP, kind: "customer" } })).toBe(before);
  });
});
