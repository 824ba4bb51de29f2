import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORTNOX_TENANT, fixtureOrder, withIdentity } from "../helpers/orders";
import { waitFor } from "../helpers/services";
import { postJson, startStack, waitSettled, type Stack } from "../helpers/stack";

// The main job end to end on real parts: signed webhook → app → outbox → Bull → worker → Fortnox
// simulator → DocumentLink → write-back in the Shopify simulator.

const SHOP = "pipeline-test.myshopify.com";
let stack: Stack;

const invoices = async (): Promise<any[]> =>
  (await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/invoices`)).json()).Invoices;
const invoicesFor = async (gid: string) => (await invoices()).filter((i) => i.ExternalInvoiceReference1 === gid);
const customers = async (): Promise<any[]> =>
  (await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/customers`)).json()).Customers;

beforeAll(async () => {
  // Short enough that the hung token exchange below costs seconds.
  stack = await startStack({ env: { ACCOUNTING_TIMEOUT_MS: "4000" } });
  await stack.installAndConnect(SHOP);
});
afterAll(async () => { await stack?.stop(); });

describe("a paid order becomes exactly one Fortnox invoice", () => {
  it("books a signed orders/paid webhook with the right customer, rows and reference, and writes the status back", async () => {
    const order = fixtureOrder("mixed-vat-1002.json");
    const sent = await stack.sendWebhook(SHOP, "orders/paid", order);
    expect(sent.deliveries.map((d) => d.status)).toEqual([200]);
    await waitSettled(stack, SHOP, 1);

    const job = await stack.db.client.syncJob.findFirstOrThrow({ where: { shop: SHOP, kind: "invoice", subjectId: order.admin_graphql_api_id } });
    expect(job.status).toBe("succeeded");
    const [invoice, ...more] = await invoicesFor(order.admin_graphql_api_id);
    expect(more).toHaveLength(0);
    expect(invoice.YourOrderNumber).toBe(order.name);
    expect(String(invoice.Total)).toBe(String(Number(order.total_price)));
    const full = await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/invoices`)).json();
    const rows = full.Invoices.find((i: any) => i.DocumentNumber === invoice.DocumentNumber).InvoiceRows;
    const expectedRows = order.line_items.length + order.shipping_lines.filter((s: any) => Number(s.price) > 0).length;
    expect(rows).toHaveLength(expectedRows);
    for (const item of order.line_items) {
      const row = rows.find((r: any) => r.ArticleNumber === (item.sku || "SHOPIFY") && Number(r.DeliveredQuantity) === item.quantity);
      expect(row, `row for ${item.title}`).toBeTruthy();
      expect(Number(row.VAT)).toBe(Math.round(item.tax_lines.reduce((a: number, t: any) => a + t.rate, 0) * 100));
    }
    const customer = (await customers()).find((c) => c.CustomerNumber === invoice.CustomerNumber);
    expect(customer.Email?.toLowerCase()).toBe((order.customer?.email ?? order.email).toLowerCase());

    const link = await stack.db.client.documentLink.findFirstOrThrow({ where: { shop: SHOP, shopifyId: order.admin_graphql_api_id } });
    expect(link.remoteNumber).toBe(String(invoice.DocumentNumber));

    const writes = await (await fetch(`${stack.shopifySim.url}/__sim/writes?shop=${SHOP}`)).json();
    const metafields = writes.metafields[order.admin_graphql_api_id] ?? {};
    const status = Object.entries(metafields).find(([k]) => k.endsWith(".accounting_sync"))?.[1] as { type: string; value: string } | undefined;
    expect(status?.type).toBe("json");
    expect(JSON.parse(status!.value)).toMatchObject({ provider: "fortnox", documentType: "invoice", documentNumber: String(invoice.DocumentNumber), status: "synced", error: null });
    expect(writes.tags[order.admin_graphql_api_id]).toContain("kontera:synced");

    // Shopify answers our write with orders/updated: it is recorded and changes nothing.
    await waitFor("the orders/updated echo of our write-back", () =>
      stack.db.client.webhookEvent.findFirst({ where: { shop: SHOP, topic: "orders/updated", subjectId: order.admin_graphql_api_id } }));
    await new Promise((r) => setTimeout(r, 500));
    expect(await stack.db.client.syncJob.count({ where: { shop: SHOP, kind: "invoice", subjectId: order.admin_graphql_api_id } })).toBe(1);
    expect(await invoicesFor(order.admin_graphql_api_id)).toHaveLength(1);
  });

  it("records one event, one job and one invoice when a webhook is delivered three times at once", async () => {
    const order = withIdentity(fixtureOrder("simple-1001.json"), 7100000000001, 2001);
    const sent = await stack.sendWebhook(SHOP, "orders/paid", order, { deliveries: 3 });
    expect(sent.deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
    // The same order by another topic (another event id) is the same subject: still one job.
    await stack.sendWebhook(SHOP, "orders/updated", order);
    await waitSettled(stack, SHOP, 2);
    expect(await stack.db.client.webhookEvent.count({ where: { shop: SHOP, topic: "orders/paid", subjectId: order.admin_graphql_api_id } })).toBe(1);
    expect(await stack.db.client.syncJob.count({ where: { shop: SHOP, kind: "invoice", subjectId: order.admin_graphql_api_id } })).toBe(1);
    expect(await invoicesFor(order.admin_graphql_api_id)).toHaveLength(1);
  });

  it("answers 401/400 to forged, incomplete or malformed deliveries and records nothing", async () => {
    const before = { jobs: await stack.db.client.syncJob.count() };
    // Only the deliveries sent here: an earlier test's write-back may still echo back as an orders/updated.
    const sent: string[] = [];
    // Bull jobs of sync jobs (their ids are cuids); the sweeper's own repeat jobs come and go.
    const syncJobKeys = async () => (await stack.redis.client.keys("bull:kontera-sync:*")).filter((k) => /^bull:kontera-sync:c[a-z0-9]{20,}$/.test(k)).sort();
    const queuedBefore = await syncJobKeys();
    const body = JSON.stringify(withIdentity(fixtureOrder("simple-1001.json"), 7100000000002, 2002));
    const sign = (b: string) => createHmac("sha256", stack.env.SHOPIFY_API_SECRET).update(b).digest("base64");
    const headers = (b: string, extra: Record<string, string | null> = {}) => {
      const eventId = crypto.randomUUID();
      sent.push(eventId);
      const h: Record<string, string> = {
        "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": sign(b), "X-Shopify-Topic": "orders/paid",
        "X-Shopify-Shop-Domain": SHOP, "X-Shopify-Webhook-Id": crypto.randomUUID(), "X-Shopify-Event-Id": eventId,
        "X-Shopify-API-Version": "2026-07",
      };
      for (const [k, v] of Object.entries(extra)) { if (v === null) delete h[k]; else h[k] = v; }
      return h;
    };
    const post = (path: string, b: string, h: Record<string, string>) => fetch(`${stack.appUrl}${path}`, { method: "POST", body: b, headers: h }).then((r) => r.status);

    expect(await post("/webhooks/orders", body, headers(body, { "X-Shopify-Hmac-Sha256": sign(body + " ") }))).toBe(401);
    expect(await post("/webhooks/orders", body, headers(body, { "X-Shopify-Hmac-Sha256": null }))).toBe(401);
    const other = createHmac("sha256", "not-the-secret").update(body).digest("base64");
    expect(await post("/webhooks/compliance", body, headers(body, { "X-Shopify-Topic": "shop/redact", "X-Shopify-Hmac-Sha256": other }))).toBe(401);
    expect(await post("/webhooks/orders", body, headers(body, { "X-Shopify-Topic": null }))).toBe(400);
    expect(await post("/webhooks/orders", body, headers(body, { "X-Shopify-Webhook-Id": null }))).toBe(400);
    const broken = body.slice(0, -10);
    expect(await post("/webhooks/orders", broken, headers(broken))).toBe(400);
    const notAnOrder = JSON.stringify({ id: "x" });
    expect(await post("/webhooks/orders", notAnOrder, headers(notAnOrder))).toBe(400);

    expect(await stack.db.client.webhookEvent.count({ where: { eventId: { in: sent } } })).toBe(0);
    expect(await stack.db.client.syncJob.count()).toBe(before.jobs);
    expect(await syncJobKeys()).toEqual(queuedBefore);
  });

  it("turns a Fortnox validation error into needs action with Fortnox's code and message, and Replay books it after the fix", async () => {
    const order = withIdentity(fixtureOrder("simple-1001.json"), 7100000000003, 2003);
    order.currency = "PLN";
    order.presentment_currency = "PLN";
    await stack.sendWebhook(SHOP, "orders/paid", order);
    await waitFor("the job to need action", () => stack.db.client.syncJob.findFirst({ where: { shop: SHOP, kind: "invoice", subjectId: order.admin_graphql_api_id, status: "needs_action" } }));
    const job = await stack.db.client.syncJob.findFirstOrThrow({ where: { kind: "invoice", subjectId: order.admin_graphql_api_id } });
    expect(job.lastError).toMatch(/Fortnox 400 \(code \d+\): .*PLN/);
    expect(job.lastErrorCode).toMatch(/^\d+$/);
    expect(await invoicesFor(order.admin_graphql_api_id)).toHaveLength(0);
    const writes = await (await fetch(`${stack.shopifySim.url}/__sim/writes?shop=${SHOP}`)).json();
    expect(writes.tags[order.admin_graphql_api_id]).toContain("kontera:needs-action");

    // The merchant adds the currency in Fortnox and clicks Replay.
    await postJson(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/currencies`, { Code: "PLN", BuyRate: 2.6, SellRate: 2.7 });
    const replay = await stack.adminFetch(SHOP, `/app/jobs/${job.id}/replay`, { method: "POST" });
    expect(replay.status).toBe(200);
    await waitFor("the replayed job to succeed", () => stack.db.client.syncJob.findFirst({ where: { id: job.id, status: "succeeded" } }));
    expect(await invoicesFor(order.admin_graphql_api_id)).toHaveLength(1);
    const tags = (await (await fetch(`${stack.shopifySim.url}/__sim/writes?shop=${SHOP}`)).json()).tags[order.admin_graphql_api_id];
    expect(tags).toContain("kontera:synced");
    expect(tags).not.toContain("kontera:needs-action");

    // Another shop cannot replay this shop's job.
    const foreign = await stack.adminFetch("other-shop.myshopify.com", `/app/jobs/${job.id}/replay`, { method: "POST" });
    expect(foreign.status).toBe(404);
  });

  it("books the shop's mapping rules into the invoice, reading the order's metafields, and names a project Fortnox lacks", async () => {
    const shop = "pipeline-rules-test.myshopify.com";
    await stack.installAndConnect(shop);
    const rules = [
      { name: "Referenser", set: [{ field: "ourReference", template: "Webb {{ order.source_name | upper }}" }, { field: "remarks", template: "Tack för order {{ order.name }}! PO {{ order.metafields.custom.po | default: \"-\" }}" }] },
      { name: "Projekt", when: [{ type: "compare", value: "{{ order.metafields.custom.projekt }}", op: "not_empty" }], set: [{ field: "project", template: "{{ order.metafields.custom.projekt | upper }}" }] },
    ];
    const save = (body: unknown) => stack.adminFetch(shop, "/app/settings?_data=routes%2Fapp.settings", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    // A typo is refused where it is, and nothing is stored.
    const typo = await save({ rules: [{ name: "Fel", set: [{ field: "ourReference", template: "{{ order.name | uper }}" }] }] });
    expect(typo.status).toBe(400);
    expect((await typo.json()).errors).toEqual([expect.objectContaining({ path: "rules[0].set[0].template", rule: expect.objectContaining({ code: "unknown_filter", column: 17 }) })]);
    expect((await save({ rules })).status).toBe(200);
    await postJson(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/projects`, { ProjectNumber: "MASSAN", Description: "Mässan 2026" });
    const known = withIdentity(fixtureOrder("simple-1001.json"), 7100000000051, 2051);
    const unknown = withIdentity(fixtureOrder("simple-1001.json"), 7100000000052, 2052);
    // The merchant keeps the metafields on the orders before they are paid.
    await postJson(`${stack.shopifySim.url}/__sim/orders`, { shop, orders: [known, unknown] });
    const metafield = (o: any, key: string, value: string) => ({ ownerId: o.admin_graphql_api_id, namespace: "custom", key, type: "single_line_text_field", value });
    const set = await postJson(`${stack.shopifySim.url}/__sim/metafields`, { shop, metafields: [metafield(known, "projekt", "massan"), metafield(known, "po", "4711"), metafield(unknown, "projekt", "okand")] });
    expect(set.userErrors).toEqual([]);

    await stack.sendWebhook(shop, "orders/paid", known);
    await stack.sendWebhook(shop, "orders/paid", unknown);
    await waitSettled(stack, shop, 2);
    const [invoice] = await invoicesFor(known.admin_graphql_api_id);
    expect(invoice).toMatchObject({ OurReference: "Webb WEB", Remarks: "Tack för order #2051! PO 4711", Project: "MASSAN", ExternalInvoiceReference1: known.admin_graphql_api_id });
    const failed = await stack.db.client.syncJob.findFirstOrThrow({ where: { shop, kind: "invoice", subjectId: unknown.admin_graphql_api_id } });
    expect(failed.status).toBe("needs_action");
    expect(failed.lastError).toMatch(/Fortnox 400 \(code \d+\): Projektet "OKAND" hittades inte/);
    expect(await invoicesFor(unknown.admin_graphql_api_id)).toHaveLength(0);
  });

  it("pauses jobs when Fortnox revokes the authorisation, and books them after the merchant reconnects", async () => {
    await postJson(`${stack.fortnoxSim!.url}/__sim/revoke-refresh-tokens`, {});
    await postJson(`${stack.fortnoxSim!.url}/__sim/expire-tokens`, {});
    const order = withIdentity(fixtureOrder("simple-1001.json"), 7100000000004, 2004);
    await stack.sendWebhook(SHOP, "orders/paid", order);
    await waitFor("the job to pause", () => stack.db.client.syncJob.findFirst({ where: { kind: "invoice", subjectId: order.admin_graphql_api_id, status: "paused" } }));
    const connection = await stack.db.client.connection.findFirstOrThrow({ where: { shop: SHOP } });
    expect(connection.status).toBe("reauth_required");
    // While the connection waits for the merchant, new orders are kept, not failed.
    const next = withIdentity(fixtureOrder("simple-1001.json"), 7100000000005, 2005);
    await stack.sendWebhook(SHOP, "orders/paid", next);
    expect((await stack.db.client.syncJob.findFirstOrThrow({ where: { kind: "invoice", subjectId: next.admin_graphql_api_id } })).status).toBe("paused");

    await stack.installAndConnect(SHOP);
    await waitSettled(stack, SHOP, await stack.db.client.syncJob.count({ where: { shop: SHOP, kind: "invoice" } }));
    for (const o of [order, next]) {
      expect((await stack.db.client.syncJob.findFirstOrThrow({ where: { kind: "invoice", subjectId: o.admin_graphql_api_id } })).status).toBe("succeeded");
      expect(await invoicesFor(o.admin_graphql_api_id)).toHaveLength(1);
    }
  });

  it("never writes a token or the customer's e-mail to the logs, and stores tokens encrypted", async () => {
    const logs = stack.output();
    const order = fixtureOrder("mixed-vat-1002.json");
    const email = (order.customer?.email ?? order.email) as string;
    expect(logs).toContain('"correlationId"');
    expect(logs).not.toContain(email);
    const connection = await stack.db.client.connection.findFirstOrThrow({ where: { shop: SHOP } });
    expect(connection.accessTokenEnc).toMatch(/^v1:/);
    const session = await stack.db.client.session.findFirstOrThrow({ where: { shop: SHOP } });
    expect(session.accessToken).toMatch(/^v1:/);
    expect(session.refreshToken).toMatch(/^v1:/);
  });
});

describe("the shop's lifecycle", () => {
  const OTHER = "lifecycle-test.myshopify.com";

  it("refuses a connection whose token exchange hangs past the timeout, saying so, and keeps serving", async () => {
    // Fortnox issues the tokens but its answer never arrives in time (it once took the web process down).
    await postJson(`${stack.fortnoxSim!.url}/__sim/faults`, { rules: [{ method: "POST", path: "^/oauth-v1/token$", count: 1, delayMs: 6_000, afterCommit: true }] });
    const shop = "hung-connect-test.myshopify.com";
    await expect(stack.installAndConnect(shop)).rejects.toThrow(/callback answered 400: Fortnox could not be connected: token endpoint unreachable/);
    expect((await fetch(`${stack.appUrl}/healthz`)).status).toBe(200);
    expect(await stack.db.client.connection.count({ where: { shop, status: "active" } })).toBe(0);
    await stack.installAndConnect(shop); // trying again works
    expect(await stack.db.client.connection.count({ where: { shop, status: "active" } })).toBe(1);
  });

  it("uninstall removes sessions and pauses the connection; the redact requests remove what Kontera holds", async () => {
    await stack.installAndConnect(OTHER);
    const order = withIdentity(fixtureOrder("simple-1001.json"), 7200000000001, 9001);
    await stack.sendWebhook(OTHER, "orders/paid", order);
    await waitSettled(stack, OTHER, 1);

    expect((await stack.sendWebhook(OTHER, "app/uninstalled", { id: 1, domain: OTHER })).deliveries[0].status).toBe(200);
    expect(await stack.db.client.session.count({ where: { shop: OTHER } })).toBe(0);
    expect((await stack.db.client.connection.findFirstOrThrow({ where: { shop: OTHER } })).status).toBe("paused");
    expect(await stack.db.client.documentLink.count({ where: { shop: OTHER, kind: "invoice" } })).toBe(1);

    const customerId = order.customer.id;
    await stack.sendWebhook(OTHER, "customers/redact", { shop_domain: OTHER, customer: { id: customerId, email: order.customer.email }, orders_to_redact: [order.id] });
    const job = await stack.db.client.syncJob.findFirstOrThrow({ where: { shop: OTHER, kind: "invoice" } });
    expect(job.payload).not.toContain(order.customer.email);
    expect(await stack.db.client.entityMap.count({ where: { shop: OTHER, kind: "customer" } })).toBe(0);

    await stack.sendWebhook(OTHER, "shop/redact", { shop_domain: OTHER });
    for (const count of [
      stack.db.client.syncJob.count({ where: { shop: OTHER } }),
      stack.db.client.connection.count({ where: { shop: OTHER } }),
      stack.db.client.documentLink.count({ where: { shop: OTHER } }),
      stack.db.client.entityMap.count({ where: { shop: OTHER } }),
      stack.db.client.shop.count({ where: { shop: OTHER } }),
    ]) expect(await count).toBe(0);
    // The other shop is untouched.
    expect(await stack.db.client.syncJob.count({ where: { shop: SHOP } })).toBeGreaterThan(0);
  });
});
