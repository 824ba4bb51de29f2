import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FORTNOX_TENANT, fixtureOrder, withIdentity } from "../helpers/orders";
import { ROOT, waitFor } from "../helpers/services";
import { launchAdminBrowser, type AdminBrowser } from "../helpers/admin-browser";
import { postJson, startStack, writtenBack, type Stack } from "../helpers/stack";

// The order page's extensions (extensions/order-sync, as `shopify app build` bundled them) in real
// Chromium, hosted by the Shopify simulator the way the admin hosts them: on another origin than
// the app, calling the app's /api/orders routes with a session token the host adds, so CORS and
// authentication are the real ones. What each test reads is what the backend answered.

const SHOP = "order-page.myshopify.com";
const HANDLE = "order-page";
const SCREENSHOTS = path.join(ROOT, ".tmp/screenshots");
const BLOCK = "admin.order-details.block.render";
const ACTION = "admin.order-details.action.render";
const BULK = "admin.order-index.selection-action.render";
let stack: Stack;
let browser: AdminBrowser;
let page: Page;
const pageErrors: string[] = [];

async function openExtension(target: string, ids: (string | number)[], o: { locale?: "en" | "sv"; shot?: string } = {}) {
  const q = new URLSearchParams({ target, ids: ids.join(","), locale: o.locale ?? "en" });
  await page.goto(`${stack.shopifySim.url}/store/${HANDLE}/extensions/order-sync?${q}`, { waitUntil: "networkidle" });
  if (o.shot) await page.screenshot({ path: path.join(SCREENSHOTS, `${o.shot}.png`), fullPage: true });
}

/** What the merchant reads: the text, and the headings the components draw from their attribute. */
const text = () =>
  page.evaluate(() => [...document.querySelectorAll("[heading]")].map((e) => e.getAttribute("heading")).join("\n") + "\n" + document.body.innerText);
const visible = (s: string | RegExp, timeout = 15_000) =>
  expect.poll(async () => (typeof s === "string" ? (await text()).includes(s) : s.test(await text())), { timeout });
const click = (label: string) => page.locator("s-button", { hasText: label }).click();
const gid = (id: number) => `gid://shopify/Order/${id}`;

/** What Shopify holds for the order: the app's metafield (status JSON) and the order's tags. */
const statusOf = (id: number) => writtenBack(stack, SHOP, gid(id));

/** A paid order that Shopify has and Kontera never received (placed before the app, say). */
async function shopifyOnlyOrder(id: number, number: number) {
  const order = withIdentity(fixtureOrder("simple-1001.json"), id, number);
  // Placed yesterday: Shopify shows apps the last 60 days of orders only (without read_all_orders).
  order.created_at = order.processed_at = order.updated_at = new Date(Date.now() - 86_400_000).toISOString();
  await postJson(`${stack.shopifySim.url}/__sim/orders`, { shop: SHOP, order });
  return order;
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  stack = await startStack();
  await stack.installAndConnect(SHOP);
  browser = await launchAdminBrowser(stack, SHOP);
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") pageErrors.push(m.text()); });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail") await page?.screenshot({ path: path.join(SCREENSHOTS, "order-page-failed.png"), fullPage: true }).catch(() => {});
});

describe("the order page", () => {
  it("block: a failed order shows why and the fix; Replay books it, the block turns booked without a reload, and the metafield and tags follow", async () => {
    const order = withIdentity(fixtureOrder("simple-1001.json"), 7500000000001, 9001);
    order.currency = "PLN"; // not set up in the Fortnox company: refused until it is
    await stack.sendWebhook(SHOP, "orders/paid", order);
    await waitFor("the order to stop", () => stack.db.client.syncJob.findFirst({ where: { shop: SHOP, subjectId: gid(order.id), status: "needs_action" } }));
    await waitFor("the status written back", async () => (await statusOf(order.id)).tags.includes("kontera:needs-action") || undefined);

    await openExtension(BLOCK, [order.id], { shot: "order-block-failed" });
    await visible("Needs action").toBe(true);
    const shown = await text();
    expect(shown).toContain("The order's currency is not set up in the accounting system.");
    expect(shown).toContain("Add the currency in the accounting system");
    expect(shown).toMatch(/Invoice, attempt 1 · Needs action/);
    expect(await statusOf(order.id)).toMatchObject({ status: "needs_action", tags: ["kontera:needs-action"] });

    await postJson(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/currencies`, { Code: "PLN", BuyRate: 2.6, SellRate: 2.7 });
    await page.evaluate(() => ((window as any).__sameDocument = true));
    await click("Replay");
    await visible("Booked in Fortnox.", 30_000).toBe(true);
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, "order-block-booked.png"), fullPage: true });
    const link = await stack.db.client.documentLink.findFirstOrThrow({ where: { shop: SHOP, shopifyId: gid(order.id), kind: "invoice" } });
    expect(await text()).toContain(`Invoice ${link.remoteNumber}`);
    expect(await page.locator("s-link", { hasText: "Open" }).first().getAttribute("href")).toContain(`/invoices/${link.remoteNumber}`);

    await waitFor("the booked status written back", async () => ((await statusOf(order.id)).status === "synced" ? true : undefined));
    expect(await statusOf(order.id)).toMatchObject({ status: "synced", documentNumber: link.remoteNumber, tags: ["kontera:synced"] });
    // Our own writes came back as orders/updated, and booked nothing more.
    expect(await stack.db.client.syncJob.count({ where: { shop: SHOP, orderId: gid(order.id), kind: "invoice" } })).toBe(1);
    expect(await stack.db.client.documentLink.count({ where: { shop: SHOP, shopifyId: gid(order.id), kind: "invoice" } })).toBe(1);

    await openExtension(BLOCK, [order.id], { locale: "sv" });
    await visible("Bokförd i Fortnox.").toBe(true);
    expect(await text()).toContain("Bokförd");
    expect(pageErrors).toEqual([]);
  });

  it("action: an order Kontera never received is shown as it would be booked, and Sync now books it once", async () => {
    const order = await shopifyOnlyOrder(7500000000002, 9002);
    await openExtension(BLOCK, [order.id]);
    await visible("Not synced").toBe(true);
    expect(await text()).toContain("Kontera has not received this order");

    await openExtension(ACTION, [order.id], { shot: "order-action-preview" });
    await visible("What will be booked: Invoice in Fortnox").toBe(true);
    const shown = await text();
    for (const line of order.line_items) expect(shown).toContain(line.title);
    expect(shown).toContain(`Total ${Number(order.total_price).toLocaleString("en-GB", { minimumFractionDigits: 2 })} ${order.currency}`);

    await click("Sync now");
    await visible("Queued: it is being booked now.").toBe(true);
    await waitFor("the order to be booked", () => stack.db.client.documentLink.findFirst({ where: { shop: SHOP, shopifyId: gid(order.id), kind: "invoice" } }));
    // A second Sync now (a double click, another tab) books nothing more.
    await openExtension(ACTION, [order.id]);
    await visible("Booked").toBe(true);
    expect(await page.locator("s-button", { hasText: "Sync now" }).getAttribute("disabled")).not.toBeNull();
    const again = await stack.adminFetch(SHOP, `/api/orders/${order.id}`, { method: "POST" });
    expect((await again.json()).outcome).toBe("already_booked");
    expect(await stack.db.client.documentLink.count({ where: { shop: SHOP, shopifyId: gid(order.id), kind: "invoice" } })).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it("bulk action: the selected orders are synced or replayed, with a count of each outcome", async () => {
    const fresh = [await shopifyOnlyOrder(7500000000003, 9003), await shopifyOnlyOrder(7500000000004, 9004)];
    const booked = await stack.db.client.documentLink.findFirstOrThrow({ where: { shop: SHOP, kind: "invoice" } });
    const ids = [...fresh.map((o) => o.id), booked.shopifyId.split("/").pop()!];

    await openExtension(BULK, ids, { locale: "sv" });
    await visible("3 ordrar valda.").toBe(true);
    await click("Synka 3 ordrar");
    await visible("2 köade, 0 körs igen, 1 redan bokförda").toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, "order-bulk-done.png"), fullPage: true });
    for (const o of fresh) {
      await waitFor(`${o.name} to be booked`, () => stack.db.client.documentLink.findFirst({ where: { shop: SHOP, shopifyId: gid(o.id), kind: "invoice" } }));
    }
    expect(pageErrors).toEqual([]);
  });
});
