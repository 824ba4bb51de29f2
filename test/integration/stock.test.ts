import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORTNOX_TENANT, fixtureOrder, withIdentity } from "../helpers/orders";
import { waitFor } from "../helpers/services";
import { postJson, startStack, waitSettled, type Stack } from "../helpers/stack";

// Stock back to Shopify over HTTP on real parts: the worker's scheduled run reads the articles
// whose stock changed in the Fortnox simulator and writes Shopify's available quantity at the
// chosen location in the Shopify simulator, with changeFromQuantity so a sale in between is kept.

const SHOP = "stock-sync.myshopify.com";
const LOCATION = "gid://shopify/Location/1";
const TICK_MS = 1_500;
let stack: Stack;

const PRODUCT = {
  id: 9_400_000_000_001, admin_graphql_api_id: "gid://shopify/Product/9400000000001", title: "Lampa", updated_at: "2026-11-20T10:00:00+01:00",
  variants: [
    { id: 1, title: "Vit", sku: "LAMP-1", price: "499.00", inventory_item_id: 7001, inventory_quantity: 3, requires_shipping: true },
    { id: 2, title: "Svart", sku: "LAMP-2", price: "499.00", inventory_item_id: 7002, inventory_quantity: 5, requires_shipping: true },
    { id: 3, title: "Röd", sku: "SHOP-ONLY", price: "499.00", inventory_item_id: 7003, inventory_quantity: 2, requires_shipping: true },
  ],
};

const inventory = async () => (await (await fetch(`${stack.shopifySim.url}/__sim/inventory?shop=${SHOP}`)).json()) as {
  levels: { sku: string; locationId: string; available: number; inventoryItemId: string }[];
  writes: { idempotencyKey: string | null; changes: { inventoryItemId: string; name: string; quantityAfterChange: number }[] }[];
};
const available = async (sku: string) => (await inventory()).levels.find((l) => l.sku === sku && l.locationId === LOCATION)!.available;
const writesTo = async (item: number) => (await inventory()).writes.flatMap((w) => w.changes).filter((c) => c.name === "available" && c.inventoryItemId === `gid://shopify/InventoryItem/${item}`);
const fortnoxStock = (ArticleNumber: string, QuantityInStock: string) =>
  fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/stock`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ ArticleNumber, QuantityInStock }) }).then((r) => r.json());
/** Two ticks: the one under way when the change was made may have read before it. */
const withinATick = (what: string, check: () => Promise<boolean>) => waitFor(what, async () => ((await check()) ? true : null), 2 * TICK_MS + 3_000, 100);

async function saveSettings(settings: unknown) {
  const res = await stack.adminFetch(SHOP, `/app/settings?_data=${encodeURIComponent("routes/app.settings")}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(settings),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

beforeAll(async () => {
  stack = await startStack({ env: { STOCK_SYNC_INTERVAL_MS: String(TICK_MS) } });
  await stack.installAndConnect(SHOP);
  await postJson(`${stack.shopifySim.url}/__sim/products`, { shop: SHOP, product: PRODUCT });
  await fortnoxStock("LAMP-2", "5"); // as Shopify has it
  await fortnoxStock("FORTNOX-ONLY", "4");
});
afterAll(async () => { await stack?.stop(); });

describe("stock back to Shopify", () => {
  it("refuses the stock sync without a location, and lists the shop's locations to choose from", async () => {
    const res = await stack.adminFetch(SHOP, `/app/settings?_data=${encodeURIComponent("routes/app.settings")}`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ stock: { sync: true } }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual([{ path: "stock.locationId", key: "settings.error.location" }]);
    const page = await (await stack.adminFetch(SHOP, `/app/settings?_data=${encodeURIComponent("routes/app.settings")}`)).json();
    expect(page.locations).toEqual([{ id: LOCATION, name: "Shop location" }]);
    // The product sync is on too: our stock writes come back as products/update, which must write nothing.
    await saveSettings({ stock: { sync: true, locationId: LOCATION }, products: { sync: true } });
  });

  it("writes a stock count in Fortnox to Shopify within a tick, only for SKUs both have, and our write's echo changes nothing", async () => {
    await fortnoxStock("LAMP-1", "12");
    await withinATick("LAMP-1 at 12 in Shopify", async () => (await available("LAMP-1")) === 12);
    expect(await available("LAMP-2")).toBe(5);
    expect(await available("SHOP-ONLY")).toBe(2);
    expect(await writesTo(7002)).toEqual([]); // already equal: not written

    // Shopify answers our write with products/update; the product job writes the articles once,
    // and after that neither side has anything to write: no write back and forth.
    await waitFor("the product job", async () => ((await stack.db.client.syncJob.count({ where: { shop: SHOP, kind: "product" } })) > 0 ? true : null), 10_000, 100);
    await new Promise((r) => setTimeout(r, 3 * TICK_MS));
    expect((await writesTo(7001)).map((c) => c.quantityAfterChange)).toEqual([12]);
    // SHOP-ONLY's article, made by the product sync, keeps no stock in Fortnox: Shopify's 2 stay.
    expect(await available("SHOP-ONLY")).toBe(2);
    expect(await writesTo(7003)).toEqual([]);
    const productJobs = await stack.db.client.syncJob.findMany({ where: { shop: SHOP, kind: "product" }, include: { history: true } });
    expect(productJobs.length).toBeLessThanOrEqual(2);
    expect(productJobs.slice(1).every((j) => j.history.at(-1)?.outcome === "skipped: nothing Kontera writes has changed")).toBe(true);
  });

  it("keeps a sale made in Shopify between Kontera's read and its write, and lands on the stock less the sale", async () => {
    // Kontera's next write waits at Shopify; the sale happens meanwhile.
    await postJson(`${stack.shopifySim.url}/__sim/holds`, { query: "KonteraStockWrite", delayMs: 2_000, count: 1 });
    await fortnoxStock("LAMP-1", "20");
    await waitFor("the write to be held", async () => ((await (await fetch(`${stack.shopifySim.url}/__sim/holds`)).json()).holds.every((h: any) => h.count === 0) ? true : null), 2 * TICK_MS + 3_000, 50);
    await postJson(`${stack.shopifySim.url}/__sim/inventory/adjust`, { shop: SHOP, sku: "LAMP-1", delta: -1 });
    const order = withIdentity(fixtureOrder("simple-1001.json"), 7_700_000_000_001, 9201);
    order.line_items = [{ ...order.line_items[0], sku: "LAMP-1", variant_id: 1, product_id: PRODUCT.id, quantity: 1 }];
    await stack.sendWebhook(SHOP, "orders/paid", order);
    // The held write (12 → 20) named 12, but the sale made it 11: refused, nothing written.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await available("LAMP-1")).toBe(11);

    // Then 20 less the sale: from the unbooked order, or from Fortnox once its invoice is booked.
    await waitSettled(stack, SHOP, 1);
    await withinATick("LAMP-1 at 19 in Shopify", async () => (await available("LAMP-1")) === 19);
    const fortnoxLamp = (await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/articles`)).json()).Articles.find((a: any) => a.ArticleNumber === "LAMP-1");
    expect(fortnoxLamp.QuantityInStock).toBe(19); // the booked invoice took it out of Fortnox's stock
    expect((await writesTo(7001)).map((c) => c.quantityAfterChange)).not.toContain(20); // 20 was never written
  });
});
