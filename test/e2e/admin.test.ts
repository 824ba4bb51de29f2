import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORTNOX_TENANT, fixtureOrder, withIdentity } from "../helpers/orders";
import { waitFor } from "../helpers/services";
import { BROWSER, postJson, startStack, type Stack } from "../helpers/stack";

// The admin page in real Chromium, opened the way Shopify admin opens it (the Shopify simulator's
// /store/<handle>/apps/kontera redirects with a fresh session token). App Bridge normally comes
// from Shopify's CDN, which is unreachable here: a stand-in adds the session token to the app's
// own fetches, which is the part of App Bridge the page depends on.

const SHOP = "admin-test.myshopify.com";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
let stack: Stack;
let context: BrowserContext;
let profile: string;

function appBridgeStandIn(idToken: string) {
  return `(() => {
    const token = ${JSON.stringify(idToken)};
    window.shopify = { idToken: async () => token, config: {}, toast: { show() {} }, loading() {} };
    const original = window.fetch.bind(window);
    window.fetch = (input, init = {}) => {
      const url = new URL(typeof input === "string" ? input : input.url, location.href);
      if (url.origin !== location.origin) return original(input, init);
      const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
      headers.set("Authorization", "Bearer " + token);
      return original(input, { ...init, headers });
    };
  })();`;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is needed at ${CHROMIUM}: apt-get install -y chromium`);
  stack = await startStack();
  await stack.installAndConnect(SHOP);
  profile = mkdtempSync(path.join(os.tmpdir(), "kontera-chrome-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1200, height: 900 },
    userAgent: BROWSER, // headless Chromium's own user agent is turned away as a bot (410)
  });
});

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await stack?.stop();
});

describe("the admin page", () => {
  it("shows the Fortnox connection and a failed order, and Replay books it after the fix", async () => {
    const order = withIdentity(fixtureOrder("simple-1001.json"), 7400000000001, 8001);
    order.currency = "PLN";
    await stack.sendWebhook(SHOP, "orders/paid", order);
    const job = await waitFor("the order to need action", () => stack.db.client.syncJob.findFirst({ where: { shop: SHOP, status: "needs_action" } }));

    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.route("https://cdn.shopify.com/**", async (route) => {
      const js = route.request().url().endsWith(".js");
      await route.fulfill({ status: 200, contentType: js ? "application/javascript" : "text/css", body: js ? appBridgeStandIn(await stack.sessionToken(SHOP)) : "" });
    });
    await page.goto(`${stack.shopifySim.url}/store/admin-test/apps/kontera`, { waitUntil: "networkidle" });
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
