/**
 * Exercises the Fortnox simulator over real HTTP. Each test asserts behaviour the real
 * API has (per /work/shared/reference/accounting-apis.md) so the simulator stays strict.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FortnoxSim, startFortnoxSimulator } from "./fortnox/server";

const CLIENT = { clientId: "kontera-test", clientSecret: "s3cret", redirectUris: ["http://localhost:9999/callback"] };
const REDIRECT = CLIENT.redirectUris[0];
const ALL_SCOPES = "companyinformation customer article price order invoice payment currency settings bookkeeping";

interface Tokens {
  access_token: string;
  refresh_token: string;
  scope: string;
  expires_in: number;
  token_type: string;
}

const basic = (id = CLIENT.clientId, secret = CLIENT.clientSecret) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

async function getCode(sim: FortnoxSim, params: Record<string, string> = {}): Promise<Response> {
  const q = new URLSearchParams({
    client_id: CLIENT.clientId,
    redirect_uri: REDIRECT,
    scope: ALL_SCOPES,
    state: "st-123",
    access_type: "offline",
    response_type: "code",
    ...params,
  });
  return fetch(`${sim.authUrl}/auth?${q}`, { redirect: "manual" });
}

async function tokenRequest(sim: FortnoxSim, form: Record<string, string>, auth = basic()): Promise<Response> {
  return fetch(`${sim.authUrl}/token`, {
    method: "POST",
    headers: { Authorization: auth, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
}

/** Full code flow; returns the token response. */
async function login(sim: FortnoxSim, params: Record<string, string> = {}): Promise<Tokens> {
  const res = await getCode(sim, params);
  expect(res.status).toBe(302);
  const code = new URL(res.headers.get("location")!).searchParams.get("code")!;
  const tok = await tokenRequest(sim, { grant_type: "authorization_code", code, redirect_uri: REDIRECT });
  expect(tok.status).toBe(200);
  return (await tok.json()) as Tokens;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function api(sim: FortnoxSim, token: string, method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${sim.apiUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, Accept: "application/json", ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    ...init,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function control(sim: FortnoxSim, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${sim.url}/__sim${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** Case-insensitive read of ErrorInformation (the real API mixes key casing). */
function errorCode(json: Json): number {
  const info = json.ErrorInformation;
  return Number(info.code ?? info.Code);
}

describe("fortnox simulator", () => {
  let sim: FortnoxSim;
  let token: string;
  let customerNumber: string;

  beforeAll(async () => {
    // Generous rate limit here; the limiter has its own simulators below.
    sim = await startFortnoxSimulator({ clients: [CLIENT], rateLimit: { max: 10_000, windowMs: 5000 } });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    await control(sim, "POST", "/reset");
    token = (await login(sim)).access_token;
    const c = await api(sim, token, "POST", "/customers", { Customer: { Name: "Anna Andersson", Email: "anna@example.se", CountryCode: "SE" } });
    expect(c.status).toBe(201);
    customerNumber = c.json.Customer.CustomerNumber;
  });

  describe("oauth", () => {
    it("runs the authorization-code flow and the token identifies the tenant", async () => {
      const res = await getCode(sim);
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get("location")!);
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
      expect(location.searchParams.get("state")).toBe("st-123");
      const code = location.searchParams.get("code")!;

      const tok = await tokenRequest(sim, { grant_type: "authorization_code", code, redirect_uri: REDIRECT });
      expect(tok.status).toBe(200);
      const body = (await tok.json()) as Tokens;
      expect(body).toMatchObject({ scope: ALL_SCOPES, expires_in: 3600, token_type: "bearer" });
      expect(body.access_token).toEqual(expect.any(String));
      expect(body.refresh_token).toEqual(expect.any(String));
      // The access token is JWT-shaped and carries the tenant id.
      const payload = JSON.parse(Buffer.from(body.access_token.split(".")[1], "base64url").toString());
      expect(payload.tenantId).toBe(1001);

      const info = await api(sim, body.access_token, "GET", "/companyinformation");
      expect(info.status).toBe(200);
      expect(info.json.CompanyInformation).toMatchObject({ CompanyName: "Demo Handel AB", DatabaseNumber: 1001, OrganizationNumber: "556677-8899" });

      // Codes are single use.
      const again = await tokenRequest(sim, { grant_type: "authorization_code", code, redirect_uri: REDIRECT });
      expect(again.status).toBe(400);
      expect(await again.json()).toMatchObject({ error: "invalid_grant" });
    });

    it("validates the authorize request and client credentials", async () => {
      expect((await getCode(sim, { client_id: "nope" })).status).toBe(400);
      expect((await getCode(sim, { redirect_uri: "http://evil.example/cb" })).status).toBe(400);
      expect((await getCode(sim, { response_type: "token" })).status).toBe(400);
      expect((await getCode(sim, { scope: "" })).status).toBe(400);
      expect((await getCode(sim, { scope: "invoice,customer" })).status).toBe(400);
      expect((await getCode(sim, { tenant: "999" })).status).toBe(400);

      const res = await getCode(sim);
      const code = new URL(res.headers.get("location")!).searchParams.get("code")!;
      const wrongSecret = await tokenRequest(sim, { grant_type: "authorization_code", code, redirect_uri: REDIRECT }, basic(CLIENT.clientId, "wrong"));
      expect(wrongSecret.status).toBe(401);
      expect(await wrongSecret.json()).toEqual({ error: "invalid_client", error_description: "The client credentials are invalid" });
      // redirect_uri must repeat the one used on /auth.
      const wrongRedirect = await tokenRequest(sim, { grant_type: "authorization_code", code, redirect_uri: "http://localhost:9999/other" });
      expect(wrongRedirect.status).toBe(400);
      expect(await wrongRedirect.json()).toMatchObject({ error: "invalid_grant" });
    });

    it("rotates refresh tokens and rejects a second use with invalid_grant", async () => {
      const first = await login(sim);
      const before = (await control(sim, "GET", "/stats")).json;

      const r1 = await tokenRequest(sim, { grant_type: "refresh_token", refresh_token: first.refresh_token });
      expect(r1.status).toBe(200);
      const second = (await r1.json()) as Tokens;
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(second.access_token).not.toBe(first.access_token);

      const reuse = await tokenRequest(sim, { grant_type: "refresh_token", refresh_token: first.refresh_token });
      expect(reuse.status).toBe(400);
      expect(await reuse.json()).toEqual({ error: "invalid_grant", error_description: "Invalid refresh token" });

      // Refreshing revokes nothing else: the old access token still works.
      expect((await api(sim, first.access_token, "GET", "/companyinformation")).status).toBe(200);
      // The rotated token works exactly once more.
      expect((await tokenRequest(sim, { grant_type: "refresh_token", refresh_token: second.refresh_token })).status).toBe(200);

      const after = (await control(sim, "GET", "/stats")).json;
      expect(after.refreshes - before.refreshes).toBe(2);
      expect(after.invalidGrants - before.invalidGrants).toBe(1);
      expect(after.tokenRequests - before.tokenRequests).toBe(3);
    });

    it("honours /oauth-v1/revoke and the revoke-refresh-tokens control", async () => {
      const a = await login(sim);
      const revoke = await fetch(`${sim.authUrl}/revoke`, {
        method: "POST",
        headers: { Authorization: basic(), "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token_type_hint: "refresh_token", token: a.refresh_token }).toString(),
      });
      expect(revoke.status).toBe(200);
      expect((await tokenRequest(sim, { grant_type: "refresh_token", refresh_token: a.refresh_token })).status).toBe(400);

      const b = await login(sim);
      await control(sim, "POST", "/revoke-refresh-tokens");
      const res = await tokenRequest(sim, { grant_type: "refresh_token", refresh_token: b.refresh_token });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: "invalid_grant" });
    });

    it("issues no refresh token without access_type=offline", async () => {
      const tokens = await login(sim, { access_type: "online" });
      expect(tokens.refresh_token).toBeUndefined();
    });

    it("answers 401 for missing, unknown and expired access tokens", async () => {
      const missing = await fetch(`${sim.apiUrl}/companyinformation`);
      expect(missing.status).toBe(401);
      expect(await missing.json()).toEqual({ message: "unauthorized" });
      expect((await api(sim, "not-a-token", "GET", "/companyinformation")).status).toBe(401);

      expect((await api(sim, token, "GET", "/companyinformation")).status).toBe(200);
      await control(sim, "POST", "/expire-tokens");
      const expired = await api(sim, token, "GET", "/companyinformation");
      expect(expired.status).toBe(401);
      expect(expired.json).toEqual({ message: "unauthorized" });
    });

    it("expires access tokens after their ttl", async () => {
      const short = await startFortnoxSimulator({ clients: [CLIENT], accessTokenTtlSeconds: 1 });
      try {
        const t = await login(short);
        expect(t.expires_in).toBe(1);
        expect((await api(short, t.access_token, "GET", "/companyinformation")).status).toBe(200);
        await new Promise((r) => setTimeout(r, 1100));
        expect((await api(short, t.access_token, "GET", "/companyinformation")).status).toBe(401);
        expect((await control(short, "GET", "/stats")).json.unauthorized).toBe(1);
      } finally {
        await short.close();
      }
    });

    it("enforces scopes on REST resources", async () => {
      const limited = await login(sim, { scope: "invoice" });
      const res = await api(sim, limited.access_token, "GET", "/customers");
      expect(res.status).toBe(403);
      expect(errorCode(res.json)).toBe(2000663);
      expect((await api(sim, limited.access_token, "GET", "/invoices")).status).toBe(200);
    });
  });

  describe("rate limiting", () => {
    it("rejects the 26th request within 5 s with the default limit", async () => {
      const s = await startFortnoxSimulator({ clients: [CLIENT] });
      try {
        const t = (await login(s)).access_token;
        const statuses: number[] = [];
        for (let i = 0; i < 26; i++) statuses.push((await api(s, t, "GET", "/companyinformation")).status);
        expect(statuses.slice(0, 25).every((x) => x === 200)).toBe(true);
        expect(statuses[25]).toBe(429);
        const res = await fetch(`${s.apiUrl}/companyinformation`, { headers: { Authorization: `Bearer ${t}` } });
        expect(await res.json()).toEqual({ message: "Too Many Requests" });
        const stats = (await control(s, "GET", "/stats")).json;
        expect(stats).toMatchObject({ requests: 27, accepted: 25, rateLimited: 2, maxInWindow: 25 });
      } finally {
        await s.close();
      }
    });

    it("uses a sliding window per (client, tenant) and tracks the max in any window", async () => {
      const s = await startFortnoxSimulator({ clients: [CLIENT], rateLimit: { max: 5, windowMs: 1000 } });
      try {
        await control(s, "POST", "/tenants", { tenantId: 2002, companyName: "Andra Bolaget AB" });
        const t1 = (await login(s)).access_token;
        const t1b = (await login(s)).access_token; // same client + tenant => same budget
        const t2 = (await login(s, { tenant: "2002" })).access_token;

        for (let i = 0; i < 3; i++) expect((await api(s, t1, "GET", "/companyinformation")).status).toBe(200);
        for (let i = 0; i < 2; i++) expect((await api(s, t1b, "GET", "/companyinformation")).status).toBe(200);
        expect((await api(s, t1, "GET", "/companyinformation")).status).toBe(429);
        expect((await api(s, t1b, "GET", "/companyinformation")).status).toBe(429);
        // Another tenant has its own budget.
        const other = await api(s, t2, "GET", "/companyinformation");
        expect(other.status).toBe(200);
        expect(other.json.CompanyInformation.DatabaseNumber).toBe(2002);

        // After the window slides past the burst, requests are accepted again.
        await new Promise((r) => setTimeout(r, 1050));
        expect((await api(s, t1, "GET", "/companyinformation")).status).toBe(200);
        const stats = (await control(s, "GET", "/stats")).json;
        expect(stats.maxInWindow).toBe(5);
        expect(stats.rateLimited).toBe(2);
        expect(stats.accepted).toBe(7);
      } finally {
        await s.close();
      }
    });
  });

  describe("customers and articles", () => {
    it("creates customers with defaults, sequential numbers and strict validation", async () => {
      const got = await api(sim, token, "GET", `/customers/${customerNumber}`);
      expect(got.json.Customer).toMatchObject({ Name: "Anna Andersson", Type: "COMPANY", VATType: "SEVAT", Currency: "SEK", PriceList: "A", Active: true });
      const second = await api(sim, token, "POST", "/customers", { Customer: { Name: "Bertil" } });
      expect(Number(second.json.Customer.CustomerNumber)).toBe(Number(customerNumber) + 1);

      const dup = await api(sim, token, "POST", "/customers", { Customer: { Name: "X", CustomerNumber: customerNumber } });
      expect(dup.status).toBe(400);
      expect(errorCode(dup.json)).toBe(2000637);
      expect((await api(sim, token, "POST", "/customers", { Customer: { Email: "a@b.se" } })).status).toBe(400);
      expect((await api(sim, token, "POST", "/customers", { Customer: { Name: "X", CountryCode: "SWE" } })).status).toBe(400);
      expect((await api(sim, token, "POST", "/customers", { Customer: { Name: "X", Email: "not-an-email" } })).status).toBe(400);
      expect((await api(sim, token, "POST", "/customers", { Customer: { Name: "X", OrganisationNumber: "55-66" } })).status).toBe(400);
      expect((await api(sim, token, "POST", "/customers", { Customer: { Name: "X", OrganisationNumber: "556677-8899" } })).status).toBe(201);

      const upd = await api(sim, token, "PUT", `/customers/${customerNumber}`, { Customer: { City: "Malmö" } });
      expect(upd.status).toBe(200);
      expect(upd.json.Customer).toMatchObject({ City: "Malmö", Name: "Anna Andersson" });

      const missing = await api(sim, token, "GET", "/customers/9999");
      expect(missing.status).toBe(404);
      expect(missing.json).toEqual({ ErrorInformation: { Error: 1, Message: "Kan inte hitta kunden.", Code: 2000433 } });
    });

    it("lists customers with the subset of fields and a search", async () => {
      await api(sim, token, "POST", "/customers", { Customer: { Name: "Carl Carlsson", Email: "carl@shop.se", Address1: "Gatan 2" } });
      const res = await api(sim, token, "GET", "/customers?email=SHOP.se");
      expect(res.status).toBe(200);
      expect(res.json.MetaInformation).toEqual({ "@TotalResources": 1, "@TotalPages": 1, "@CurrentPage": 1 });
      expect(Object.keys(res.json.Customers[0]).sort()).toEqual(
        ["@url", "Address1", "Address2", "City", "CustomerNumber", "Email", "Name", "OrganisationNumber", "Phone", "ZipCode"].sort(),
      );
    });

    it("validates articles: required description, number format and duplicates", async () => {
      const a = await api(sim, token, "POST", "/articles", { Article: { ArticleNumber: "TS-RED-M", Description: "T-shirt röd M" } });
      expect(a.status).toBe(201);
      expect(a.json.Article).toMatchObject({ ArticleNumber: "TS-RED-M", SalesAccount: 3001, VAT: 25, Type: "STOCK" });
      const dup = await api(sim, token, "POST", "/articles", { Article: { ArticleNumber: "TS-RED-M", Description: "again" } });
      expect(dup.status).toBe(400);
      expect(errorCode(dup.json)).toBe(2000013);
      expect(dup.json.ErrorInformation.message).toBe('Artikelnummer "TS-RED-M" används redan');
      const bad = await api(sim, token, "POST", "/articles", { Article: { ArticleNumber: "BAD NUMBER!", Description: "x" } });
      expect(errorCode(bad.json)).toBe(2000359);
      const long = await api(sim, token, "POST", "/articles", { Article: { ArticleNumber: "A".repeat(51), Description: "x" } });
      expect(long.status).toBe(400);
      expect((await api(sim, token, "POST", "/articles", { Article: { ArticleNumber: "NODESC" } })).status).toBe(400);
      const book = await api(sim, token, "POST", "/articles", { Article: { ArticleNumber: "BOOK-1", Description: "Bok", SalesAccount: 3003 } });
      expect(book.json.Article.VAT).toBe(6); // VAT follows the sales account
      const missing = await api(sim, token, "GET", "/articles/NOPE");
      expect(missing.status).toBe(404);
      expect(errorCode(missing.json)).toBe(2000428);
    });

    it("keeps sales prices per price list under /3/prices, shown read-only as the article's SalesPrice", async () => {
      await api(sim, token, "POST", "/articles", { Article: { ArticleNumber: "MUG-1", Description: "Mugg" } });
      expect((await api(sim, token, "GET", "/prices/A/MUG-1/0")).status).toBe(404); // a new article has no price
      const made = await api(sim, token, "POST", "/prices", { Price: { ArticleNumber: "MUG-1", PriceList: "A", FromQuantity: 0, Price: 159.2 } });
      expect(made.status).toBe(201);
      expect(made.json.Price).toMatchObject({ ArticleNumber: "MUG-1", PriceList: "A", FromQuantity: 0, Price: 159.2 });
      expect((await api(sim, token, "POST", "/prices", { Price: { ArticleNumber: "MUG-1", PriceList: "A", FromQuantity: 0, Price: 1 } })).status).toBe(400);
      expect((await api(sim, token, "PUT", "/prices/A/MUG-1/0", { Price: { Price: 199.2 } })).json.Price.Price).toBe(199.2);
      expect((await api(sim, token, "GET", "/articles/MUG-1")).json.Article.SalesPrice).toBe(199.2);
      // The article's SalesPrice cannot be written, a price for an unknown article or list is refused, and öre is the precision.
      expect(errorCode((await api(sim, token, "PUT", "/articles/MUG-1", { Article: { SalesPrice: 1 } })).json)).toBe(2001399);
      expect((await api(sim, token, "POST", "/prices", { Price: { ArticleNumber: "NOPE", PriceList: "A", Price: 1 } })).status).toBe(404);
      expect(errorCode((await api(sim, token, "POST", "/prices", { Price: { ArticleNumber: "MUG-1", PriceList: "Z", Price: 1 } })).json)).toBe(2000460);
      expect((await api(sim, token, "PUT", "/prices/A/MUG-1/0", { Price: { Price: 1.005 } })).status).toBe(400);
      // The price scope is its own.
      const articleOnly = (await login(sim, { scope: "article" })).access_token;
      expect((await api(sim, articleOnly, "GET", "/prices/A/MUG-1/0")).status).toBe(403);
    });
  });

  describe("invoice validation", () => {
    const row = { Description: "Vara", DeliveredQuantity: 1, Price: 100, VAT: 25 };

    it("rejects unknown and read-only field names with 2001399", async () => {
      for (const body of [
        { Invoice: { CustomerNumber: customerNumber, Foo: 1, InvoiceRows: [row] } },
        { Invoice: { CustomerNumber: customerNumber, InvoiceRows: [{ ...row, Colour: "red" }] } },
        { Invoice: { CustomerNumber: customerNumber, Total: 100, InvoiceRows: [row] } },
        { Invoice: { CustomerNumber: customerNumber, Booked: true, InvoiceRows: [row] } },
        { Invoice: { CustomerNumber: customerNumber, InvoiceRows: [{ ...row, Total: 100 }] } },
      ]) {
        const res = await api(sim, token, "POST", "/invoices", body);
        expect(res.status).toBe(400);
        expect(res.json.ErrorInformation).toMatchObject({ error: 1, code: 2001399 });
      }
      expect((await control(sim, "GET", "/tenants/1001/invoices")).json.Invoices).toHaveLength(0);
    });

    it("rejects missing customer, unknown article, currency, VAT and account", async () => {
      const missingCustomer = await api(sim, token, "POST", "/invoices", { Invoice: { CustomerNumber: "4711", InvoiceRows: [row] } });
      expect(missingCustomer.status).toBe(400);
      expect(errorCode(missingCustomer.json)).toBe(2000433);
      expect(missingCustomer.json.ErrorInformation.message).toContain("Kan inte hitta kunden");
      expect((await api(sim, token, "POST", "/invoices", { Invoice: { InvoiceRows: [row] } })).status).toBe(400);

      const article = await api(sim, token, "POST", "/invoices", { Invoice: { CustomerNumber: customerNumber, InvoiceRows: [{ ...row, ArticleNumber: "GHOST" }] } });
      expect(article.status).toBe(400);
      expect(errorCode(article.json)).toBe(2000428);

      const currency = await api(sim, token, "POST", "/invoices", { Invoice: { CustomerNumber: customerNumber, Currency: "PLN", InvoiceRows: [row] } });
      expect(currency.status).toBe(400);
      expect(currency.json.ErrorInformation.message).toBe('Valutan "PLN" finns inte');

      const vat = await api(sim, token, "POST", "/invoices", { Invoice: { CustomerNumber: customerNumber, InvoiceRows: [{ ...row, VAT: 7 }] } });
      expect(vat.status).toBe(400);
      expect(vat.json.ErrorInformation.message).toContain("Kunde inte hitta moms");

      const account = await api(sim, token, "POST", "/invoices", { Invoice: { CustomerNumber: customerNumber, InvoiceRows: [{ ...row, AccountNumber: 9999 }] } });
      expect(errorCode(account.json)).toBe(2001304);

      const longDescription = await api(sim, token, "POST", "/invoices", { Invoice: { CustomerNumber: customerNumber, InvoiceRows: [{ ...row, Description: "x".repeat(256) }] } });
      expect(longDescription.status).toBe(400);
      const okDescription = await api(sim, token, "POST", "/invoices", { Invoice: { CustomerNumber: customerNumber, InvoiceRows: [{ ...row, Description: "x".repeat(255) }] } });
      expect(okDescription.status).toBe(201);

      const longRef = await api(sim, token, "POST", "/invoices", { Invoice: { CustomerNumber: customerNumber, ExternalInvoiceReference1: "r".repeat(81), InvoiceRows: [row] } });
      expect(longRef.status).toBe(400);
      const badQty = await api(sim, token, "POST", "/invoices", { Invoice: { CustomerNumber: customerNumber, InvoiceRows: [{ ...row, DeliveredQuantity: "two" }] } });
      expect(errorCode(badQty.json)).toBe(2000108);
      const badDiscountType = await api(sim, token, "POST", "/invoices", { Invoice: { CustomerNumber: customerNumber, InvoiceRows: [{ ...row, DiscountType: "FIXED" }] } });
      expect(badDiscountType.status).toBe(400);

      // A currency added through the control API becomes usable; removing it makes it invalid again.
      expect((await control(sim, "POST", "/tenants/1001/currencies", { Code: "PLN", BuyRate: 2.61, SellRate: 2.67 })).status).toBe(201);
      const pln = await api(sim, token, "POST", "/invoices", { Invoice: { CustomerNumber: customerNumber, Currency: "PLN", InvoiceRows: [row] } });
      expect(pln.status).toBe(201);
      expect(pln.json.Invoice).toMatchObject({ Currency: "PLN", CurrencyRate: 2.67 });
      await control(sim, "DELETE", "/tenants/1001/currencies/PLN");
      expect((await api(sim, token, "POST", "/invoices", { Invoice: { CustomerNumber: customerNumber, Currency: "PLN", InvoiceRows: [row] } })).status).toBe(400);
    });

    it("refuses a project or cost centre the company does not have, naming it, and accepts one made in Fortnox", async () => {
      const project = await api(sim, token, "POST", "/invoices", { Invoice: { CustomerNumber: customerNumber, Project: "P-42", InvoiceRows: [row] } });
      expect(project.status).toBe(400);
      expect(errorCode(project.json)).toBe(2000471);
      expect(project.json.ErrorInformation.message).toContain('Projektet "P-42"');
      const rowCostCenter = await api(sim, token, "POST", "/invoices", { Invoice: { CustomerNumber: customerNumber, InvoiceRows: [{ ...row, CostCenter: "LAGER" }] } });
      expect(errorCode(rowCostCenter.json)).toBe(2000472);
      expect(rowCostCenter.json.ErrorInformation.message).toContain('Kostnadsstället "LAGER"');
      const tooLong = await api(sim, token, "POST", "/invoices", { Invoice: { CustomerNumber: customerNumber, OurReference: "o".repeat(51), InvoiceRows: [row] } });
      expect(tooLong.status).toBe(400);

      expect((await control(sim, "POST", "/tenants/1001/projects", { ProjectNumber: "P-42", Description: "Mässan" })).status).toBe(201);
      expect((await control(sim, "POST", "/tenants/1001/costcenters", { Code: "LAGER" })).status).toBe(201);
      const ok = await api(sim, token, "POST", "/invoices", { Invoice: { CustomerNumber: customerNumber, Project: "P-42", CostCenter: "LAGER", InvoiceRows: [{ ...row, CostCenter: "LAGER" }] } });
      expect(ok.status).toBe(201);
      expect(ok.json.Invoice).toMatchObject({ Project: "P-42", CostCenter: "LAGER" });
    });

    it("requires JSON content type and well-formed JSON", async () => {
      const wrongType = await fetch(`${sim.apiUrl}/invoices`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/plain" },
        body: JSON.stringify({ Invoice: { CustomerNumber: customerNumber } }),
      });
      expect(wrongType.status).toBe(400);
      expect(errorCode(await wrongType.json())).toBe(1000031);

      const malformed = await api(sim, token, "POST", "/invoices", '{"Invoice": {"CustomerNumber": "1",}}');
      expect(malformed.status).toBe(400);
      expect(malformed.json.ErrorInformation).toEqual({ error: 1, message: "Error deserializing JSON: JSON_ERROR_SYNTAX", code: 2002115 });

      const noEnvelope = await api(sim, token, "POST", "/invoices", { CustomerNumber: customerNumber });
      expect(noEnvelope.status).toBe(400);
    });

    it("rejects float artefacts instead of rounding them", async () => {
      const res = await api(sim, token, "POST", "/invoices", {
        Invoice: { CustomerNumber: customerNumber, InvoiceRows: [{ ...row, Price: 0.1 + 0.2 }] },
      });
      expect(res.status).toBe(400);
      expect(errorCode(res.json)).toBe(2000108);
    });

    it("answers unknown routes with a 404 ErrorInformation", async () => {
      const res = await api(sim, token, "GET", "/vouchers");
      expect(res.status).toBe(404);
      expect(res.json.ErrorInformation.Code).toEqual(expect.any(Number));
      expect((await api(sim, token, "DELETE", "/invoices/1")).status).toBe(404);
    });
  });

  describe("invoice totals", () => {
    it("computes a VATIncluded invoice with 25/12/6 rows, discounts and freight exactly", async () => {
      const res = await api(sim, token, "POST", "/invoices", {
        Invoice: {
          CustomerNumber: customerNumber,
          VATIncluded: true,
          Freight: 49,
          InvoiceRows: [
            { Description: "T-shirt", DeliveredQuantity: 2, Price: 250, VAT: 25, Discount: 10, DiscountType: "PERCENT" }, // 450.00
            { Description: "Bok", DeliveredQuantity: 1, Price: 199, VAT: 6 }, // 199.00
            { Description: "Kaffe", DeliveredQuantity: 3, Price: 33.33, VAT: 12 }, // 99.99
            { Description: "Mugg", DeliveredQuantity: 1, Price: 100, VAT: 25, Discount: 15.5, DiscountType: "AMOUNT" }, // 84.50
          ],
        },
      });
      expect(res.status).toBe(201);
      const inv = res.json.Invoice;
      // 25 %: 450 + 84.50 + freight 49 = 583.50 -> VAT 116.70 ; 12 %: 99.99 -> 10.71 ; 6 %: 199 -> 11.26
      expect(inv.Total).toBe(882.49);
      expect(inv.TotalVAT).toBe(138.67);
      expect(inv.Net).toBe(743.82);
      expect(inv.Balance).toBe(882.49);
      expect(inv.RoundOff).toBe(0);
      expect(inv.InvoiceRows.map((r: Json) => r.Total)).toEqual([450, 199, 99.99, 84.5]);
      expect(inv.InvoiceRows[0]).toMatchObject({ DiscountType: "PERCENT", AccountNumber: 3001 });
      expect(inv.InvoiceRows[2].AccountNumber).toBe(3002);
      // Real-API quirks.
      expect(inv).toMatchObject({ DocumentNumber: "1", Credit: "false", InvoiceReference: "0", CreditInvoiceReference: "0", Booked: false, Cancelled: false, Currency: "SEK" });
      expect(inv.OCR).toBe("133");
    });

    it("computes VAT on top when VATIncluded is false, rounding half up", async () => {
      const res = await api(sim, token, "POST", "/invoices", {
        Invoice: {
          CustomerNumber: customerNumber,
          InvoiceRows: [
            { Description: "a", DeliveredQuantity: 3, Price: 33.33, VAT: 25 }, // 99.99 -> VAT 24.9975 -> 25.00
            { Description: "b", DeliveredQuantity: 1, Price: 0.1, VAT: 12 }, // 0.10 -> VAT 0.012 -> 0.01
            { Description: "c", DeliveredQuantity: 1.5, Price: 10.01, VAT: 6, Discount: 33.33 }, // 15.015 -> 15.02; -5.01 -> 10.01 ; VAT 0.6006 -> 0.60
          ],
        },
      });
      expect(res.status).toBe(201);
      const inv = res.json.Invoice;
      expect(inv.InvoiceRows.map((r: Json) => r.Total)).toEqual([99.99, 0.1, 10.01]);
      expect(inv.Net).toBe(110.1);
      expect(inv.TotalVAT).toBe(25.61);
      expect(inv.Total).toBe(135.71);
    });

    it("numbers invoices sequentially per tenant", async () => {
      const body = { Invoice: { CustomerNumber: customerNumber, InvoiceRows: [{ Description: "x", DeliveredQuantity: 1, Price: 1, VAT: 25 }] } };
      const numbers = [];
      for (let i = 0; i < 3; i++) numbers.push((await api(sim, token, "POST", "/invoices", body)).json.Invoice.DocumentNumber);
      expect(numbers).toEqual(["1", "2", "3"]);
      expect((await api(sim, token, "GET", "/invoices/2")).json.Invoice.DocumentNumber).toBe("2");
      const missing = await api(sim, token, "GET", "/invoices/99");
      expect(missing.status).toBe(404);
      expect(missing.json.ErrorInformation).toEqual({ Error: 1, Message: "Kan inte hitta fakturan.", Code: 2000434 });
    });
  });

  describe("invoice search", () => {
    beforeEach(async () => {
      for (const ref of ["ABC", "xABCy", "zzz"]) {
        const res = await api(sim, token, "POST", "/invoices", {
          Invoice: { CustomerNumber: customerNumber, ExternalInvoiceReference1: ref, YourOrderNumber: `#${ref}`, InvoiceRows: [{ Description: "x", DeliveredQuantity: 1, Price: 10, VAT: 25 }] },
        });
        expect(res.status).toBe(201);
      }
    });

    it("matches case-insensitive substrings and returns the list subset", async () => {
      const res = await api(sim, token, "GET", "/invoices?externalinvoicereference1=abc");
      expect(res.status).toBe(200);
      expect(res.json.Invoices.map((i: Json) => i.ExternalInvoiceReference1).sort()).toEqual(["ABC", "xABCy"]);
      expect(res.json.MetaInformation["@TotalResources"]).toBe(2);
      const item = res.json.Invoices[0];
      for (const key of ["DocumentNumber", "CustomerName", "CustomerNumber", "Currency", "Total", "Balance", "Booked", "Cancelled", "ExternalInvoiceReference2", "InvoiceDate", "YourOrderNumber", "@url"]) {
        expect(item).toHaveProperty(key);
      }
      expect(item).not.toHaveProperty("InvoiceRows");
    });

    it("rejects two searches, unknown parameters, bad limits and bad filters", async () => {
      const two = await api(sim, token, "GET", "/invoices?externalinvoicereference1=ABC&yourordernumber=ABC");
      expect(two.status).toBe(400);
      expect(errorCode(two.json)).toBe(2000588);
      expect(errorCode((await api(sim, token, "GET", "/invoices?colour=red")).json)).toBe(2000588);
      expect(errorCode((await api(sim, token, "GET", "/invoices?limit=501")).json)).toBe(2000588);
      const filter = await api(sim, token, "GET", "/invoices?filter=paid");
      expect(filter.status).toBe(400);
      expect(filter.json.ErrorInformation).toEqual({ error: 1, message: "Ett ogiltigt filter har använts.", code: 2000587 });
      // A search field plus global parameters is fine.
      expect((await api(sim, token, "GET", "/invoices?yourordernumber=abc&filter=unbooked&limit=1&page=2")).json).toMatchObject({
        MetaInformation: { "@TotalResources": 2, "@TotalPages": 2, "@CurrentPage": 2 },
      });
    });

    it("pages with limit and page", async () => {
      const res = await api(sim, token, "GET", "/invoices?limit=2&page=2");
      expect(res.json.MetaInformation).toEqual({ "@TotalResources": 3, "@TotalPages": 2, "@CurrentPage": 2 });
      expect(res.json.Invoices.map((i: Json) => i.DocumentNumber)).toEqual(["3"]);
    });
  });

  describe("invoice lifecycle", () => {
    async function newInvoice(extra: Record<string, unknown> = {}): Promise<Json> {
      const res = await api(sim, token, "POST", "/invoices", {
        Invoice: { CustomerNumber: customerNumber, InvoiceDate: "2024-05-02", InvoiceRows: [{ Description: "Vara", DeliveredQuantity: 2, Price: 99.5, VAT: 25 }], ...extra },
      });
      expect(res.status).toBe(201);
      return res.json.Invoice;
    }

    it("makes a booked invoice immutable and credits it", async () => {
      const inv = await newInvoice();
      const n = inv.DocumentNumber;
      const edit = await api(sim, token, "PUT", `/invoices/${n}`, { Invoice: { Remarks: "before booking" } });
      expect(edit.status).toBe(200);
      expect(edit.json.Invoice.Remarks).toBe("before booking");

      const booked = await api(sim, token, "PUT", `/invoices/${n}/bookkeep`);
      expect(booked.status).toBe(200);
      expect(booked.json.Invoice.Booked).toBe(true);
      expect((await api(sim, token, "PUT", `/invoices/${n}/bookkeep`)).status).toBe(400);

      const locked = await api(sim, token, "PUT", `/invoices/${n}`, { Invoice: { Remarks: "after booking" } });
      expect(locked.status).toBe(400);
      expect((await api(sim, token, "GET", `/invoices/${n}`)).json.Invoice.Remarks).toBe("before booking");
      expect((await api(sim, token, "PUT", `/invoices/${n}/cancel`)).status).toBe(400);

      const credited = await api(sim, token, "PUT", `/invoices/${n}/credit`);
      expect(credited.status).toBe(200);
      const creditNo = credited.json.Invoice.CreditInvoiceReference;
      expect(creditNo).not.toBe("0");
      const credit = (await api(sim, token, "GET", `/invoices/${creditNo}`)).json.Invoice;
      expect(credit).toMatchObject({ Credit: "true", InvoiceReference: n, Total: -inv.Total, TotalVAT: -inv.TotalVAT, Booked: false });
      expect(credit.InvoiceRows[0].DeliveredQuantity).toBe(-2);
      expect((await api(sim, token, "PUT", `/invoices/${n}/credit`)).status).toBe(400);
    });

    it("cancels only unbooked invoices and cannot credit unbooked ones", async () => {
      const inv = await newInvoice();
      expect((await api(sim, token, "PUT", `/invoices/${inv.DocumentNumber}/credit`)).status).toBe(400);
      const cancelled = await api(sim, token, "PUT", `/invoices/${inv.DocumentNumber}/cancel`);
      expect(cancelled.json.Invoice.Cancelled).toBe(true);
      expect((await api(sim, token, "PUT", `/invoices/${inv.DocumentNumber}`, { Invoice: { Remarks: "x" } })).status).toBe(400);
      expect((await api(sim, token, "PUT", `/invoices/${inv.DocumentNumber}/bookkeep`)).status).toBe(400);
      const list = await api(sim, token, "GET", "/invoices?filter=cancelled");
      expect(list.json.Invoices.map((i: Json) => i.DocumentNumber)).toEqual([inv.DocumentNumber]);
    });

    it("registers payments and marks the invoice fully paid when booked payments cover it", async () => {
      const inv = await newInvoice(); // 199.00 + 25 % = 248.75
      expect(inv.Total).toBe(248.75);
      const n = Number(inv.DocumentNumber);
      const pay = (body: Record<string, unknown>) => api(sim, token, "POST", "/invoicepayments", { InvoicePayment: { InvoiceNumber: n, ModeOfPayment: "KO", ...body } });

      expect((await pay({ Amount: 100, PaymentDate: "2024-05-02" })).status).toBe(400); // unbooked invoice
      await api(sim, token, "PUT", `/invoices/${n}/bookkeep`);
      const early = await pay({ Amount: 100, PaymentDate: "2024-05-01" });
      expect(early.status).toBe(400);
      expect((await pay({ Amount: 100, PaymentDate: "2024-05-03", ModeOfPayment: "XX" })).status).toBe(400);
      expect((await pay({ PaymentDate: "2024-05-03" })).status).toBe(400);
      expect((await api(sim, token, "POST", "/invoicepayments", { InvoicePayment: { InvoiceNumber: 999, Amount: 1 } })).status).toBe(400);

      const p1 = await pay({ Amount: 100, PaymentDate: "2024-05-03" });
      expect(p1.status).toBe(201);
      // Unbooked payments do not touch the balance.
      expect((await api(sim, token, "GET", `/invoices/${n}`)).json.Invoice.Balance).toBe(248.75);
      await api(sim, token, "PUT", `/invoicepayments/${p1.json.InvoicePayment.Number}/bookkeep`);
      expect((await api(sim, token, "GET", `/invoices/${n}`)).json.Invoice).toMatchObject({ Balance: 148.75, FinalPayDate: null });

      const p2 = await pay({ Amount: 148.75, PaymentDate: "2024-05-04" });
      const booked = await api(sim, token, "PUT", `/invoicepayments/${p2.json.InvoicePayment.Number}/bookkeep`);
      expect(booked.json.InvoicePayment.Booked).toBe(true);
      expect((await api(sim, token, "GET", `/invoices/${n}`)).json.Invoice).toMatchObject({ Balance: 0, FinalPayDate: "2024-05-04" });
      expect((await api(sim, token, "GET", "/invoices?filter=fullypaid")).json.Invoices).toHaveLength(1);
      const payments = await api(sim, token, "GET", `/invoicepayments?invoicenumber=${n}`);
      expect(payments.json.InvoicePayments).toHaveLength(2);
      expect((await control(sim, "GET", "/stats")).json.created.payments).toBe(2);
    });
  });

  describe("orders", () => {
    it("creates an invoice from an order exactly once", async () => {
      const o = await api(sim, token, "POST", "/orders", {
        Order: { CustomerNumber: customerNumber, ExternalInvoiceReference1: "gid://shopify/Order/1", OrderRows: [{ Description: "Vara", OrderedQuantity: 2, Price: 10, VAT: 25 }] },
      });
      expect(o.status).toBe(201);
      expect(o.json.Order).toMatchObject({ DocumentNumber: "1", Total: 25, InvoiceReference: "0" });
      expect(o.json.Order.OrderRows[0].DeliveredQuantity).toBe(2);

      const ci = await api(sim, token, "PUT", "/orders/1/createinvoice");
      expect(ci.status).toBe(200);
      const invoiceNo = ci.json.Order.InvoiceReference;
      expect(invoiceNo).toBe("1");
      const inv = (await api(sim, token, "GET", `/invoices/${invoiceNo}`)).json.Invoice;
      expect(inv).toMatchObject({ Total: 25, OrderReference: "1", ExternalInvoiceReference1: "gid://shopify/Order/1" });

      expect((await api(sim, token, "PUT", "/orders/1/createinvoice")).status).toBe(400);
      expect((await api(sim, token, "PUT", "/orders/1/cancel")).status).toBe(400);
      expect((await api(sim, token, "GET", "/orders/2")).status).toBe(404);
      expect((await api(sim, token, "GET", "/orders?filter=invoicecreated")).json.Orders).toHaveLength(1);
    });
  });

  describe("OSS (destination-country VAT for EU consumers)", () => {
    async function customer(fields: Record<string, unknown>): Promise<string> {
      const res = await api(sim, token, "POST", "/customers", { Customer: { Name: "Kund", ...fields } });
      expect(res.status).toBe(201);
      return res.json.Customer.CustomerNumber;
    }
    const invoice = (number: string, rows: unknown[], extra: Record<string, unknown> = {}) =>
      api(sim, token, "POST", "/invoices", { Invoice: { CustomerNumber: number, InvoiceRows: rows, ...extra } });
    const vatError = (res: { status: number; json: Json }, rate: string) => {
      expect(res.status).toBe(400);
      expect(res.json.ErrorInformation.message).toBe(`Kunde inte hitta moms (${rate})`);
    };

    it("books a German consumer at 19 % and 7 % with exact totals", async () => {
      const de = await customer({ Type: "PRIVATE", VATType: "EUVAT", CountryCode: "DE", Currency: "EUR" });
      const res = await invoice(de, [
        { Description: "Kaffee", DeliveredQuantity: 3, Price: 33.33, VAT: 19, AccountNumber: 3106 }, // 99.99 -> VAT 18.9981 -> 19.00
        { Description: "Buch", DeliveredQuantity: 1, Price: 10.05, VAT: 7 }, // 10.05 -> VAT 0.7035 -> 0.70
        { Description: "Porto", DeliveredQuantity: 1, Price: 4, VAT: 25 }, // a Swedish rate stays valid: VAT 1.00
      ]);
      expect(res.status).toBe(201);
      const inv = res.json.Invoice;
      expect(inv.InvoiceRows.map((r: Json) => r.VAT)).toEqual([19, 7, 25]);
      // A free row at an OSS rate defaults to the EU sales account.
      expect(inv.InvoiceRows[1].AccountNumber).toBe(3106);
      expect(inv).toMatchObject({ Currency: "EUR", Net: 114.04, TotalVAT: 20.7, Total: 134.74, Balance: 134.74 });
    });

    it("books a Finnish consumer at 25.5 % and 13.5 % exactly, rounding half away from zero", async () => {
      const fi = await customer({ Type: "PRIVATE", VATType: "EUVAT", CountryCode: "FI" });
      const included = await invoice(
        fi,
        [
          { Description: "a", DeliveredQuantity: 1, Price: 125.5, VAT: 25.5 },
          { Description: "b", DeliveredQuantity: 1, Price: 10, VAT: 25.5 }, // 135.50 × 25.5/125.5 = 27.531... -> 27.53
          { Description: "c", DeliveredQuantity: 1, Price: 11.35, VAT: 13.5 }, // 11.35 × 13.5/113.5 = 1.35
          { Description: "d", DeliveredQuantity: 1, Price: 11, VAT: 10 }, // 1.00
        ],
        { VATIncluded: true },
      );
      expect(included.status).toBe(201);
      expect(included.json.Invoice).toMatchObject({ Total: 157.85, TotalVAT: 29.88, Net: 127.97 });
      expect(included.json.Invoice.InvoiceRows[0].VAT).toBe(25.5);

      // 1.00 × 25.5 % = 0.255 exactly: half an öre rounds away from zero, and the credit mirrors it.
      const onTop = await invoice(fi, [{ Description: "e", DeliveredQuantity: 1, Price: 1, VAT: "25.50" }]);
      expect(onTop.json.Invoice).toMatchObject({ Net: 1, TotalVAT: 0.26, Total: 1.26 });
      const n = onTop.json.Invoice.DocumentNumber;
      expect((await api(sim, token, "PUT", `/invoices/${n}/bookkeep`)).status).toBe(200);
      const creditNo = (await api(sim, token, "PUT", `/invoices/${n}/credit`)).json.Invoice.CreditInvoiceReference;
      expect((await api(sim, token, "GET", `/invoices/${creditNo}`)).json.Invoice).toMatchObject({ TotalVAT: -0.26, Total: -1.26 });
    });

    it("refuses a destination rate for a customer that is not an EU consumer", async () => {
      const row = { Description: "x", DeliveredQuantity: 1, Price: 100, VAT: 19 };
      vatError(await invoice(customerNumber, [row]), "19"); // SEVAT, Swedish
      vatError(await invoice(await customer({ VATType: "SEVAT", CountryCode: "DE" }), [row]), "19");
      vatError(await invoice(await customer({ VATType: "EUREVERSEDVAT", CountryCode: "DE", VATNumber: "DE123456789" }), [row]), "19");
      // EUVAT but no country: there is no destination whose rate could apply.
      vatError(await invoice(await customer({ VATType: "EUVAT" }), [row]), "19");
      expect((await control(sim, "GET", "/tenants/1001/invoices")).json.Invoices).toHaveLength(0);
    });

    it("refuses a rate that is not one of the destination country's", async () => {
      const fi = await customer({ VATType: "EUVAT", CountryCode: "FI" });
      const de = await customer({ VATType: "EUVAT", CountryCode: "DE" });
      const row = { Description: "x", DeliveredQuantity: 1, Price: 100 };
      vatError(await invoice(fi, [{ ...row, VAT: 24 }]), "24"); // Finland's rate before September 2024
      vatError(await invoice(fi, [{ ...row, VAT: 14 }]), "14"); // lowered to 13.5 on 2026-01-01
      vatError(await invoice(de, [{ ...row, VAT: 5.5 }]), "5.5"); // a French rate
      vatError(await invoice(de, [{ ...row, VAT: 19.5 }]), "19.5");
      // Articles carry only the company's own rates; destination rates belong on rows.
      const article = await api(sim, token, "POST", "/articles", { Article: { Description: "Vara", VAT: 19 } });
      vatError(article, "19");
    });

    it("applies the per-tenant OSS switch and the simulator default", async () => {
      const de = await customer({ VATType: "EUVAT", CountryCode: "DE" });
      const row = { Description: "x", DeliveredQuantity: 1, Price: 100, VAT: 19 };
      expect((await control(sim, "GET", "/tenants/1001/oss")).json).toEqual({ tenantId: 1001, oss: true });

      expect((await control(sim, "PUT", "/tenants/1001/oss", { enabled: false })).json).toEqual({ tenantId: 1001, oss: false });
      vatError(await invoice(de, [row]), "19");
      expect((await invoice(de, [{ ...row, VAT: 25 }])).status).toBe(201);
      expect((await control(sim, "PUT", "/tenants/1001/oss", { enabled: "no" })).status).toBe(400);
      expect((await control(sim, "PUT", "/tenants/1001/oss", { enabled: true, extra: 1 })).status).toBe(400);
      expect((await control(sim, "PUT", "/tenants/4242/oss", { enabled: true })).status).toBe(404);

      await control(sim, "PUT", "/tenants/1001/oss", { enabled: true });
      expect((await invoice(de, [row])).status).toBe(201);

      // New tenants follow the simulator's default unless they say otherwise.
      await control(sim, "POST", "/tenants", { tenantId: 3003, companyName: "Utan OSS AB", oss: false });
      const off = await startFortnoxSimulator({ clients: [CLIENT], ossDefault: false });
      try {
        expect((await control(off, "GET", "/tenants")).json.tenants).toEqual([{ tenantId: 1001, companyName: "Demo Handel AB", oss: false }]);
        await control(off, "POST", "/tenants", { tenantId: 2002, companyName: "Andra AB" });
        expect((await control(off, "GET", "/tenants/2002/oss")).json.oss).toBe(false);
      } finally {
        await off.close();
      }
      expect((await control(sim, "GET", "/tenants")).json.tenants.map((t: Json) => t.oss)).toEqual([true, false]);
    });

    it("checks order rows on create and update, and kept rows when the customer changes", async () => {
      const de = await customer({ VATType: "EUVAT", CountryCode: "DE" });
      const created = await api(sim, token, "POST", "/orders", {
        Order: { CustomerNumber: de, OrderRows: [{ Description: "Buch", OrderedQuantity: 2, Price: 10.05, VAT: 7 }] },
      });
      expect(created.status).toBe(201);
      expect(created.json.Order).toMatchObject({ Net: 20.1, TotalVAT: 1.41, Total: 21.51 }); // 20.10 × 7 % = 1.407

      const n = created.json.Order.DocumentNumber;
      const rowId = created.json.Order.OrderRows[0].RowId;
      vatError(await api(sim, token, "PUT", `/orders/${n}`, { Order: { OrderRows: [{ RowId: rowId }, { Description: "y", OrderedQuantity: 1, Price: 1, VAT: 20 }] } }), "20");
      const updated = await api(sim, token, "PUT", `/orders/${n}`, {
        Order: { OrderRows: [{ RowId: rowId }, { Description: "Kaffee", OrderedQuantity: 1, Price: 50, VAT: 19 }] },
      });
      expect(updated.status).toBe(200);
      expect(updated.json.Order).toMatchObject({ Net: 70.1, TotalVAT: 10.91, Total: 81.01 }); // 1.41 + 9.50

      // Moving the order to a Swedish customer would leave German rates on it.
      vatError(await api(sim, token, "PUT", `/orders/${n}`, { Order: { CustomerNumber: customerNumber } }), "7");
      expect((await api(sim, token, "GET", `/orders/${n}`)).json.Order.CustomerNumber).toBe(de);

      const ci = await api(sim, token, "PUT", `/orders/${n}/createinvoice`);
      const inv = (await api(sim, token, "GET", `/invoices/${ci.json.Order.InvoiceReference}`)).json.Invoice;
      expect(inv).toMatchObject({ Total: 81.01, TotalVAT: 10.91 });
      expect(inv.InvoiceRows.map((r: Json) => r.VAT)).toEqual([7, 19]);
    });
  });

  describe("fault injection", () => {
    const body = () => ({ Invoice: { CustomerNumber: customerNumber, InvoiceRows: [{ Description: "x", DeliveredQuantity: 1, Price: 10, VAT: 25 }] } });

    it("answers injected statuses without processing, after auth", async () => {
      const added = await control(sim, "POST", "/faults", { rules: [{ method: "POST", path: "^/3/invoices$", status: 503, count: 1 }, { path: "^/3/invoices$", status: 429, count: 1 }] });
      expect(added.status).toBe(200);
      const before = (await control(sim, "GET", "/stats")).json;

      // A bad token is still a 401 and does not consume the rule.
      expect((await api(sim, "bogus", "POST", "/invoices", body())).status).toBe(401);
      const r503 = await api(sim, token, "POST", "/invoices", body());
      expect(r503.status).toBe(503);
      expect(r503.json).toEqual({ ErrorInformation: { error: 1, message: "System exception", code: 1000003 } });
      const r429 = await api(sim, token, "POST", "/invoices", body());
      expect(r429.status).toBe(429);
      expect(r429.json).toEqual({ message: "Too Many Requests" });
      expect((await control(sim, "GET", "/tenants/1001/invoices")).json.Invoices).toHaveLength(0);

      expect((await api(sim, token, "POST", "/invoices", body())).status).toBe(201);
      const after = (await control(sim, "GET", "/stats")).json;
      expect(after.requests - before.requests).toBe(4);
      expect(after.accepted - before.accepted).toBe(1);
      expect(after.unauthorized - before.unauthorized).toBe(1);
      expect(after.created.invoices).toBe(1);
    });

    it("commits before a delayed response (afterCommit) so a timed-out client can find the invoice", async () => {
      await control(sim, "POST", "/faults", { rules: [{ method: "POST", path: "^/3/invoices$", count: 1, delayMs: 1500, afterCommit: true }] });
      const withRef = { Invoice: { ...body().Invoice, ExternalInvoiceReference1: "shop-order-42" } };
      await expect(api(sim, token, "POST", "/invoices", withRef, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
      const found = await api(sim, token, "GET", "/invoices?externalinvoicereference1=shop-order-42");
      expect(found.json.Invoices).toHaveLength(1);
    });

    it("drops a held call whose client hung up (dropIfAbandoned): it never reached Fortnox", async () => {
      await control(sim, "DELETE", "/faults");
      await control(sim, "POST", "/faults", { rules: [{ method: "POST", path: "^/3/invoices$", count: 1, delayMs: 800, dropIfAbandoned: true }] });
      const withRef = { Invoice: { ...body().Invoice, ExternalInvoiceReference1: "shop-order-abandoned" } };
      await expect(api(sim, token, "POST", "/invoices", withRef, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 1_200));
      expect((await api(sim, token, "GET", "/invoices?externalinvoicereference1=shop-order-abandoned")).json.Invoices).toHaveLength(0);
      // The same hold with the client waiting: processed after the delay.
      await control(sim, "POST", "/faults", { rules: [{ method: "POST", path: "^/3/invoices$", count: 1, delayMs: 300, dropIfAbandoned: true }] });
      expect((await api(sim, token, "POST", "/invoices", withRef)).status).toBe(201);
    });

    it("bites a share of calls (probability) and sends Retry-After when told to", async () => {
      await control(sim, "DELETE", "/faults");
      await control(sim, "POST", "/faults", { rules: [{ path: "^/3/companyinformation$", status: 429, retryAfterSeconds: 2, count: 1000, probability: 0.7 }] });
      let limited = 0;
      // Few enough calls that those let through stay under the simulator's own 25-per-5-s limit.
      for (let i = 0; i < 30; i++) {
        const res = await fetch(`${sim.apiUrl}/companyinformation`, { headers: { Authorization: `Bearer ${token}` } });
        await res.text();
        if (res.status === 429) {
          limited++;
          expect(res.headers.get("retry-after")).toBe("2");
        } else expect(res.status).toBe(200);
      }
      // 30 calls at 0.7: from 11 to 29 bitten is all but certain (outside it, p < 1e-4).
      expect(limited).toBeGreaterThan(10);
      expect(limited).toBeLessThan(30);
      await control(sim, "DELETE", "/faults");
      for (const bad of [{ path: "x", count: 1, probability: 0 }, { path: "x", count: 1, status: 503, retryAfterSeconds: 1 }, { path: "x", count: 1, dropIfAbandoned: true }]) {
        expect((await control(sim, "POST", "/faults", { rules: [bad] })).status).toBe(400);
      }
    });

    it("clears rules with DELETE", async () => {
      await control(sim, "POST", "/faults", { rules: [{ path: "^/3/companyinformation$", status: 500, count: 5 }] });
      expect((await api(sim, token, "GET", "/companyinformation")).status).toBe(500);
      await control(sim, "DELETE", "/faults");
      expect((await api(sim, token, "GET", "/companyinformation")).status).toBe(200);
      expect((await control(sim, "POST", "/faults", { rules: [{ path: "(", count: 1 }] })).status).toBe(400);
    });
  });

  describe("control API", () => {
    it("creates tenants and lists full documents per tenant", async () => {
      expect((await control(sim, "POST", "/tenants", { tenantId: 2002, companyName: "Andra AB" })).status).toBe(201);
      expect((await control(sim, "POST", "/tenants", { tenantId: 2002, companyName: "Andra AB" })).status).toBe(409);
      const t2 = (await login(sim, { tenant: "2002" })).access_token;
      const c = await api(sim, t2, "POST", "/customers", { Customer: { Name: "Kund i 2002" } });
      expect(c.json.Customer.CustomerNumber).toBe("1");
      await api(sim, t2, "POST", "/invoices", { Invoice: { CustomerNumber: "1", InvoiceRows: [{ Description: "x", DeliveredQuantity: 1, Price: 1, VAT: 25 }] } });
      const invoices = (await control(sim, "GET", "/tenants/2002/invoices")).json.Invoices;
      expect(invoices).toHaveLength(1);
      expect(invoices[0].InvoiceRows).toHaveLength(1);
      expect((await control(sim, "GET", "/tenants/1001/invoices")).json.Invoices).toHaveLength(0);
      expect((await control(sim, "GET", "/tenants/2002/customers")).json.Customers[0].Name).toBe("Kund i 2002");

      await control(sim, "POST", "/reset");
      expect((await control(sim, "GET", "/tenants/2002/invoices")).status).toBe(404);
      expect((await api(sim, token, "GET", "/companyinformation")).status).toBe(401); // tokens are state too
    });
  });

  describe("CLI", () => {
    it("prints the listening line and stops on SIGTERM", async () => {
      const main = fileURLToPath(new URL("./fortnox/main.ts", import.meta.url));
      const child = spawn(process.execPath, ["--import", "tsx", main, "--port", "0", "--client-id", "cli", "--client-secret", "cli-secret"], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      try {
        const line = await new Promise<string>((resolve, reject) => {
          let out = "";
          child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            if (out.includes("\n")) resolve(out.trim());
          });
          child.once("exit", (code) => reject(new Error(`exited early with ${code}`)));
        });
        const m = /^fortnox simulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
        expect(m).not.toBeNull();
        const stats = await fetch(`${m![1]}/__sim/stats`);
        expect((await stats.json()).requests).toBe(0);
        const tok = await fetch(`${m![1]}/oauth-v1/token`, {
          method: "POST",
          headers: { Authorization: `Basic ${Buffer.from("cli:wrong").toString("base64")}`, "Content-Type": "application/x-www-form-urlencoded" },
          body: "grant_type=refresh_token&refresh_token=x",
        });
        expect(tok.status).toBe(401);
        child.kill("SIGTERM");
        const [code] = await once(child, "exit");
        expect(code).toBe(0);
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    });
  });
});
