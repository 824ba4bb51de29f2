import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { BROWSER, type Stack } from "./stack";

// The embedded admin in real Chromium, opened the way Shopify admin opens it (the Shopify
// simulator's /store/<handle>/apps/kontera redirects with a fresh session token). App Bridge
// normally comes from Shopify's CDN, which is unreachable here: a stand-in adds the session token
// to the app's own fetches, which is the part of App Bridge the pages depend on.

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

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

export interface AdminBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Chromium with the App Bridge stand-in: each page load gets a fresh session token for the shop
 * the page was opened for (the `shop` Shopify puts in the app's URL).
 */
export async function launchAdminBrowser(stack: Stack, defaultShop: string): Promise<AdminBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is needed at ${CHROMIUM}: apt-get install -y chromium`);
  const profile = mkdtempSync(path.join(os.tmpdir(), "kontera-chrome-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1200, height: 900 },
    userAgent: BROWSER, // headless Chromium's own user agent is turned away as a bot (410)
  });
  await context.route("https://cdn.shopify.com/**", async (route) => {
    const js = route.request().url().endsWith(".js");
    const shop = new URL(route.request().frame().url()).searchParams.get("shop") ?? defaultShop;
    await route.fulfill({ status: 200, contentType: js ? "application/javascript" : "text/css", body: js ? appBridgeStandIn(await stack.sessionToken(shop)) : "" });
  });
  return { context, close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

/** Opens an admin page as the merchant would, from Shopify admin, for a shop and in a language. */
export async function openAdmin(stack: Stack, page: Page, appPath: string, o: { shop: string; locale?: "en" | "sv" }): Promise<void> {
  const handle = o.shop.replace(/\.myshopify\.com$/, "");
  const at = appPath === "/app" ? "" : appPath;
  await page.goto(`${stack.shopifySim.url}/store/${handle}/apps/kontera${at}?locale=${o.locale ?? "en"}`, { waitUntil: "networkidle" });
}
