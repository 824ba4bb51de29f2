import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateOrders } from "../fixtures/shopify/orders.js";
import { launchAdminBrowser, openAdminPage, type AdminBrowser } from "../helpers/admin-browser";
import { postJson, startStack, waitSettled, type Stack } from "../helpers/stack";

// The backfill page in real Chromium: the merchant picks a range, starts, and watches the
// progress bar follow the worker to the end.

const SHOP = "backfill-e2e.myshopify.com";
const DAY = 86_400_000;
let stack: Stack;
let browser: AdminBrowser;

// One clock for the orders and the form, so a run across midnight (UTC) shifts neither.
const NOW = Date.now();
const dayAgo = (n: number) => new Date(NOW - n * DAY).toISOString().slice(0, 10);
const orders = generateOrders(12, { seed: 909, startOrderNumber: 71_001, shop: SHOP }).map((o, i) => {
  const at = `${dayAgo(3 + (i % 4))}T12:00:00+00:00`;
  return { ...o, created_at: at, processed_at: at, updated_at: at, line_items: o.line_items.map((l) => ({ ...l, sku: "" })) };
});

beforeAll(async () => {
  stack = await startStack();
  await stack.installAndConnect(SHOP);
  await stack.db.client.shop.update({ where: { shop: SHOP }, data: { settings: JSON.stringify({ bookkeeping: "draft", privateCustomers: "webshop" }) } });
  await postJson(`${stack.shopifySim.url}/__sim/orders`, { shop: SHOP, orders });
  browser = await launchAdminBrowser(stack, SHOP);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("the backfill page", () => {
  it("starts a backfill from the form and shows the progress bar moving to completion", async () => {
    // Each page of orders answers slowly, so the bar is seen between its ends.
    await postJson(`${stack.shopifySim.url}/__sim/holds`, { query: "KonteraBackfillPage", delayMs: 1_200, count: 3 });
    const { page, errors } = await openAdminPage(stack, browser.context, SHOP, "/app/backfill");
    await expect.poll(() => page.getByText("Book earlier orders").count()).toBeGreaterThan(0);

    await page.getByLabel("From").fill(dayAgo(7));
    await page.getByLabel("To").fill(dayAgo(2));
    await page.getByRole("button", { name: "Book these orders" }).click();

    const seen = new Set<number>();
    const bar = page.locator("progress");
    await expect.poll(async () => {
      const value = (await bar.count()) ? Number(await bar.first().getAttribute("value")) : -1;
      if (value >= 0) seen.add(value);
      return value;
    }, { timeout: 45_000, interval: 200 }).toBe(100);
    expect([...seen].some((v) => v > 0 && v < 100), `values seen: ${[...seen].join(", ")}`).toBe(true);

    await expect.poll(() => page.getByText("12 of 12 orders read").count()).toBe(1);
    await expect.poll(() => page.getByText("Done", { exact: true }).count()).toBe(1);
    expect(await page.locator("body").innerText()).toMatch(/12 sent for booking · 0 skipped/);
    await expect.poll(() => page.getByText(`Orders from ${dayAgo(7)} to ${dayAgo(2)}`, { exact: false }).count()).toBe(1);
    await page.waitForTimeout(800); // Polaris animates the bar to its value
    await page.screenshot({ path: path.join(os.tmpdir(), "kontera-backfill.png"), fullPage: true });

    await waitSettled(stack, SHOP, 12);
    expect(await stack.db.client.syncJob.count({ where: { shop: SHOP, kind: "invoice", status: "succeeded" } })).toBe(12);
    expect(errors).toEqual([]);
  });
});
