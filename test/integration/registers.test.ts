import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORTNOX_TENANT, fixtureOrder, withIdentity } from "../helpers/orders";
import { waitFor } from "../helpers/services";
import { startStack, waitSettled, type Stack } from "../helpers/stack";

// The customer and article registers kept in step: signed customers/* and products/* webhooks →
// app → outbox → worker → Fortnox simulator, with the merchant's field ownership for customers
// (here the address is the accountant's).

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

/** The jobs of a kind, once `count` of them have settled. */
const settledJobs = (kind: "customer" | "product", count: number) =>
  waitFor(`${count} settled ${kind} jobs`, async () => {
    const jobs = await stack.db.client.syncJob.findMany({ where: { shop: SHOP, kind }, include: { history: true }, orderBy: { createdAt: "asc" } });
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
  await saveSettings({ customers: { sync: true, owner: { name: "shopify", email: "shopify", phone: "shopify", address: "accounting" } }, products: { sync: true } });
});
afterAll(async () => { await stack?.stop(); });

describe("customers kept in step with Fortnox", () => {
  it("creates a new Shopify customer once, updates only what Shopify owns, ignores an older change, shares the customer with orders, and deactivates on deletion", async () => {
    await stack.sendWebhook(SHOP, "customers/create", customer("2026-11-20T10:00:00+01:00"), { deliveries: 2 });
    const [created] = await settledJobs("customer", 1);
    expect(created.status).toBe("succeeded");
    expect(await ours()).toMatchObject([{ Name: "Cecilia Ek", Email: "cecilia@example.se", Address1: "Storgatan 1", City: "Umeå", Phone1: "+46701112233", Active: true }]);
    const number = (await ours())[0].CustomerNumber;

    // Shopify owns name, e-mail and phone; the address is the accountant's: Shopify's new one stays out.
    await stack.sendWebhook(SHOP, "customers/update", customer("2026-11-21T10:00:00+01:00", {
      email: "cecilia.ek@example.se", phone: null,
      default_address: { company: null, address1: "Kungsgatan 9", address2: null, zip: "972 31", city: "Luleå", country_code: "SE", phone: null },
    }));
    const updated = (await settledJobs("customer", 2))[1];
    expect(updated.status).toBe("succeeded");
    expect(updated.history.at(-1)!.apiCalls).toBe(1); // the link answers "which customer": one PUT
    expect(await ours()).toMatchObject([{ CustomerNumber: number, Email: "cecilia.ek@example.se", Address1: "Storgatan 1", City: "Umeå" }]);
    expect((await ours())[0].Phone1 || null).toBeNull(); // removed in Shopify, so cleared

    // A change older than the one written arrives late: it writes nothing.
    await stack.sendWebhook(SHOP, "customers/update", customer("2026-11-20T12:00:00+01:00", { email: "old@example.se" }));
    const late = (await settledJobs("customer", 3))[2];
    expect(late.history.at(-1)!.outcome).toMatch(/^skipped: a newer change/);
    expect((await ours())[0].Email).toBe("cecilia.ek@example.se");

    // A newer update that changes nothing Kontera writes (Shopify sends one when an order changes the customer's totals).
    await stack.sendWebhook(SHOP, "customers/update", customer("2026-11-21T11:00:00+01:00", {
      email: "cecilia.ek@example.se", phone: null,
      default_address: { company: null, address1: "Kungsgatan 9", address2: null, zip: "972 31", city: "Luleå", country_code: "SE", phone: null },
    }));
    expect((await settledJobs("customer", 4))[3].history.at(-1)).toMatchObject({ outcome: "skipped: nothing Kontera writes has changed", apiCalls: 0 });

    // The customer's order is booked on the same Fortnox customer.
    const order = withIdentity(fixtureOrder("simple-1001.json"), 7_600_000_000_001, 9101);
    order.customer = { ...order.customer, id: ID, admin_graphql_api_id: GID };
    await stack.sendWebhook(SHOP, "orders/paid", order);
    await waitSettled(stack, SHOP, 1);
    const invoices = (await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/invoices`)).json()).Invoices;
    expect(invoices.find((i: any) => i.ExternalInvoiceReference1 === order.admin_graphql_api_id)?.CustomerNumber).toBe(number);
    expect(await ours()).toHaveLength(1);

    await stack.sendWebhook(SHOP, "customers/delete", { id: ID });
    const deleted = (await settledJobs("customer", 5))[4];
    expect(deleted.status).toBe("succeeded");
    expect(await ours()).toMatchObject([{ CustomerNumber: number, Active: false }]);
  });

  it("books nothing for customers while the sync is off (and saving that leaves the other settings as they were)", async () => {
    await saveSettings({ customers: { sync: false } });
    const stored = JSON.parse((await stack.db.client.shop.findUniqueOrThrow({ where: { shop: SHOP } })).settings!);
    expect(stored.products).toMatchObject({ sync: true });
    const before = await stack.db.client.syncJob.count({ where: { shop: SHOP, kind: "customer" } });
    const sent = await stack.sendWebhook(SHOP, "customers/update", customer("2026-11-22T10:00:00+01:00", { email: "off@example.se" }));
    expect(sent.deliveries.map((d) => d.status)).toEqual([200]);
    expect(await stack.db.client.webhookEvent.count({ where: { shop: SHOP, subjectId: GID } })).toBeGreaterThan(0);
    expect(await stack.db.client.syncJob.count({ where: { shop: SHOP, kind: "customer" } })).toBe(before);
  });
});

const PRODUCT = 9_200_000_000_001;
type Variant = { id: number; title: string; sku: string | null; barcode?: string; price: string };
function product(updatedAt: string, title: string, variants: Variant[]) {
  return { id: PRODUCT, admin_graphql_api_id: `gid://shopify/Product/${PRODUCT}`, title, updated_at: updatedAt, variants: variants.map((v) => ({ requires_shipping: true, ...v })) };
}
const articles = async (): Promise<any[]> =>
  (await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/articles`)).json()).Articles.filter((a: any) => String(a.ArticleNumber).startsWith("MUG-"));
const row = (a: any) => [a.ArticleNumber, a.Description, a.EAN, a.SalesPrice, a.Type, a.Active];
// The simulated shop's prices include VAT (Shopify's taxesIncluded); Fortnox's price list A is without.
const SIZES: Variant[] = [
  { id: 1, title: "S", sku: "MUG-S", barcode: "7350000000101", price: "199.00" },
  { id: 2, title: "M", sku: "MUG-M", barcode: "7350000000102", price: "249.00" },
  { id: 3, title: "L", sku: "MUG-L", barcode: "7350000000103", price: "125.50" },
];

describe("articles kept in step with Fortnox", () => {
  it("makes an article per variant once with its price, follows a rename and a price change, reports a variant without an SKU, ignores a change to nothing it writes, and deactivates them with the product", async () => {
    await stack.sendWebhook(SHOP, "products/create", product("2026-11-20T10:00:00+01:00", "Mugg", SIZES), { deliveries: 2 });
    const [created] = await settledJobs("product", 1);
    expect(created.status).toBe("succeeded");
    expect((await articles()).map(row).sort()).toEqual([
      ["MUG-L", "Mugg - L", "7350000000103", 100.4, "STOCK", true],
      ["MUG-M", "Mugg - M", "7350000000102", 199.2, "STOCK", true],
      ["MUG-S", "Mugg - S", "7350000000101", 159.2, "STOCK", true],
    ]);
    expect((await articles()).map((a) => [a.VAT, a.SalesAccount])).toEqual([[25, 3001], [25, 3001], [25, 3001]]);

    // Renamed, M repriced, and a new variant without an SKU: the three are written, the fourth is reported.
    const repriced = SIZES.map((v) => (v.sku === "MUG-M" ? { ...v, price: "299.00" } : v));
    await stack.sendWebhook(SHOP, "products/update", product("2026-11-21T10:00:00+01:00", "Kaffemugg", [...repriced, { id: 4, title: "XL", sku: null, price: "349.00" }]));
    const renamed = (await settledJobs("product", 2))[1];
    expect(renamed.status).toBe("needs_action");
    expect(renamed.lastErrorCode).toBe("article_key_missing");
    expect(renamed.lastError).toContain('"Kaffemugg - XL"');
    expect((await articles()).map((a) => [a.Description, a.SalesPrice]).sort()).toEqual([["Kaffemugg - L", 100.4], ["Kaffemugg - M", 239.2], ["Kaffemugg - S", 159.2]]);

    // The SKU added: the fourth article is made.
    const complete = [...repriced, { id: 4, title: "XL", sku: "MUG-XL", price: "349.00" }];
    await stack.sendWebhook(SHOP, "products/update", product("2026-11-21T11:00:00+01:00", "Kaffemugg", complete));
    expect((await settledJobs("product", 3))[2].status).toBe("succeeded");
    expect((await articles()).find((a) => a.ArticleNumber === "MUG-XL")).toMatchObject({ SalesPrice: 279.2, VAT: 25, SalesAccount: 3001 });

    // Shopify sends products/update for changes Kontera does not write (stock, among them its own
    // stock writes): nothing is called, so nothing loops.
    await stack.sendWebhook(SHOP, "products/update", product("2026-11-21T12:00:00+01:00", "Kaffemugg", complete));
    const echo = (await settledJobs("product", 4))[3];
    expect(echo.history.at(-1)).toMatchObject({ outcome: "skipped: nothing Kontera writes has changed", apiCalls: 0 });

    await stack.sendWebhook(SHOP, "products/delete", { id: PRODUCT });
    const deleted = (await settledJobs("product", 5))[4];
    expect(deleted.status).toBe("succeeded");
    expect((await articles()).map((a) => a.Active)).toEqual([false, false, false, false]);
  });

  it("numbers articles by EAN and books an order's line on its variant's EAN article when the EAN is the article key", async () => {
    await saveSettings({ articleKey: "ean" });
    const CUP = 9_200_000_000_002;
    const cup = { id: CUP, admin_graphql_api_id: `gid://shopify/Product/${CUP}`, title: "Kopp", updated_at: "2026-11-22T10:00:00+01:00",
      variants: [{ id: 21, title: "Default Title", sku: "CUP-1", barcode: "7350000000201", price: "89.00", requires_shipping: true }] };
    await stack.sendWebhook(SHOP, "products/create", cup);
    expect((await settledJobs("product", 6))[5].status).toBe("succeeded");
    const cupArticle = (await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/articles`)).json()).Articles.find((a: any) => a.ArticleNumber === "7350000000201");
    expect(cupArticle).toMatchObject({ Description: "Kopp", EAN: "7350000000201", SalesPrice: 71.2 });

    // The order's line carries the variant, not its barcode: Kontera reads it from Shopify.
    const order = withIdentity(fixtureOrder("simple-1001.json"), 7_600_000_000_002, 9102);
    order.line_items = [{ ...order.line_items[0], sku: "CUP-1", variant_id: 21, product_id: CUP }];
    await stack.sendWebhook(SHOP, "orders/paid", order);
    await waitSettled(stack, SHOP, 2);
    const invoices = (await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/invoices`)).json()).Invoices;
    const rows = invoices.find((i: any) => i.ExternalInvoiceReference1 === order.admin_graphql_api_id).InvoiceRows;
    expect(rows.map((r: any) => r.ArticleNumber)).toContain("7350000000201");
    expect(rows.map((r: any) => r.ArticleNumber)).not.toContain("CUP-1");
    await saveSettings({ articleKey: "sku" });
  });
});
