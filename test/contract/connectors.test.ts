import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountingConnector, CallCounter } from "~/connectors/types";
import type { AccountingDocument } from "~/domain/accounting";
import type { PlannedPayment } from "~/domain/payments";
import { startFortnoxSimulator, type FortnoxSim } from "../simulators/fortnox/server";
import { startVismaSimulator, type VismaSim } from "../simulators/visma/server";
import { DEFAULT_COMPANY_ID as VISMA_COMPANY } from "../simulators/visma/state";
import { createDatabase, startRedis, type RedisServer, type TestDatabase } from "../helpers/services";

// One contract, both connectors, over HTTP against the strict simulators: what the sync layer
// relies on (create, find by our reference exactly, adopt after a lost answer, follow a document
// through bookkeeping, payments), 429s waited out, one token refresh for many concurrent callers,
// and every failure classified the way the runner acts on it. The connector code runs in this
// process on a real Redis (limits, locks) and database (tokens).

type App = {
  connectorFor: typeof import("~/connectors/registry.server").connectorFor;
  sealTokens: typeof import("~/connectors/connection.server").sealTokens;
  db: typeof import("~/db.server").db;
  exchange: Record<"fortnox" | "visma", (code: string, redirect: string) => Promise<import("~/connectors/oauth.server").TokenSet>>;
};

const REDIRECT = "http://127.0.0.1:9/callback";
let redis: RedisServer;
let database: TestDatabase;
let fortnox: FortnoxSim;
let visma: VismaSim;
let app: App;

beforeAll(async () => {
  redis = await startRedis();
  database = await createDatabase();
  const fx = { clientId: `fx-${randomBytes(3).toString("hex")}`, clientSecret: randomBytes(12).toString("hex") };
  const vi = { clientId: `vi-${randomBytes(3).toString("hex")}`, clientSecret: randomBytes(12).toString("hex") };
  fortnox = await startFortnoxSimulator({ clients: [{ ...fx, redirectUris: [REDIRECT] }] });
  visma = await startVismaSimulator({ clients: [{ ...vi, redirectUris: [REDIRECT] }] });
  Object.assign(process.env, {
    NODE_ENV: "test", SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", SHOPIFY_APP_URL: "http://127.0.0.1:9", SCOPES: "read_orders",
    DATABASE_URL: database.url, REDIS_URL: redis.url, ENCRYPTION_KEY: randomBytes(32).toString("hex"), LOG_LEVEL: "error", ACCOUNTING_TIMEOUT_MS: "3000",
    FORTNOX_CLIENT_ID: fx.clientId, FORTNOX_CLIENT_SECRET: fx.clientSecret, FORTNOX_API_URL: fortnox.apiUrl, FORTNOX_AUTH_URL: fortnox.authUrl,
    VISMA_CLIENT_ID: vi.clientId, VISMA_CLIENT_SECRET: vi.clientSecret, VISMA_API_URL: visma.apiUrl, VISMA_AUTH_URL: visma.authUrl,
  });
  const [registry, connection, dbm, fp, vp] = await Promise.all([
    import("~/connectors/registry.server"), import("~/connectors/connection.server"), import("~/db.server"),
    import("~/connectors/fortnox/provider.server"), import("~/connectors/visma/provider.server"),
  ]);
  app = { connectorFor: registry.connectorFor, sealTokens: connection.sealTokens, db: dbm.db, exchange: { fortnox: fp.fortnoxExchangeCode, visma: vp.vismaExchangeCode } };
});
afterAll(async () => {
  await app?.db().$disconnect();
  await Promise.all([fortnox?.close(), visma?.close()]);
  await database?.drop();
  await redis?.stop();
});

interface Target {
  provider: "fortnox" | "visma";
  sim: () => { url: string };
  authorizeUrl: () => string;
  /** The path of a document create, for fault rules. */
  createPath: string;
  /** The customer as the accounting system holds it, in one shape for both. */
  article: (number: string) => Promise<{ description: string; ean: string | null; active: boolean; netPrice: number | null } | undefined>;
  customer: (id: string) => Promise<{ name: string; email: string | null; phone: string | null; address1: string | null; city: string | null; active: boolean } | undefined>;
  /** A stock count in the accounting system's own UI: the article becomes a stock article. */
  countStock: (number: string, quantity: string) => Promise<unknown>;
}

const TARGETS: Target[] = [
  {
    provider: "fortnox", sim: () => fortnox, createPath: "^/3/invoices$",
    article: async (number) => {
      const a = ((await control(TARGETS[0], "tenants/1001/articles")) as { Articles: any[] }).Articles.find((x) => x.ArticleNumber === number);
      return a && { description: a.Description, ean: a.EAN || null, active: a.Active, netPrice: a.SalesPrice || null };
    },
    customer: async (id) => {
      const c = ((await control(TARGETS[0], "tenants/1001/customers")) as { Customers: any[] }).Customers.find((x) => x.CustomerNumber === id);
      return c && { name: c.Name, email: c.Email || null, phone: c.Phone1 || null, address1: c.Address1 || null, city: c.City || null, active: c.Active };
    },
    countStock: (number, quantity) => control(TARGETS[0], "tenants/1001/stock", { method: "PUT", body: JSON.stringify({ ArticleNumber: number, QuantityInStock: quantity }) }),
    authorizeUrl: () => `${fortnox.authUrl}/auth?${new URLSearchParams({ client_id: process.env.FORTNOX_CLIENT_ID!, redirect_uri: REDIRECT, scope: "companyinformation customer article price invoice order payment", state: "s", access_type: "offline", response_type: "code" })}`,
  },
  {
    provider: "visma", sim: () => visma, createPath: "^/v2/customerinvoicedrafts$",
    // Visma's articles have no EAN.
    article: async (number) => {
      const a = ((await control(TARGETS[1], `companies/${VISMA_COMPANY}/articles`)) as { articles: any[] }).articles.find((x) => x.Number === number);
      return a && { description: a.Name, ean: null, active: a.IsActive, netPrice: a.NetPrice };
    },
    customer: async (id) => {
      const c = ((await control(TARGETS[1], `companies/${VISMA_COMPANY}/customers`)) as { customers: any[] }).customers.find((x) => x.Id === id);
      return c && { name: c.Name, email: c.EmailAddress, phone: c.Telephone, address1: c.InvoiceAddress1, city: c.InvoiceCity, active: c.IsActive };
    },
    countStock: (number, quantity) => control(TARGETS[1], `companies/${VISMA_COMPANY}/stock`, { method: "PUT", body: JSON.stringify({ Number: number, StockBalance: quantity }) }),
    authorizeUrl: () => `${visma.authUrl}/authorize?${new URLSearchParams({ client_id: process.env.VISMA_CLIENT_ID!, redirect_uri: REDIRECT, scope: "ea:api ea:sales offline_access", state: "s", response_type: "code" })}`,
  },
];

const control = (t: Target, path: string, init: RequestInit = {}) =>
  fetch(`${t.sim().url}/__sim/${path}`, { ...init, headers: { "Content-Type": "application/json" } }).then(async (r) => (r.headers.get("content-type")?.includes("json") ? r.json() : r.text()));

/** A connection made the way the app makes one: the authorization code exchanged for tokens, stored sealed. */
async function connect(t: Target, shop: string) {
  const approve = await fetch(t.authorizeUrl(), { redirect: "manual" });
  const code = new URL(approve.headers.get("location")!).searchParams.get("code")!;
  const tokens = await app.exchange[t.provider](code, REDIRECT);
  return app.db().connection.create({ data: { shop, provider: t.provider, status: "active", tenantId: `${t.provider}-${shop}`, companyName: "Test", ...app.sealTokens({ shop, provider: t.provider }, tokens) } });
}

function invoiceDoc(reference: string, overrides: Partial<AccountingDocument> = {}): AccountingDocument {
  return {
    kind: "invoice", reference, orderName: "#1001", date: new Date().toISOString().slice(0, 10), currency: "SEK", pricesIncludeVat: true,
    regime: "domestic", vat: 6_000, roundingAccount: "3740", total: 34_800,
    customer: { key: "email:anna@example.se", type: "PRIVATE", name: "Anna Andersson", email: "anna@example.se", city: "Umeå", zip: "903 26", address1: "Storgatan 1", countryCode: "SE", currency: "SEK", regime: "domestic" },
    rows: [
      { kind: "item", articleNumber: "TS-RED-M", description: "T-shirt röd M", quantity: 2, unitPrice: 15_000, discount: 0, vatRate: 25, account: "3001" },
      { kind: "shipping", articleNumber: "FRAKT", generic: true, description: "PostNord", quantity: 1, unitPrice: 4_800, discount: 0, vatRate: 25, account: "3001" },
    ],
    ...overrides,
  };
}

/** What the sync layer does before a create: the customer and the articles there, each once. */
async function prepare(c: AccountingConnector, doc: AccountingDocument): Promise<string> {
  for (const row of doc.rows) {
    const spec = c.articleFor(row, doc);
    if (spec && !(await c.findArticle(spec.number))) await c.createArticle(spec);
  }
  return (await c.findCustomer(doc.customer)) ?? c.createCustomer(doc.customer);
}

describe.each(TARGETS)("the $provider connector", (t) => {
  const shop = `contract-${t.provider}.myshopify.com`;
  let connectionRow: Awaited<ReturnType<typeof connect>>;
  const connector = (counter: CallCounter = { calls: 0 }) => app.connectorFor(connectionRow, counter);

  beforeAll(async () => { connectionRow = await connect(t, shop); });

  it("creates, finds by our exact reference, books and pays a document, and follows it through bookkeeping", async () => {
    const c = connector();
    const ref = `gid://shopify/Order/${Date.now()}`;
    const doc = invoiceDoc(ref);
    const customer = await prepare(c, doc);
    expect(await c.findCustomer(doc.customer)).toBe(customer);
    expect(await c.findDocuments(ref, "invoice")).toEqual([]);

    const made = await c.createDocument(doc, customer);
    expect(made.total).toBe(34_800);
    expect(made.booked).toBe(false);
    // Adopt after a lost answer: exactly one, the same document; a reference that merely starts alike is not ours.
    expect((await c.findDocuments(ref, "invoice")).map((d) => d.id)).toEqual([made.id]);
    expect(await c.findDocuments(ref, "credit")).toEqual([]);
    expect(await c.findDocuments(`${ref}1`, "invoice")).toEqual([]);

    const booked = await c.bookkeep(made.id);
    expect(booked.booked).toBe(true);
    expect(booked.total).toBe(34_800);
    // The id the document had when it was made still finds it (a Visma draft became an invoice).
    expect(await c.getDocument(made.id)).toMatchObject({ id: booked.id, number: booked.number, booked: true });

    const payment: PlannedPayment = { gateway: "shopify_payments", mode: "KO", account: "1930", amount: 20_000, amountShop: 20_000, shopCurrency: "SEK", date: doc.date };
    const before = await c.findPayments(booked.id);
    expect("listed" in before ? before.listed : before.paidTotal).toEqual("listed" in before ? [] : 0);
    const paid = await c.createPayment(booked, payment);
    if (!paid.booked) await c.bookkeepPayment(paid.id);
    const after = await c.findPayments(booked.id);
    if ("listed" in after) expect(after.listed.map((p) => [p.mode, p.amount])).toEqual([["KO", 20_000]]);
    else expect(after.paidTotal).toBe(20_000);
  });

  it("books a credit document against an invoice and finds it as a credit, not an invoice", async () => {
    const c = connector();
    const ref = `gid://shopify/Refund/${Date.now()}`;
    const invoice = invoiceDoc(`gid://shopify/Order/${Date.now() + 1}`);
    const customer = await prepare(c, invoice);
    const credit: AccountingDocument = { ...invoiceDoc(ref), kind: "credit", creditOf: "1", total: -15_000, vat: -3_000, rows: [{ ...invoice.rows[0], quantity: -1 }] };
    const made = await c.createDocument(credit, customer);
    expect(made.total).toBe(-15_000);
    expect((await c.findDocuments(ref, "credit")).map((d) => d.id)).toEqual([made.id]);
    expect(await c.findDocuments(ref, "invoice")).toEqual([]);
    expect((await c.bookkeep(made.id)).total).toBe(-15_000);
  });

  it("updates only the customer fields it is given (clearing those now empty) and deactivates instead of deleting", async () => {
    const c = connector();
    const person = { key: `shopify:${Date.now()}`, type: "PRIVATE" as const, name: "Berit Berg", email: "berit@example.se", phone: "070-1234567", address1: "Storgatan 1", zip: "903 26", city: "Umeå", countryCode: "SE", currency: "SEK" };
    const id = await c.createCustomer(person);
    // Shopify owns e-mail and phone; the address is the accountant's, whatever Shopify says now.
    await c.updateCustomer(id, { ...person, name: "Berit Lund", email: "berit.lund@example.se", phone: undefined, address1: "Kungsgatan 9", city: "Luleå" }, ["email", "phone"]);
    expect(await t.customer(id)).toEqual({ name: "Berit Berg", email: "berit.lund@example.se", phone: null, address1: "Storgatan 1", city: "Umeå", active: true });
    await c.updateCustomer(id, { ...person, name: "Berit Lund", address1: "Kungsgatan 9", city: "Luleå" }, ["name", "address"]);
    expect(await t.customer(id)).toMatchObject({ name: "Berit Lund", email: "berit.lund@example.se", address1: "Kungsgatan 9", city: "Luleå" });
    await c.deactivateCustomer(id);
    expect(await t.customer(id)).toMatchObject({ name: "Berit Lund", active: false });
  });

  it("updates an article's description, EAN and sales price and deactivates it instead of deleting", async () => {
    const c = connector();
    const number = `SYNC-${Date.now()}`;
    const ean = (e: string) => (t.provider === "fortnox" ? e : null); // Visma's articles have no EAN
    const id = await c.createArticle({ number, description: "Mugg blå", service: false, ean: "7350000000019", vatRate: 25, salesAccount: "3001", price: { net: 15_920, gross: 19_900 } });
    expect(await c.findArticle(number)).toBe(id);
    expect(await t.article(number)).toEqual({ description: "Mugg blå", ean: ean("7350000000019"), active: true, netPrice: 159.2 });
    await c.updateArticle(id, { number, description: "Mugg blå 30 cl", service: false, ean: "7350000000026", price: { net: 19_920, gross: 24_900 } });
    expect(await t.article(number)).toEqual({ description: "Mugg blå 30 cl", ean: ean("7350000000026"), active: true, netPrice: 199.2 });
    // Without a price in the spec, the price stays as it is.
    await c.updateArticle(id, { number, description: "Mugg blå 30 cl", service: false });
    expect(await t.article(number)).toMatchObject({ netPrice: 199.2 });
    await c.deactivateArticle(id);
    expect(await t.article(number)).toMatchObject({ description: "Mugg blå 30 cl", active: false });
    expect(await c.findArticle(number)).toBe(id);
  });

  it("reads the articles whose stock changed since a time, and which articles it keeps stock for", async () => {
    const c = connector();
    const since = new Date(Date.now() - 2 * 60_000);
    const stocked = `STOCK-${Date.now()}`;
    const plain = `PLAIN-${Date.now()}`;
    await c.createArticle({ number: stocked, description: "Lampa", service: false });
    await c.createArticle({ number: plain, description: "Skärm", service: false });
    await t.countStock(stocked, "7");
    const changed = await c.stockChangedSince!(since);
    expect(changed.find((a) => a.number === stocked)).toMatchObject({ quantity: "7" });
    expect(await c.keepsStock!(stocked)).toBe(true);
    expect(await c.keepsStock!(plain)).toBe(false); // made by Kontera: it never switches stock keeping on
    expect(await c.keepsStock!(`NONE-${Date.now()}`)).toBe(false);
    expect((await c.stockChangedSince!(new Date(Date.now() + 5 * 60_000))).find((a) => a.number === stocked)).toBeUndefined();
  });

  it("waits out 429s and books once", async () => {
    await control(t, "faults", { method: "POST", body: JSON.stringify({ rules: [{ method: "POST", path: t.createPath, status: 429, count: 3 }] }) });
    const stats = (await control(t, "stats")) as { rateLimited: number; faulted: number };
    const counter = { calls: 0 };
    const c = connector(counter);
    const ref = `gid://shopify/Order/${Date.now() + 2}`;
    const doc = invoiceDoc(ref);
    const customer = await prepare(c, doc);
    const callsBefore = counter.calls;
    await c.createDocument(doc, customer);
    const after = (await control(t, "stats")) as { rateLimited: number; faulted: number };
    expect(after.faulted - stats.faulted).toBe(3);
    expect(counter.calls - callsBefore).toBeGreaterThanOrEqual(4);
    expect(await c.findDocuments(ref, "invoice")).toHaveLength(1);
    await control(t, "faults", { method: "DELETE" });
  });

  it("refreshes an expired token once for twenty concurrent callers, each on its own token source", async () => {
    await control(t, "expire-tokens", { method: "POST" });
    const before = (await control(t, "stats")) as { refreshes: number; invalidGrants: number };
    const row = await app.db().connection.findUniqueOrThrow({ where: { id: connectionRow.id } });
    const results = await Promise.all(Array.from({ length: 20 }, () => app.connectorFor(row, { calls: 0 }).findArticle("TS-RED-M")));
    expect(results.every((r) => typeof r === "string" && r.length > 0)).toBe(true);
    const after = (await control(t, "stats")) as { refreshes: number; invalidGrants: number };
    expect(after.refreshes - before.refreshes).toBe(1);
    expect(after.invalidGrants - before.invalidGrants).toBe(0);
  });

  it("classifies failures: validation → permanent with the provider's code, 5xx → retryable, a revoked authorisation → auth", async () => {
    const c = connector();
    const refused = await c.createDocument(invoiceDoc(`gid://shopify/Order/${Date.now() + 3}`), t.provider === "visma" ? "00000000-0000-4000-8000-000000000000" : "999999").catch((e) => e);
    expect(refused).toMatchObject({ name: "ConnectorError", kind: "permanent" });
    expect(refused.code).toMatch(/^\d+$/);

    await control(t, "faults", { method: "POST", body: JSON.stringify({ rules: [{ method: "POST", path: t.createPath, status: 503, count: 1 }] }) });
    const doc = invoiceDoc(`gid://shopify/Order/${Date.now() + 4}`);
    const down = await c.createDocument(doc, await prepare(c, doc)).catch((e) => e);
    expect(down).toMatchObject({ name: "ConnectorError", kind: "retryable", status: 503 });

    await control(t, "revoke-refresh-tokens", { method: "POST" });
    await control(t, "expire-tokens", { method: "POST" });
    const row = await app.db().connection.findUniqueOrThrow({ where: { id: connectionRow.id } });
    const revoked = await app.connectorFor(row, { calls: 0 }).findArticle("TS-RED-M").catch((e) => e);
    expect(revoked).toMatchObject({ name: "ConnectorError", kind: "auth", code: "invalid_grant" });
  });
});
