// The Shopify simulator's catalog: products, customers and inventory over real HTTP, and the
// catalog fixtures (test/fixtures/shopify/catalog.ts). A throwaway node:http server plays the app
// and records the webhooks the simulator sends.
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { simClient, waitFor } from "./sim-client";
import { startShopifySimulator, type ShopifySim } from "./shopify/server";
import { generateCustomers, generateProducts, isValidEan13, type ShopifyProductPayload } from "../fixtures/shopify/catalog.js";

const API_KEY = "kontera-catalog-test-key";
const API_SECRET = randomBytes(24).toString("hex");
const SHOP = "catalog-test.myshopify.com";
const DEFAULT_LOCATION = "gid://shopify/Location/1";

const TOML = `
client_id = "${API_KEY}"
name = "Kontera catalog test"
embedded = true

[access_scopes]
scopes = "read_orders,write_orders,read_customers,read_products,read_inventory,write_inventory,read_locations"

[webhooks]
api_version = "2026-07"

  [[webhooks.subscriptions]]
  topics = ["products/create", "products/update", "products/delete"]
  uri = "/webhooks/products"

  [[webhooks.subscriptions]]
  topics = ["customers/create", "customers/update", "customers/delete"]
  uri = "/webhooks/customers"
`;

let sim: ShopifySim;
let app: http.Server;
let dir: string;
const received: { path: string; topic: string; body: any }[] = [];

const { postJson, getJson } = simClient(() => sim.url);

async function token(): Promise<string> {
  const { idToken } = (await postJson("/__sim/session-token", { shop: SHOP })).body;
  const r = await postJson(`/${SHOP}/admin/oauth/access_token`, {
    client_id: API_KEY,
    client_secret: API_SECRET,
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    subject_token: idToken,
    subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
    requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
    expiring: "1",
  });
  expect(r.status).toBe(200);
  return r.body.access_token;
}

async function gql(tok: string, query: string, variables?: Record<string, unknown>, version = "2026-07") {
  const r = await postJson(`/${SHOP}/admin/api/${version}/graphql.json`, { query, variables }, { "X-Shopify-Access-Token": tok });
  expect(r.status).toBe(200);
  return r.body;
}


beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "shopify-catalog-"));
  writeFileSync(join(dir, "shopify.app.toml"), TOML);
  app = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", topic: String(req.headers["x-shopify-topic"]), body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  sim = await startShopifySimulator({ apiKey: API_KEY, apiSecret: API_SECRET, appUrl, appTomlPath: join(dir, "shopify.app.toml") });
});

afterAll(async () => {
  await sim?.close();
  app?.closeAllConnections();
  await new Promise<void>((r) => app.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  received.length = 0;
  await postJson("/__sim/reset", {});
});

// ---------------------------------------------------------------------------------------------

describe("catalog fixtures", () => {
  it("are deterministic, with unique SKUs and emails, valid EAN-13s, decimal-string prices and E.164 phones", () => {
    const products = generateProducts(400, { seed: 9 });
    expect(generateProducts(400, { seed: 9 })).toEqual(products);
    expect(generateProducts(5, { seed: 10 })).not.toEqual(products.slice(0, 5));
    const variants = products.flatMap((p) => p.variants);
    expect(new Set(products.map((p) => p.variants.length))).toEqual(new Set([1, 2, 3]));
    const skus = variants.map((v) => v.sku).filter((s): s is string => s !== null);
    expect(new Set(skus).size).toBe(skus.length);
    expect(variants.some((v) => v.sku === null)).toBe(true);
    expect(variants.some((v) => v.barcode === null)).toBe(true);
    for (const v of variants) {
      if (v.barcode !== null) expect(isValidEan13(v.barcode), v.barcode).toBe(true);
      expect(v.price).toMatch(/^\d+\.\d{2}$/);
      expect(v.product_id).toBe(products.find((p) => p.variants.includes(v))!.id);
    }
    expect(variants.some((v) => !v.price.endsWith(".00"))).toBe(true);
    expect(new Set(generateProducts(10, { seed: 9, startId: 11 }).map((p) => p.id)).has(products[10]!.id)).toBe(true);

    const customers = generateCustomers(400, { seed: 9 });
    expect(generateCustomers(400, { seed: 9 })).toEqual(customers);
    expect(new Set(customers.map((c) => c.email)).size).toBe(400);
    for (const c of customers) if (c.phone !== null) expect(c.phone).toMatch(/^\+46\d{9}$/);
    expect(customers.some((c) => c.phone === null)).toBe(true);
    expect(customers.some((c) => c.default_address.company !== null)).toBe(true);
    expect(customers.every((c) => c.currency === "SEK" && c.addresses[0] === c.default_address)).toBe(true);
  });
});

describe("stored products and customers", () => {
  it("takes 5,000 products and 5,000 customers in one POST each, well under a second", async () => {
    const products = generateProducts(5000, { seed: 1 });
    const customers = generateCustomers(5000, { seed: 1 });
    let t = performance.now();
    const p = await postJson("/__sim/products", { shop: SHOP, products });
    const productMs = performance.now() - t;
    t = performance.now();
    const c = await postJson("/__sim/customers", { shop: SHOP, customers });
    const customerMs = performance.now() - t;
    console.log(`POST 5000 products: ${productMs.toFixed(0)} ms, 5000 customers: ${customerMs.toFixed(0)} ms`);
    expect(p.body).toEqual({ stored: 5000, stale: 0 });
    expect(c.body).toEqual({ stored: 5000, stale: 0 });
    expect(productMs).toBeLessThan(1000);
    expect(customerMs).toBeLessThan(1000);
    const tok = await token();
    const counts = await gql(tok, `{ productsCount { count precision } customersCount(limit: 1000) { count precision } }`);
    expect(counts.data).toEqual({ productsCount: { count: 5000, precision: "EXACT" }, customersCount: { count: 1000, precision: "AT_LEAST" } });
  });

  it("learns products and customers from webhooks; a stale payload does not roll back; */delete removes", async () => {
    const [product] = generateProducts(1, { seed: 2 });
    const [customer] = generateCustomers(1, { seed: 2 });
    const newer = { ...product!, title: "Newer title", updated_at: "2026-06-01T10:00:00+02:00" };
    expect((await postJson("/__sim/webhooks", { shop: SHOP, topic: "products/update", payload: newer })).status).toBe(200);
    expect((await postJson("/__sim/webhooks", { shop: SHOP, topic: "products/update", payload: product })).status).toBe(200);
    expect((await postJson("/__sim/webhooks", { shop: SHOP, topic: "customers/create", payload: customer })).status).toBe(200);
    expect((await getJson(`/__sim/products?shop=${SHOP}`)).products.map((p: any) => p.title)).toEqual(["Newer title"]);
    expect((await getJson(`/__sim/customers?shop=${SHOP}`)).customers.map((c: any) => c.email)).toEqual([customer!.email]);
    await postJson("/__sim/webhooks", { shop: SHOP, topic: "products/delete", payload: { id: product!.id } });
    await postJson("/__sim/webhooks", { shop: SHOP, topic: "customers/delete", payload: { id: customer!.id } });
    expect((await getJson(`/__sim/products?shop=${SHOP}`)).products).toEqual([]);
    expect((await getJson(`/__sim/customers?shop=${SHOP}`)).customers).toEqual([]);
  });

  it("answers 400 with the offending path for a bad control body", async () => {
    const [product] = generateProducts(1, { seed: 3 });
    const bad = { ...product!, variants: [{ ...product!.variants[0]!, price: 12.5 }] };
    const r = await postJson("/__sim/products", { shop: SHOP, products: [bad] });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/^products\.0\.variants\.0\.price: /);
    expect((await postJson("/__sim/customers", { shop: SHOP, customer: { id: 1 } })).body.error).toMatch(/^customer\.admin_graphql_api_id: /);
    expect((await postJson("/__sim/products", { shop: "nope", product })).status).toBe(400);
  });
});

describe("GraphQL: products, variants, customers", () => {
  it("pages 600 products through products(first: 250), each seen once, with cost and throttling as for orders", async () => {
    await postJson("/__sim/products", { shop: SHOP, products: generateProducts(600, { seed: 4 }) });
    const tok = await token();
    const q = `query($after: String) { products(first: 250, after: $after, sortKey: UPDATED_AT) { edges { cursor node { id legacyResourceId title updatedAt } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    const pages: any[] = [];
    do {
      const r = await gql(tok, q, { after });
      expect(r.errors).toBeUndefined();
      expect(r.extensions.cost.requestedQueryCost).toBe(2 + 250);
      pages.push(r.data.products.pageInfo);
      for (const e of r.data.products.edges) seen.push(e.node.id);
      after = r.data.products.pageInfo.hasNextPage ? r.data.products.pageInfo.endCursor : null;
    } while (after);
    expect(pages.map((p) => p.hasNextPage)).toEqual([true, true, false]);
    expect(pages.map((p) => p.hasPreviousPage)).toEqual([false, true, true]);
    expect(seen).toHaveLength(600);
    expect(new Set(seen).size).toBe(600);

    expect((await gql(tok, `{ products(query: "id:>1") { nodes { id } } }`)).errors[0].message).toBe("you must provide one of first or last");
    expect((await gql(tok, `{ products(first: 251) { nodes { id } } }`)).errors[0].message).toBe("first argument must be between 0 and 250");
    await postJson("/__sim/bucket", { shop: SHOP, currentlyAvailable: 100 });
    const throttled = await gql(tok, q, { after: null });
    expect(throttled.errors[0].extensions.code).toBe("THROTTLED");
  });

  it("reads variants with inventory, rejects ProductVariant.requiresShipping, finds variants by sku OR sku and by barcode", async () => {
    const products = generateProducts(30, { seed: 5 });
    await postJson("/__sim/products", { shop: SHOP, products });
    const withSku = products.flatMap((p) => p.variants).filter((v) => v.sku !== null);
    const [a, b] = [withSku[3]!, withSku[17]!];
    const tok = await token();
    const r = await gql(
      tok,
      `query($q: String!) { productVariants(first: 10, query: $q) { nodes { id sku barcode price compareAtPrice taxable position product { id title }
        inventoryItem { id sku tracked requiresShipping inventoryLevel(locationId: "${DEFAULT_LOCATION}") { location { id name } quantities(names: ["available", "on_hand", "committed"]) { name quantity } } } } } }`,
      { q: `sku:${a.sku} OR sku:${b.sku}` },
    );
    expect(r.errors).toBeUndefined();
    const nodes = r.data.productVariants.nodes;
    expect(nodes.map((n: any) => n.sku).sort()).toEqual([a.sku, b.sku].sort());
    const na = nodes.find((n: any) => n.sku === a.sku);
    expect(na).toMatchObject({ id: a.admin_graphql_api_id, price: a.price, taxable: true, position: a.position });
    expect(na.inventoryItem).toEqual({
      id: `gid://shopify/InventoryItem/${a.inventory_item_id}`,
      sku: a.sku,
      tracked: true,
      requiresShipping: a.requires_shipping,
      inventoryLevel: {
        location: { id: DEFAULT_LOCATION, name: "Shop location" },
        quantities: [
          { name: "available", quantity: a.inventory_quantity },
          { name: "on_hand", quantity: a.inventory_quantity },
          { name: "committed", quantity: 0 },
        ],
      },
    });
    const withBarcode = withSku.find((v) => v.barcode)!;
    const byBarcode = await gql(tok, `{ productVariants(first: 5, query: "barcode:${withBarcode.barcode}") { nodes { id } } }`);
    expect(byBarcode.data.productVariants.nodes).toEqual([{ id: withBarcode.admin_graphql_api_id }]);

    const shipping = await gql(tok, `{ productVariants(first: 1) { nodes { requiresShipping } } }`);
    expect(shipping.data).toBeUndefined();
    expect(shipping.errors[0]).toMatchObject({ message: "Field 'requiresShipping' doesn't exist on type 'ProductVariant'", extensions: { code: "undefinedField" } });

    const p = products[0]!;
    const one = await gql(tok, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on Product { title variantsCount { count } variants(first: 5) { nodes { sku } } } ... on ProductVariant { sku } } }`, {
      ids: [p.admin_graphql_api_id, p.variants[0]!.admin_graphql_api_id, "gid://shopify/Product/1"],
    });
    expect(one.data.nodes).toEqual([
      { __typename: "Product", title: p.title, variantsCount: { count: p.variants.length }, variants: { nodes: p.variants.map((v) => ({ sku: v.sku })) } },
      { __typename: "ProductVariant", sku: p.variants[0]!.sku },
      null,
    ]);
  });

  it("serves a customer page with query filters and the Customer fields Kontera reads", async () => {
    const customers = generateCustomers(40, { seed: 6 });
    await postJson("/__sim/customers", { shop: SHOP, customers });
    const tok = await token();
    const since = customers[20]!.updated_at;
    const r = await gql(
      tok,
      `query($q: String) { customers(first: 50, query: $q, sortKey: UPDATED_AT) { edges { cursor node { id legacyResourceId firstName lastName displayName email phone
        defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } taxExempt tags createdAt updatedAt state amountSpent { amount currencyCode }
        defaultAddress { company address1 address2 city zip province provinceCode countryCodeV2 phone firstName lastName name } } } pageInfo { hasNextPage } } }`,
      { q: `updated_at:>'${since}'` },
    );
    expect(r.errors).toBeUndefined();
    const expected = customers.filter((c) => Date.parse(c.updated_at) > Date.parse(since));
    expect(r.data.customers.edges.map((e: any) => e.node.id).sort()).toEqual(expected.map((c) => c.admin_graphql_api_id).sort());
    const c = customers.find((x) => x.admin_graphql_api_id === r.data.customers.edges[0].node.id)!;
    expect(r.data.customers.edges[0].node).toMatchObject({
      legacyResourceId: String(c.id),
      displayName: `${c.first_name} ${c.last_name}`,
      email: c.email,
      defaultEmailAddress: { emailAddress: c.email },
      defaultPhoneNumber: c.phone ? { phoneNumber: c.phone } : null,
      amountSpent: { currencyCode: "SEK" },
      defaultAddress: { city: c.default_address.city, zip: c.default_address.zip, countryCodeV2: "SE", company: c.default_address.company },
    });
    const byEmail = await gql(tok, `{ customers(first: 5, query: "email:${customers[7]!.email}") { nodes { id } } }`);
    expect(byEmail.data.customers.nodes).toEqual([{ id: customers[7]!.admin_graphql_api_id }]);
    const byId = await gql(tok, `{ customersCount(query: "id:>${customers[29]!.id}") { count } }`);
    expect(byId.data.customersCount.count).toBe(10);
  });

  it("refuses products without read_products, and locations without read_locations, with ACCESS_DENIED", async () => {
    await postJson("/__sim/products", { shop: SHOP, products: generateProducts(2, { seed: 7 }) });
    await postJson("/__sim/scopes", { scopes: "read_orders,read_customers,read_inventory" });
    try {
      const tok = await token();
      const r = await gql(tok, `{ products(first: 5) { nodes { id } } }`);
      expect(r.data).toBeNull();
      expect(r.errors[0]).toMatchObject({ path: ["products"], extensions: { code: "ACCESS_DENIED" } });
      const loc = await gql(tok, `{ locations(first: 5) { nodes { id name } } }`);
      expect(loc.errors[0]).toMatchObject({ path: ["locations"], extensions: { code: "ACCESS_DENIED", requiredAccess: "`read_locations` access scope." } });
    } finally {
      await postJson("/__sim/scopes", { scopes: "read_orders,write_orders,read_customers,read_products,read_inventory,write_inventory,read_locations" });
    }
  });

  it("runs a bulk products query: one JSONL line per product, its variants after it with __parentId", async () => {
    const products = generateProducts(20, { seed: 8 });
    await postJson("/__sim/products", { shop: SHOP, products });
    await postJson("/__sim/bulk", { shop: SHOP, createdMs: 0, runningMs: 0 });
    const tok = await token();
    const q = `{ products { edges { node { id title variants { edges { node { id sku price } } } } } } }`;
    const RUN = `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message } } }`;
    async function jsonl(q: string) {
      const run = await gql(tok, RUN, { q });
      expect(run.data.bulkOperationRunQuery.userErrors).toEqual([]);
      let url: string | null = null;
      for (let i = 0; i < 50 && !url; i++) {
        const r = await gql(tok, `query($id: ID!) { node(id: $id) { ... on BulkOperation { status url } } }`, { id: run.data.bulkOperationRunQuery.bulkOperation.id });
        url = r.data.node.status === "COMPLETED" ? r.data.node.url : null;
        if (!url) await new Promise((res) => setTimeout(res, 20));
      }
      return (await (await fetch(url!)).text()).trim().split("\n").map((l) => JSON.parse(l));
    }
    const lines = await jsonl(q);
    const expected = products.flatMap((p: ShopifyProductPayload) => [
      { id: p.admin_graphql_api_id, title: p.title },
      ...p.variants.map((v) => ({ id: v.admin_graphql_api_id, sku: v.sku, price: v.price, __parentId: p.admin_graphql_api_id })),
    ]);
    expect(lines).toEqual(expected);

    const customers = generateCustomers(5, { seed: 8 });
    await postJson("/__sim/customers", { shop: SHOP, customers });
    expect(await jsonl(`{ customers { edges { node { id email defaultAddress { city } } } } }`)).toEqual(
      customers.map((c) => ({ id: c.admin_graphql_api_id, email: c.email, defaultAddress: { city: c.default_address.city } })),
    );
  });
});

describe("inventory", () => {
  const SET = `mutation($input: InventorySetQuantitiesInput!, $key: String!) { inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id reason referenceDocumentUri createdAt changes { name delta quantityAfterChange item { id } location { id } } }
    userErrors { field message code } } }`;

  async function seed() {
    const products = generateProducts(3, { seed: 11 });
    await postJson("/__sim/products", { shop: SHOP, products });
    const [v1, v2] = [products[0]!.variants[0]!, products[1]!.variants[0]!];
    return { products, v1, v2, item1: `gid://shopify/InventoryItem/${v1.inventory_item_id}`, item2: `gid://shopify/InventoryItem/${v2.inventory_item_id}` };
  }
  const level = async (item: string, location = DEFAULT_LOCATION) =>
    (await getJson(`/__sim/inventory?shop=${SHOP}`)).levels.find((l: any) => l.inventoryItemId === item && l.locationId === location)?.available;

  it("sets quantities with changeFromQuantity, logs the write and sends products/update with the new inventory_quantity", async () => {
    const { products, v1, item1 } = await seed();
    const tok = await token();
    const key = randomUUID();
    const r = await gql(tok, SET, {
      key,
      input: { name: "available", reason: "correction", referenceDocumentUri: "gid://kontera/StockSync/1", quantities: [{ inventoryItemId: item1, locationId: DEFAULT_LOCATION, quantity: 7, changeFromQuantity: v1.inventory_quantity }] },
    });
    expect(r.errors).toBeUndefined();
    expect(r.extensions.cost.requestedQueryCost).toBe(10);
    const group = r.data.inventorySetQuantities.inventoryAdjustmentGroup;
    expect(r.data.inventorySetQuantities.userErrors).toEqual([]);
    expect(group).toMatchObject({ reason: "correction", referenceDocumentUri: "gid://kontera/StockSync/1" });
    expect(group.changes).toEqual(
      ["available", "on_hand"].map((name) => ({ name, delta: 7 - v1.inventory_quantity, quantityAfterChange: 7, item: { id: item1 }, location: { id: DEFAULT_LOCATION } })),
    );
    expect(await level(item1)).toBe(7);
    const inv = await getJson(`/__sim/inventory?shop=${SHOP}`);
    expect(inv.writes).toEqual([expect.objectContaining({ idempotencyKey: key, reason: "correction" })]);

    const hook = await waitFor(() => received.find((w) => w.topic === "products/update"));
    expect(hook.path).toBe("/webhooks/products");
    expect(hook.body.id).toBe(products[0]!.id);
    expect(hook.body.variants[0].inventory_quantity).toBe(7);
    expect(Date.parse(hook.body.updated_at)).toBeGreaterThan(Date.parse(products[0]!.updated_at));
    expect((await getJson(`/__sim/deliveries?shop=${SHOP}`)).deliveries.at(-1)).toMatchObject({ topic: "products/update", source: "platform" });
  });

  it("applies nothing when one changeFromQuantity is stale (CHANGE_FROM_QUANTITY_STALE), and wants changeFromQuantity on each quantity", async () => {
    const { v1, v2, item1, item2 } = await seed();
    const tok = await token();
    const stale = await gql(tok, SET, {
      key: randomUUID(),
      input: {
        name: "available",
        reason: "correction",
        quantities: [
          { inventoryItemId: item1, locationId: DEFAULT_LOCATION, quantity: 1, changeFromQuantity: v1.inventory_quantity },
          { inventoryItemId: item2, locationId: DEFAULT_LOCATION, quantity: 2, changeFromQuantity: v2.inventory_quantity + 1 },
        ],
      },
    });
    expect(stale.data.inventorySetQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [{ field: ["input", "quantities", "1", "changeFromQuantity"], code: "CHANGE_FROM_QUANTITY_STALE", message: "The changeFromQuantity value does not match persisted value." }],
    });
    expect(await level(item1)).toBe(v1.inventory_quantity);
    expect(await level(item2)).toBe(v2.inventory_quantity);

    const missing = await gql(tok, SET, { key: randomUUID(), input: { name: "available", reason: "correction", quantities: [{ inventoryItemId: item1, locationId: DEFAULT_LOCATION, quantity: 1 }] } });
    expect(missing.data.inventorySetQuantities.userErrors[0].field).toEqual(["input", "quantities", "0", "changeFromQuantity"]);
    const optOut = await gql(tok, SET, { key: randomUUID(), input: { name: "available", reason: "correction", quantities: [{ inventoryItemId: item1, locationId: DEFAULT_LOCATION, quantity: 3, changeFromQuantity: null }] } });
    expect(optOut.data.inventorySetQuantities.userErrors).toEqual([]);
    expect(await level(item1)).toBe(3);

    const unknown = await gql(tok, SET, {
      key: randomUUID(),
      input: { name: "available", reason: "because", quantities: [{ inventoryItemId: "gid://shopify/InventoryItem/1", locationId: DEFAULT_LOCATION, quantity: 1, changeFromQuantity: null }, { inventoryItemId: item1, locationId: "gid://shopify/Location/99", quantity: 1, changeFromQuantity: null }] },
    });
    expect(unknown.data.inventorySetQuantities.userErrors.map((e: any) => e.code)).toEqual(["INVALID_REASON", "INVALID_INVENTORY_ITEM", "INVALID_LOCATION"]);
    expect(received.filter((w) => w.topic === "products/update")).toHaveLength(1);
  });

  it("requires @idempotent from 2026-04, replays a repeated key without applying twice, and rejects compareQuantity there", async () => {
    const { v1, item1 } = await seed();
    const tok = await token();
    const input = { name: "available", reason: "cycle_count_available", quantities: [{ inventoryItemId: item1, locationId: DEFAULT_LOCATION, quantity: 50, changeFromQuantity: v1.inventory_quantity }] };
    const noKey = await gql(tok, `mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }`, { input }, "2026-04");
    expect(noKey.data.inventorySetQuantities).toBeNull();
    expect(noKey.errors[0]).toMatchObject({ path: ["inventorySetQuantities"], message: expect.stringContaining("@idempotent") });
    expect(await level(item1)).toBe(v1.inventory_quantity);

    const key = randomUUID();
    const first = await gql(tok, SET, { key, input }, "2026-04");
    expect(first.data.inventorySetQuantities.userErrors).toEqual([]);
    // a sale lands between the lost response and the retry
    expect((await postJson("/__sim/inventory/adjust", { shop: SHOP, inventoryItemId: item1, delta: -1 })).body.level.available).toBe(49);
    const retry = await gql(tok, SET, { key, input }, "2026-04");
    expect(retry.data.inventorySetQuantities).toEqual(first.data.inventorySetQuantities);
    expect(await level(item1)).toBe(49);
    const mismatch = await gql(tok, SET, { key, input: { ...input, quantities: [{ ...input.quantities[0]!, quantity: 51 }] } }, "2026-04");
    expect(mismatch.data.inventorySetQuantities.userErrors[0].code).toBe("IDEMPOTENCY_KEY_PARAMETER_MISMATCH");
    expect((await getJson(`/__sim/inventory?shop=${SHOP}`)).writes).toHaveLength(1);

    const withCompare = await gql(tok, SET, { key: randomUUID(), input: { ...input, quantities: [{ ...input.quantities[0]!, compareQuantity: 49 }] } }, "2026-04");
    expect(withCompare.data).toBeUndefined();
    expect(withCompare.errors[0].extensions.problems[0]).toEqual({ path: ["quantities", 0, "compareQuantity"], explanation: "Field is not defined on InventoryQuantityInput" });
  });

  it("in 2026-01 checks compareQuantity (COMPARE_QUANTITY_STALE) unless ignoreCompareQuantity, and @idempotent is optional", async () => {
    const { v1, item1 } = await seed();
    const tok = await token();
    const M = `mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { inventoryAdjustmentGroup { id } userErrors { field code } } }`;
    const q = (extra: object) => ({ name: "available", reason: "correction", quantities: [{ inventoryItemId: item1, locationId: DEFAULT_LOCATION, quantity: 5, ...extra }] });
    const stale = await gql(tok, M, { input: q({ compareQuantity: v1.inventory_quantity + 3 }) }, "2026-01");
    expect(stale.data.inventorySetQuantities.userErrors).toEqual([{ field: ["input", "quantities", "0", "compareQuantity"], code: "COMPARE_QUANTITY_STALE" }]);
    const required = await gql(tok, M, { input: q({}) }, "2026-01");
    expect(required.data.inventorySetQuantities.userErrors[0].code).toBe("COMPARE_QUANTITY_REQUIRED");
    const ignored = await gql(tok, M, { input: { ...q({}), ignoreCompareQuantity: true } }, "2026-01");
    expect(ignored.data.inventorySetQuantities.userErrors).toEqual([]);
    expect(await level(item1)).toBe(5);
  });

  it("adds locations where items start at 0, sets stock from the control API with a products/update, and knows what is not stocked", async () => {
    const { products, item1 } = await seed();
    const added = await postJson("/__sim/locations", { shop: SHOP, name: "Lager Göteborg" });
    expect(added.body.location).toEqual({ id: "gid://shopify/Location/2", name: "Lager Göteborg" });
    const tok = await token();
    const locs = await gql(tok, `{ locations(first: 5) { nodes { id legacyResourceId name isActive } } location(id: "gid://shopify/Location/2") { name } }`);
    expect(locs.data).toEqual({
      locations: { nodes: [{ id: DEFAULT_LOCATION, legacyResourceId: "1", name: "Shop location", isActive: true }, { id: "gid://shopify/Location/2", legacyResourceId: "2", name: "Lager Göteborg", isActive: true }] },
      location: { name: "Lager Göteborg" },
    });
    expect(await level(item1, "gid://shopify/Location/2")).toBe(0);

    const sku = products[0]!.variants[0]!.sku!;
    const set = await postJson("/__sim/inventory", { shop: SHOP, sku, locationId: "gid://shopify/Location/2", available: 12 });
    expect(set.body).toMatchObject({ level: { inventoryItemId: item1, locationId: "gid://shopify/Location/2", available: 12 }, webhooksSent: 1 });
    const hook = received.find((w) => w.topic === "products/update")!;
    expect(hook.body.variants[0].inventory_quantity).toBe(products[0]!.variants[0]!.inventory_quantity + 12);
    const levels = await gql(tok, `query($id: ID!) { node(id: $id) { ... on InventoryItem { inventoryLevels(first: 5) { nodes { location { id } quantities(names: ["available"]) { quantity } } } } } }`, { id: item1 });
    expect(levels.data.node.inventoryLevels.nodes.map((n: any) => n.quantities[0].quantity)).toEqual([products[0]!.variants[0]!.inventory_quantity, 12]);
    expect((await postJson("/__sim/inventory", { shop: SHOP, sku: "NO-SUCH-SKU", available: 1 })).status).toBe(404);
    expect((await postJson("/__sim/inventory", { shop: SHOP, sku, inventoryItemId: item1, available: 1 })).status).toBe(400);
  });
});
