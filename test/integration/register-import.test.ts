import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCustomers, generateProducts } from "../fixtures/shopify/catalog.js";
import { FORTNOX_TENANT } from "../helpers/orders";
import { waitFor } from "../helpers/services";
import { postJson, startStack, type Stack } from "../helpers/stack";

// The initial import of the customer and product registers, over HTTP on real parts: the
// merchant's button (the page's action), the worker reading Shopify's registers (pages, or a
// bulk operation), each customer/product through its webhook's ingest and job, written into the
// Fortnox simulator under its real rate limit. A worker killed half-way leaves nothing twice.

const SHOP = "register-import.myshopify.com";
let stack: Stack;

const customers = generateCustomers(15, { seed: 81, startId: 8_300_000_000_001 });
const products = generateProducts(6, { seed: 82, startId: 9_300_000_000_001 });
products[1].variants[0].sku = null; // one variant without the article key

const keyedVariants = products.flatMap((p) => p.variants.filter((v) => v.sku?.trim()));
const unkeyedProducts = products.filter((p) => p.variants.some((v) => !v.sku?.trim()));

async function act(fields: Record<string, string>): Promise<{ status: number; body: any }> {
  const res = await stack.adminFetch(SHOP, "/app/backfill?_data=routes%2Fapp.backfill", {
    method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields),
  });
  return { status: res.status, body: await res.json() };
}
const page = async () => (await stack.adminFetch(SHOP, "/app/backfill?_data=routes%2Fapp.backfill")).json();

async function saveSettings(settings: unknown) {
  const res = await stack.adminFetch(SHOP, `/app/settings?_data=${encodeURIComponent("routes/app.settings")}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(settings),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

const jobs = (kind: "customer" | "product") => stack.db.client.syncJob.findMany({ where: { shop: SHOP, kind } });
const settled = (kind: "customer" | "product", count: number, timeoutMs = 90_000) =>
  waitFor(`${count} settled ${kind} jobs`, async () => {
    const all = await jobs(kind);
    return all.length === count && all.every((j) => !["pending", "running", "retrying"].includes(j.status)) ? all : undefined;
  }, timeoutMs, 250).catch((e) => { throw new Error(`${e.message}\n${stack.output().slice(-3000)}`); });
const importRow = (subject: string) => stack.db.client.backfill.findFirstOrThrow({ where: { shop: SHOP, subject }, orderBy: { startedAt: "desc" } });
const fortnox = async (what: "customers" | "articles"): Promise<any[]> =>
  (await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/${what}`)).json())[what === "customers" ? "Customers" : "Articles"];
const fortnoxStats = async () => (await fetch(`${stack.fortnoxSim!.url}/__sim/stats`)).json();

beforeAll(async () => {
  // A short lock lets the jobs the killed worker held run again in seconds.
  stack = await startStack({ env: { SYNC_LOCK_MS: "2500" } });
  await stack.installAndConnect(SHOP);
  await postJson(`${stack.shopifySim.url}/__sim/customers`, { shop: SHOP, customers });
  await postJson(`${stack.shopifySim.url}/__sim/products`, { shop: SHOP, products });
});
afterAll(async () => { await stack?.stop(); });

describe("initial import of the registers", () => {
  it("refuses to import a register whose sync is off, saying where to turn it on", async () => {
    const refused = await act({ intent: "import", subject: "customers" });
    expect(refused.status).toBe(400);
    expect(refused.body.error.key).toBe("import.error.off");
    expect(await stack.db.client.backfill.count({ where: { shop: SHOP } })).toBe(0);
    await saveSettings({ customers: { sync: true }, products: { sync: true } });
  });

  it("imports every customer once, through a worker killed half-way through the writes", async () => {
    expect((await act({ intent: "import", subject: "customers" })).status).toBe(200);
    // A second start while one runs is refused.
    expect((await act({ intent: "import", subject: "customers" })).body.error.key).toBe("import.error.running");
    await waitFor("some customers written", async () => ((await jobs("customer")).filter((j) => j.status === "succeeded").length >= 5 ? true : null), 60_000, 100);
    await stack.stopWorker("SIGKILL");
    const atKill = await jobs("customer");
    expect(atKill.filter((j) => j.status === "succeeded").length).toBeLessThan(customers.length);

    await stack.startWorker();
    const done = await settled("customer", customers.length);
    expect(done.every((j) => j.status === "succeeded")).toBe(true);
    expect(await importRow("customers")).toMatchObject({ status: "completed", mode: "pages", total: 15, seen: 15, queued: 15, skipped: 0, failed: 0 });

    // Each Shopify customer is one Fortnox customer.
    const perEmail = new Map<string, number>();
    for (const c of await fortnox("customers")) perEmail.set(String(c.Email).toLowerCase(), (perEmail.get(String(c.Email).toLowerCase()) ?? 0) + 1);
    for (const c of customers) expect(perEmail.get(c.email!.toLowerCase()), c.email!).toBe(1);
    expect((await page()).imports.customers).toMatchObject({ status: "completed", percent: 100, written: { done: 15, waiting: 0, problems: 0 } });
  });

  it("imports every product's variants as articles from a bulk read, and names the variants without an SKU", async () => {
    await stack.stopWorker();
    await stack.startWorker({ BACKFILL_BULK_THRESHOLD: "3" });
    expect((await act({ intent: "import", subject: "products" })).status).toBe(200);
    const done = await settled("product", products.length);
    expect(await importRow("products")).toMatchObject({ status: "completed", mode: "bulk", total: 6, seen: 6, queued: 6 });
    for (const p of unkeyedProducts) expect(done.find((j) => j.subjectId.startsWith(`${p.admin_graphql_api_id}@`))?.lastErrorCode).toBe("article_key_missing");
    expect(done.filter((j) => j.status === "succeeded")).toHaveLength(products.length - unkeyedProducts.length);

    const articles = new Map((await fortnox("articles")).map((a) => [a.ArticleNumber, a]));
    for (const v of keyedVariants) expect(articles.get(v.sku!), v.sku!).toMatchObject({ Active: true, EAN: v.barcode ?? null });
    expect((await page()).imports.products.written).toMatchObject({ done: 5, problems: 1 });
  });

  it("stayed inside Fortnox's limit the whole time: at most 25 requests in any 5 s, and nothing refused", async () => {
    const stats = await fortnoxStats();
    expect(stats.maxInWindow).toBeLessThanOrEqual(25);
    expect(stats.rateLimited).toBe(0);
  });
});
