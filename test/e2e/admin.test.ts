import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORTNOX_TENANT, fixtureOrder, withIdentity } from "../helpers/orders";
import { waitFor } from "../helpers/services";
import { launchAdminBrowser, openAdminPage, type AdminBrowser } from "../helpers/admin-browser";
import { postJson, startStack, type Stack } from "../helpers/stack";

// The admin page in real Chromium, opened the way Shopify admin opens it (test/helpers/admin-browser.ts).

const SHOP = "admin-test.myshopify.com";
let stack: Stack;
let browser: AdminBrowser;

beforeAll(async () => {
  stack = await startStack();
  await stack.installAndConnect(SHOP);
  browser = await launchAdminBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("the admin page", () => {
  it("shows the Fortnox connection and a failed order, and Replay books it after the fix", async () => {
    const order = withIdentity(fixtureOrder("simple-1001.json"), 7400000000001, 8001);
    order.currency = "PLN";
    await stack.sendWebhook(SHOP, "orders/paid", order);
    const job = await waitFor("the order to need action", () => stack.db.client.syncJob.findFirst({ where: { shop: SHOP, status: "needs_action" } }));

    const { page, errors } = await openAdminPage(stack, browser.context, SHOP);
    await page.screenshot({ path: path.join(os.tmpdir(), "kontera-admin.png"), fullPage: true });

    await expect.poll(() => page.getByText("Connected to Demo Handel AB").count()).toBe(1);
    await expect.poll(() => page.getByText(order.name).count()).toBe(1);
    expect(await page.locator("body").innerText()).toMatch(/PLN/);

    await postJson(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/currencies`, { Code: "PLN", BuyRate: 2.6, SellRate: 2.7 });
    await page.getByRole("button", { name: "Replay" }).click();
    await waitFor("the replayed job to succeed", () => stack.db.client.syncJob.findFirst({ where: { id: job.id, status: "succeeded" } }));
    await expect.poll(() => page.getByText("Nothing: every order is booked or on its way.").count(), { timeout: 15_000 }).toBe(1);
    expect(errors).toEqual([]);
  });
});
