// The backfill's converter (app/domain/graphql-order.ts), checked by a round trip through the
// Shopify simulator: every fixture order, read back through Admin GraphQL (a page of orders) and
// through a bulk operation's JSONL, converted to the webhook shape, maps to exactly the document
// its webhook payload maps to, under both currency settings.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BulkOrderAssembler, bulkOrdersQuery, graphqlOrderSchema, ORDER_PAGE_SELECTION, restDecimal, inTimeZone, restOrderFromGraphql } from "~/domain/graphql-order";
import { mapOrderToInvoice } from "~/domain/mapping";
import { mappingSettingsSchema } from "~/domain/settings";
import { shopifyOrderSchema } from "~/domain/shopify-order";
import { generateOrders } from "../fixtures/shopify/orders.js";
import simple1001 from "../fixtures/shopify/orders/simple-1001.json";
import mixed1002 from "../fixtures/shopify/orders/mixed-vat-1002.json";
import guest1003 from "../fixtures/shopify/orders/guest-no-sku-1003.json";
import { startShopifySimulator, type ShopifySim } from "./shopify/server";

const SHOP = "roundtrip.myshopify.com";
const API_KEY = "roundtrip-key";
const API_SECRET = randomBytes(24).toString("hex");
const VERSION = "2026-07";
let sim: ShopifySim;
let token: string;

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sim.url}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json() as Promise<any>;
}
const gql = (query: string, variables: Record<string, unknown> = {}) => post(`/${SHOP}/admin/api/${VERSION}/graphql.json`, { query, variables }, { "X-Shopify-Access-Token": token });

const fixtures: any[] = [simple1001, mixed1002, guest1003, ...generateOrders(60, { seed: 4242, startOrderNumber: 9001, shop: SHOP })];
const settings = [mappingSettingsSchema.parse({}), mappingSettingsSchema.parse({ currency: "presentment" })];

beforeAll(async () => {
  // The fixtures are dated March 2026: reading them needs read_all_orders.
  sim = await startShopifySimulator({ apiKey: API_KEY, apiSecret: API_SECRET, appUrl: "http://127.0.0.1:9", scopes: "read_orders,read_all_orders,read_customers",
    rateLimit: { restoreRate: 100_000 } }); // the throttle is not what this test is about
  const { idToken } = await post("/__sim/session-token", { shop: SHOP });
  token = (await post(`/${SHOP}/admin/oauth/access_token`, {
    client_id: API_KEY, client_secret: API_SECRET, grant_type: "urn:ietf:params:oauth:grant-type:token-exchange", subject_token: idToken,
    subject_token_type: "urn:ietf:params:oauth:token-type:id_token", requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
  })).access_token;
  await post("/__sim/orders", { shop: SHOP, orders: fixtures });
  await post("/__sim/bulk", { shop: SHOP, createdMs: 0, runningMs: 50 });
});

afterAll(async () => sim?.close());

function expectSameDocuments(converted: unknown, original: unknown) {
  const a = shopifyOrderSchema.parse(converted);
  const b = shopifyOrderSchema.parse(original);
  for (const s of settings) expect(mapOrderToInvoice(a, s)).toEqual(mapOrderToInvoice(b, s));
}

describe("GraphQL order → webhook payload", () => {
  it("keeps amounts exact and times in the shop's zone", () => {
    expect(restDecimal("49.0")).toBe("49.00");
    expect(restDecimal("0.5")).toBe("0.50");
    expect(restDecimal("-12")).toBe("-12.00");
    expect(() => restDecimal("1.005")).toThrow();
    expect(inTimeZone("2026-03-01T23:30:00Z", "Europe/Stockholm")).toBe("2026-03-02T00:30:00+01:00");
    expect(inTimeZone("2026-07-01T12:00:00Z", "Europe/Stockholm")).toBe("2026-07-01T14:00:00+02:00");
  });

  it(`maps every fixture order (${fixtures.length}) read through a page of orders to the webhook's document`, async () => {
    const { data: { shop } } = await gql("{ shop { ianaTimezone } }");
    let cursor: string | null = null;
    let seen = 0;
    for (;;) {
      const body: any = await gql(`query($after: String) { orders(first: 4, after: $after, sortKey: CREATED_AT) { pageInfo { hasNextPage endCursor } nodes { ${ORDER_PAGE_SELECTION} } } }`, { after: cursor });
      expect(body.errors).toBeUndefined();
      for (const node of body.data.orders.nodes) {
        const order = graphqlOrderSchema.parse(node);
        expect(order.lineItems.pageInfo.hasNextPage).toBe(false);
        const original = fixtures.find((f) => f.admin_graphql_api_id === order.id);
        const converted = restOrderFromGraphql(order, order.lineItems.nodes, order.shippingLines.nodes, shop.ianaTimezone);
        expect(converted.created_at).toBe(original.created_at);
        expectSameDocuments(converted, original);
        seen++;
      }
      if (!body.data.orders.pageInfo.hasNextPage) break;
      cursor = body.data.orders.pageInfo.endCursor;
    }
    expect(seen).toBe(fixtures.length);
  });

  it("maps every fixture order read through a bulk operation's JSONL to the webhook's document", async () => {
    const run = await gql("mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message } } }", { q: bulkOrdersQuery("") });
    expect(run.data.bulkOperationRunQuery.userErrors).toEqual([]);
    let op: any;
    for (let i = 0; i < 100; i++) {
      op = (await gql("query($id: ID!) { node(id: $id) { ... on BulkOperation { status url } } }", { id: run.data.bulkOperationRunQuery.bulkOperation.id })).data.node;
      if (op.status === "COMPLETED") break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(op.status).toBe("COMPLETED");
    const assembler = new BulkOrderAssembler("Europe/Stockholm");
    const orders = [];
    for (const line of (await (await fetch(op.url)).text()).split("\n").filter(Boolean)) {
      const done = assembler.push(line);
      if (done) orders.push(done);
    }
    const last = assembler.flush();
    if (last) orders.push(last);
    expect(orders).toHaveLength(fixtures.length);
    for (const converted of orders) expectSameDocuments(converted, fixtures.find((f) => f.admin_graphql_api_id === converted.admin_graphql_api_id));
  });
});
