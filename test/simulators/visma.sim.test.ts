/**
 * Exercises the Visma eAccounting simulator over real HTTP. Each test asserts a rule of the
 * simulator's contract (the header of visma/server.ts, facts in accounting-apis.md PART B),
 * so a simulator that drifts from it fails here.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type VismaSim, startVismaSimulator } from "./visma/server";

const CLIENT = { clientId: "kontera-visma", clientSecret: "v-s3cret", redirectUris: ["http://localhost:9999/visma/callback"] };
const REDIRECT = CLIENT.redirectUris[0];
const SCOPES = "ea:api offline_access ea:sales";
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEFAULT_COMPANY = "c0000000-0000-4000-8000-000000000001";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const basic = (id = CLIENT.clientId, secret = CLIENT.clientSecret) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

function authorize(sim: VismaSim, params: Record<string, string> = {}): Promise<Response> {
  const q = new URLSearchParams({ client_id: CLIENT.clientId, redirect_uri: REDIRECT, scope: SCOPES, state: "st-1", response_type: "code", ...params });
  return fetch(`${sim.authUrl}/authorize?${q}`, { redirect: "manual" });
}

function tokenRequest(sim: VismaSim, form: Record<string, string>, headers: Record<string, string> = { Authorization: basic() }): Promise<Response> {
  return fetch(`${sim.authUrl}/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

async function codeFrom(res: Response): Promise<string> {
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location")!).searchParams.get("code")!;
}

async function login(sim: VismaSim, params: Record<string, string> = {}): Promise<Json> {
  const code = await codeFrom(await authorize(sim, params));
  const tok = await tokenRequest(sim, { grant_type: "authorization_code", code, redirect_uri: REDIRECT });
  expect(tok.status).toBe(200);
  return tok.json();
}

async function api(sim: VismaSim, token: string, method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<{ status: number; json: Json; headers: Headers }> {
  const res = await fetch(`${sim.apiUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    ...init,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

async function control(sim: VismaSim, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${sim.url}/__sim${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

function expectError(r: { status: number; json: Json }, status: number, code: number, field?: string): void {
  expect(r.status, JSON.stringify(r.json)).toBe(status);
  expect(r.json.ErrorCode).toBe(code);
  expect(r.json.ErrorId).toMatch(GUID_RE);
  expect(typeof r.json.DeveloperErrorMessage).toBe("string");
  if (field !== undefined) expect(r.json.Errors.map((e: Json) => e.Field)).toContain(field);
}

const today = () => {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
};

/** Reference data ids of a company, looked up through the API as a client would. */
interface Ref {
  terms30: string;
  unitSt: string;
  coding: Record<string, string>; // "Goods 25" -> id
  bank: string;
}

async function reference(sim: VismaSim, token: string): Promise<Ref> {
  const terms = (await api(sim, token, "GET", "/termsofpayments")).json.Data;
  const units = (await api(sim, token, "GET", "/units")).json.Data;
  const codings = (await api(sim, token, "GET", "/articleaccountcodings")).json.Data;
  const banks = (await api(sim, token, "GET", "/bankaccounts")).json.Data;
  return {
    terms30: terms.find((t: Json) => t.Name === "30 dagar").Id,
    unitSt: units.find((u: Json) => u.Code === "st").Id,
    coding: Object.fromEntries(codings.map((c: Json) => [`${c.Type} ${Math.round(c.VatRatePercent * 100)}`, c.Id])),
    bank: banks[0].Id,
  };
}

describe("visma simulator", () => {
  let sim: VismaSim;
  let token: string;
  let ref: Ref;

  const customer = (over: Record<string, unknown> = {}) => ({
    Name: "Anna Andersson", IsPrivatePerson: true, IsActive: true, InvoiceCity: "Malmö", InvoicePostalCode: "211 22", TermsOfPaymentId: ref.terms30, ...over,
  });
  const article = (number: string, coding = "Goods 25", over: Record<string, unknown> = {}) => ({
    IsActive: true, Number: number, Name: `Artikel ${number}`, CodingId: ref.coding[coding], UnitId: ref.unitSt, ...over,
  });
  const row = (ArticleId: string, Quantity: number, UnitPrice?: number, over: Record<string, unknown> = {}) => ({
    IsTextRow: false, ReversedConstructionServicesVatFree: false, ArticleId, Quantity, ...(UnitPrice === undefined ? {} : { UnitPrice }), ...over,
  });
  const draft = (CustomerId: string, Rows: unknown[], over: Record<string, unknown> = {}) => ({ CustomerId, EuThirdParty: false, RotReducedInvoicingType: 0, Rows, ...over });

  async function create(path: string, body: unknown, t = token): Promise<Json> {
    const r = await api(sim, t, "POST", path, body);
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    return r.json;
  }

  beforeAll(async () => {
    sim = await startVismaSimulator({ clients: [CLIENT], rateLimit: { max: 10_000, windowMs: 60_000 } });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    await control(sim, "POST", "/reset");
    token = (await login(sim)).access_token;
    ref = await reference(sim, token);
  });

  describe("oauth", () => {
    it("runs the code flow; codes are single use and bound to client and redirect_uri", async () => {
      const res = await authorize(sim, { prompt: "select_account", acr_values: "service:x" });
      const location = new URL(res.headers.get("location")!);
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
      expect(location.searchParams.get("state")).toBe("st-1");
      const code = location.searchParams.get("code")!;
      const tok = await tokenRequest(sim, { grant_type: "authorization_code", code, redirect_uri: REDIRECT });
      const body = await tok.json();
      expect(body).toMatchObject({ expires_in: 3600, token_type: "Bearer", scope: SCOPES });
      expect(body.refresh_token).toEqual(expect.any(String));
      const settings = await api(sim, body.access_token, "GET", "/companysettings");
      expect(settings.json).toMatchObject({ Name: "Demo AB", CorporateIdentityNumber: "556677-8899", CurrencyCode: "SEK", CountryCode: "SE", ShowPricesExclVatPC: false, UsesOss: false });

      const again = await tokenRequest(sim, { grant_type: "authorization_code", code, redirect_uri: REDIRECT });
      expect(again.status).toBe(400);
      expect(await again.json()).toEqual({ error: "invalid_grant" });
      // Wrong redirect_uri spends the code too.
      const code2 = await codeFrom(await authorize(sim));
      expect((await (await tokenRequest(sim, { grant_type: "authorization_code", code: code2, redirect_uri: "http://localhost:9999/other" })).json())).toEqual({ error: "invalid_grant" });
      expect((await tokenRequest(sim, { grant_type: "authorization_code", code: code2, redirect_uri: REDIRECT })).status).toBe(400);
    });

    it("refuses bad authorize requests with a page, and bad scopes with a redirect", async () => {
      const bads: Record<string, string>[] = [{ client_id: "nope" }, { redirect_uri: "http://evil.example/cb" }, { redirect_uri: `${REDIRECT}/` }, { response_type: "token" }, { company: "no-such-company" }];
      for (const bad of bads) {
        const res = await authorize(sim, bad);
        expect(res.status, JSON.stringify(bad)).toBe(400);
        expect(res.headers.get("location")).toBeNull();
        expect(res.headers.get("content-type")).toMatch(/text\/html/);
      }
      for (const scope of ["offline_access ea:sales", "ea:api ea:nonsense"]) {
        const res = await authorize(sim, { scope });
        expect(res.status).toBe(302);
        const loc = new URL(res.headers.get("location")!);
        expect(loc.searchParams.get("error")).toBe("invalid_scope");
        expect(loc.searchParams.get("state")).toBe("st-1");
        expect(loc.searchParams.get("code")).toBeNull();
      }
    });

    it("checks the token request: form content type, client auth by Basic or form, grant types", async () => {
      const code = await codeFrom(await authorize(sim));
      const asJson = await fetch(`${sim.authUrl}/token`, { method: "POST", headers: { Authorization: basic(), "Content-Type": "application/json" }, body: JSON.stringify({ grant_type: "authorization_code", code, redirect_uri: REDIRECT }) });
      expect(asJson.status).toBe(400);
      expect(await asJson.json()).toEqual({ error: "invalid_request" });

      const wrongSecret = await tokenRequest(sim, { grant_type: "authorization_code", code, redirect_uri: REDIRECT }, { Authorization: basic(CLIENT.clientId, "nope") });
      expect(wrongSecret.status).toBe(401);
      expect(await wrongSecret.json()).toEqual({ error: "invalid_client" });
      const noAuth = await tokenRequest(sim, { grant_type: "refresh_token", refresh_token: "x" }, {});
      expect(noAuth.status).toBe(401);
      const conflicting = await tokenRequest(sim, { grant_type: "refresh_token", refresh_token: "x", client_id: "other", client_secret: "x" });
      expect(await conflicting.json()).toEqual({ error: "invalid_client" });

      // Credentials in the form instead of a header work too.
      const code2 = await codeFrom(await authorize(sim));
      const inForm = await tokenRequest(sim, { grant_type: "authorization_code", code: code2, redirect_uri: REDIRECT, client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret }, {});
      expect(inForm.status).toBe(200);

      const unsupported = await tokenRequest(sim, { grant_type: "client_credentials" });
      expect(unsupported.status).toBe(400);
      expect(await unsupported.json()).toEqual({ error: "unsupported_grant_type" });
    });

    it("rotates refresh tokens: each is single use, the scope and company carry over", async () => {
      const other = (await control(sim, "POST", "/companies", { name: "Andra AB" })).json.id;
      const first = await login(sim, { company: other });
      const r1 = await tokenRequest(sim, { grant_type: "refresh_token", refresh_token: first.refresh_token });
      expect(r1.status).toBe(200);
      const second = await r1.json();
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(second.scope).toBe(SCOPES);
      expect((await api(sim, second.access_token, "GET", "/companysettings")).json.Name).toBe("Andra AB");
      // No grace period: the spent token is refused at once, the new one still works.
      const reuse = await tokenRequest(sim, { grant_type: "refresh_token", refresh_token: first.refresh_token });
      expect(reuse.status).toBe(400);
      expect(await reuse.json()).toEqual({ error: "invalid_grant" });
      expect((await tokenRequest(sim, { grant_type: "refresh_token", refresh_token: second.refresh_token })).status).toBe(200);
      expect((await control(sim, "GET", "/stats")).json).toMatchObject({ refreshes: 2, invalidGrants: 1 });
    });

    it("gives no refresh token without offline_access, and revoked refresh tokens stop working", async () => {
      const noOffline = await login(sim, { scope: "ea:api ea:sales" });
      expect(noOffline.refresh_token).toBeUndefined();
      const t = await login(sim);
      await control(sim, "POST", "/revoke-refresh-tokens");
      expect(await (await tokenRequest(sim, { grant_type: "refresh_token", refresh_token: t.refresh_token })).json()).toEqual({ error: "invalid_grant" });
    });

    it("answers 401 with the API's body for missing, unknown and expired tokens", async () => {
      const none = await fetch(`${sim.apiUrl}/customers`);
      expect(none.status).toBe(401);
      expect(await none.json()).toEqual({ Message: "Authorization has been denied for this request." });
      expect((await api(sim, "bogus", "GET", "/customers")).status).toBe(401);
      await control(sim, "POST", "/expire-tokens");
      const expired = await api(sim, token, "GET", "/customers");
      expect(expired.status).toBe(401);
      expect(expired.json).toEqual({ Message: "Authorization has been denied for this request." });
    });

    it("expires access tokens after their ttl", async () => {
      const s = await startVismaSimulator({ clients: [CLIENT], accessTokenTtlSeconds: 1 });
      try {
        const t = await login(s);
        expect(t.expires_in).toBe(1);
        expect((await api(s, t.access_token, "GET", "/companysettings")).status).toBe(200);
        await new Promise((r) => setTimeout(r, 1100));
        expect((await api(s, t.access_token, "GET", "/companysettings")).status).toBe(401);
      } finally {
        await s.close();
      }
    });

    it("enforces scopes: sales writes need ea:sales, reads accept ea:sales_readonly, reference data needs only ea:api", async () => {
      const readonly = (await login(sim, { scope: "ea:api ea:sales_readonly" })).access_token;
      const apiOnly = (await login(sim, { scope: "ea:api" })).access_token;
      expect((await api(sim, readonly, "GET", "/customers")).status).toBe(200);
      const write = await api(sim, readonly, "POST", "/customers", customer());
      expectError(write, 403, 4006);
      expect(write.json.DeveloperErrorMessage).toMatch(/^NoAccessToScopes/);
      expectError(await api(sim, apiOnly, "GET", "/customerinvoices"), 403, 4006);
      expect((await api(sim, apiOnly, "GET", "/companysettings")).status).toBe(200);
      expect((await api(sim, apiOnly, "GET", "/articleaccountcodings")).status).toBe(200);
    });
  });

  describe("rate limit", () => {
    it("counts per client and endpoint across companies, 429s with the 4010 body and do not consume slots", async () => {
      const other = { clientId: "other-app", clientSecret: "x", redirectUris: [REDIRECT] };
      const s = await startVismaSimulator({ clients: [CLIENT, other], rateLimit: { max: 3, windowMs: 1500 } });
      try {
        const c2 = (await control(s, "POST", "/companies", { name: "Andra AB" })).json.id;
        const a = (await login(s)).access_token;
        const b = (await login(s, { company: c2 })).access_token; // same client, other company
        expect((await api(s, a, "GET", "/customers")).status).toBe(200);
        expect((await api(s, b, "GET", "/customers")).status).toBe(200);
        expect((await api(s, a, "GET", "/customers?$page=1")).status).toBe(200);
        const limited = await api(s, b, "GET", "/customers");
        expect(limited.status).toBe(429);
        expect(limited.headers.get("retry-after")).toBeNull();
        expect(limited.json).toEqual({ ErrorCode: 4010, DeveloperErrorMessage: expect.stringMatching(/^API calls quota exceeded! maximum admitted 3 per Minute\. Try again in [12] seconds\.$/), ErrorId: expect.stringMatching(GUID_RE) });
        // Another endpoint has its own budget; a sub-path counts under its resource.
        expect((await api(s, a, "GET", "/articles")).status).toBe(200);
        expect((await api(s, a, "GET", "/customers/00000000-0000-4000-8000-000000000000")).status).toBe(429);
        // Another client has its own budget.
        const codeRes = await fetch(`${s.authUrl}/authorize?${new URLSearchParams({ client_id: other.clientId, redirect_uri: REDIRECT, scope: SCOPES, response_type: "code" })}`, { redirect: "manual" });
        const code = await codeFrom(codeRes);
        const tok = await (await tokenRequest(s, { grant_type: "authorization_code", code, redirect_uri: REDIRECT }, { Authorization: basic(other.clientId, other.clientSecret) })).json();
        expect((await api(s, tok.access_token, "GET", "/customers")).status).toBe(200);
        // 401 is decided before the quota and costs nothing.
        expect((await api(s, "bogus", "GET", "/customers")).status).toBe(401);

        await new Promise((r) => setTimeout(r, 1600));
        expect((await api(s, a, "GET", "/customers")).status).toBe(200);
        const stats = (await control(s, "GET", "/stats")).json;
        expect(stats.rateLimited).toBe(2);
        expect(stats.calls.customers).toMatchObject({ "200": 5, "429": 2, "401": 1 });
      } finally {
        await s.close();
      }
    });

    it("names the seconds until a slot frees", async () => {
      const s = await startVismaSimulator({ clients: [CLIENT], rateLimit: { max: 1, windowMs: 5000 } });
      try {
        const t = (await login(s)).access_token;
        expect((await api(s, t, "GET", "/units")).status).toBe(200);
        const r = await api(s, t, "GET", "/units");
        expect(r.json.DeveloperErrorMessage).toMatch(/maximum admitted 1 per Minute\. Try again in 5 seconds\./);
      } finally {
        await s.close();
      }
    });
  });

  describe("errors and bodies", () => {
    it("reports field validation as 2000 with one entry per field and its path", async () => {
      const r = await api(sim, token, "POST", "/customers", { Name: "x".repeat(51), IsPrivatePerson: "yes", InvoiceCity: "Malmö", InvoicePostalCode: "21122", TermsOfPaymentId: ref.terms30 });
      expectError(r, 400, 2000);
      expect(r.json.Errors).toEqual(expect.arrayContaining([
        { Field: "Name", ErrorCode: "MaxLength", Message: expect.any(String) },
        { Field: "IsPrivatePerson", ErrorCode: "InvalidType", Message: expect.any(String) },
        { Field: "IsActive", ErrorCode: "Required", Message: expect.any(String) },
      ]));
      const c = await create("/customers", customer());
      const a = await create("/articles", article("A1"));
      const rows = await api(sim, token, "POST", "/customerinvoicedrafts", draft(c.Id, [row(a.Id, 1.005, 10)]));
      expectError(rows, 400, 2000, "Rows[0].Quantity");
      expectError(await api(sim, token, "POST", "/customers", customer({ Name: "a\u0000b" })), 400, 2000, "Name");
    });

    it("refuses bodies that are not JSON or not declared as JSON, ignores unknown and read-only fields", async () => {
      expectError(await api(sim, token, "POST", "/customers", "{not json"), 400, 2000);
      const wrongType = await fetch(`${sim.apiUrl}/customers`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/plain" }, body: JSON.stringify(customer()) });
      expect(wrongType.status).toBe(400);
      expect((await wrongType.json()).ErrorCode).toBe(2000);
      expectError(await api(sim, token, "POST", "/customers", undefined), 400, 2000);
      const c = await create("/customers", customer({ Id: "11111111-1111-4111-8111-111111111111", ChangedUtc: "2000-01-01T00:00:00Z", Favourite: true }));
      expect(c.Id).not.toBe("11111111-1111-4111-8111-111111111111");
      expect(c.ChangedUtc).not.toBe("2000-01-01T00:00:00Z");
      expect(c.Favourite).toBeUndefined();
    });

    it("answers missing references with 3000 and unknown path ids with 404 3000", async () => {
      expectError(await api(sim, token, "POST", "/customers", customer({ TermsOfPaymentId: "00000000-0000-4000-8000-000000000000" })), 400, 3000, "TermsOfPaymentId");
      expectError(await api(sim, token, "POST", "/articles", article("X", "Goods 25", { UnitId: "00000000-0000-4000-8000-000000000000" })), 400, 3000, "UnitId");
      expectError(await api(sim, token, "POST", "/articles", article("X", "Goods 25", { CodingId: "00000000-0000-4000-8000-000000000000" })), 400, 3000, "CodingId");
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", draft("00000000-0000-4000-8000-000000000000", [])), 400, 3000, "CustomerId");
      const missing = await api(sim, token, "GET", "/customers/00000000-0000-4000-8000-000000000000");
      expect(missing.status).toBe(404);
      expect(missing.json).toEqual({ ErrorCode: 3000, DeveloperErrorMessage: "Customer not found", ErrorId: expect.stringMatching(GUID_RE) });
      expect((await api(sim, token, "GET", "/nosuchthing")).status).toBe(404);
    });
  });

  describe("lists and $filter", () => {
    beforeEach(async () => {
      for (const [n, name] of [["1001", "O'Brien Ltd"], ["1002", "Alfa AB"], ["1003", "alfa bygg"], ["1004", "Beta AB"], ["1005", "Gamma AB"]]) {
        await create("/customers", customer({ CustomerNumber: n, Name: name, IsPrivatePerson: false, EmailAddress: `info@${n}.se` }));
      }
    });

    it("pages with Meta and refuses out-of-range paging with 6001", async () => {
      const p = await api(sim, token, "GET", "/customers?$page=2&$pagesize=2");
      expect(p.json.Meta).toMatchObject({ CurrentPage: 2, PageSize: 2, TotalNumberOfPages: 3, TotalNumberOfResults: 5 });
      expect(p.json.Meta.ServerTimeUtc).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(p.json.Data.map((c: Json) => c.CustomerNumber)).toEqual(["1003", "1004"]);
      expect((await api(sim, token, "GET", "/customers")).json.Meta.PageSize).toBe(50);
      expect((await api(sim, token, "GET", "/customers?$pagesize=1000")).status).toBe(200);
      for (const q of ["$page=0", "$pagesize=1001", "$pagesize=0", "$page=x"]) expectError(await api(sim, token, "GET", `/customers?${q}`), 400, 6001);
    });

    it("filters with eq (case-insensitive), quotes, functions and boolean logic", async () => {
      const find = async (f: string) => (await api(sim, token, "GET", `/customers?$filter=${encodeURIComponent(f)}`)).json.Data.map((c: Json) => c.CustomerNumber).sort();
      expect(await find("Name eq 'O''Brien Ltd'")).toEqual(["1001"]);
      expect(await find("Name eq 'ALFA AB'")).toEqual(["1002"]);
      expect(await find("contains(Name,'alfa')")).toEqual(["1002", "1003"]);
      expect(await find("startswith(EmailAddress,'INFO@100')")).toHaveLength(5);
      expect(await find("(Name eq 'Beta AB' or Name eq 'Gamma AB') and not (CustomerNumber eq '1005')")).toEqual(["1004"]);
      expect(await find("CustomerNumber gt '1003'")).toEqual(["1004", "1005"]);
      expect(await find("IsPrivatePerson eq false and VatNumber eq null")).toHaveLength(5);
      expect(await find("CustomerNumber ne '1001' and IsActive eq true")).toHaveLength(4);
      expect((await api(sim, token, "GET", "/customers?$orderby=Name desc")).json.Data[0].Name).toBe("O'Brien Ltd");
    });

    it("refuses unknown fields and bad syntax with 6000", async () => {
      for (const f of ["Nonsense eq 'x'", "Name eq", "Name eq 'open", "Name like 'x'", "endswith(Name,'x')", "(Name eq 'x'", "Name eq 'x' extra"]) {
        expectError(await api(sim, token, "GET", `/customers?$filter=${encodeURIComponent(f)}`), 400, 6000);
      }
      expectError(await api(sim, token, "GET", `/customers?$orderby=${encodeURIComponent("Nonsense asc")}`), 400, 6000);
    });
  });

  describe("reference data", () => {
    it("seeds fiscal years, terms, units, currencies, codings, a bank account and VAT codes", async () => {
      const fy = (await api(sim, token, "GET", "/fiscalyears?$pagesize=100")).json.Data;
      expect(fy).toHaveLength(11);
      expect(fy[0]).toMatchObject({ StartDate: "2020-01-01T00:00:00", EndDate: "2020-12-31T00:00:00", IsLockedForAccounting: false });
      const terms = (await api(sim, token, "GET", "/termsofpayments")).json.Data;
      expect(terms.map((t: Json) => [t.Name, t.TermsOfPaymentTypeId, t.NumberOfDays, t.Available])).toEqual([["30 dagar", 0, 30, true], ["Kortbetalning", 3, 0, true], ["Betaltjänst", 5, 0, true]]);
      expect((await api(sim, token, "GET", "/units")).json.Data.map((u: Json) => [u.Name, u.Code])).toEqual([["Styck", "st"], ["Timme", "h"]]);
      expect((await api(sim, token, "GET", "/currencies")).json.Data.map((c: Json) => c.Code)).toEqual(["SEK", "EUR", "NOK", "DKK", "USD", "GBP"]);
      const codings = (await api(sim, token, "GET", "/articleaccountcodings")).json.Data;
      expect(codings).toHaveLength(8);
      expect(codings.find((c: Json) => c.Name === "Varor 25%")).toMatchObject({ Type: "Goods", VatRate: "25%", VatRatePercent: 0.25, IsActive: true, DomesticSalesSubjectToVatAccountNumber: 3001, ForeignSalesSubjectToMossAccountNumber: 3106, ForeignSalesVatExemptWithinEuAccountNumber: 3108, ForeignSalesVatExemptOutsideEuAccountNumber: 3105 });
      expect(codings.find((c: Json) => c.Name === "Varor 0%")).toMatchObject({ VatRatePercent: 0, DomesticSalesVatExemptAccountNumber: 3004 });
      expect((await api(sim, token, "GET", "/bankaccounts")).json.Data[0]).toMatchObject({ Name: "Företagskonto", AccountNumber: 1930, Id: expect.stringMatching(GUID_RE) });
      expect((await api(sim, token, "GET", "/vatcodes")).json.Data.length).toBeGreaterThan(0);
      expect((await api(sim, token, "GET", `/units/${ref.unitSt}`)).json.Code).toBe("st");
    });

    it("gives each company its own data", async () => {
      await create("/customers", customer());
      const other = (await control(sim, "POST", "/companies", { name: "Andra AB", corporateIdentityNumber: "559999-0000", oss: true })).json.id;
      const t2 = (await login(sim, { company: other })).access_token;
      expect((await api(sim, t2, "GET", "/companysettings")).json).toMatchObject({ Name: "Andra AB", CorporateIdentityNumber: "559999-0000", UsesOss: true });
      expect((await api(sim, t2, "GET", "/customers")).json.Data).toHaveLength(0);
      expect((await reference(sim, t2)).terms30).not.toBe(ref.terms30);
    });
  });

  describe("customers and articles", () => {
    it("numbers customers automatically, refuses duplicates (any case) with 4000 and checks e-mail, country, currency", async () => {
      expect((await create("/customers", customer())).CustomerNumber).toBe("1");
      const second = await create("/customers", customer());
      expect(second).toMatchObject({ CustomerNumber: "2", InvoiceCountryCode: "SE", CurrencyCode: "SEK", DeliveryBasedVat: false });
      await create("/customers", customer({ CustomerNumber: "K-1" }));
      expectError(await api(sim, token, "POST", "/customers", customer({ CustomerNumber: "k-1" })), 400, 4000);
      expectError(await api(sim, token, "POST", "/customers", customer({ CustomerNumber: "x".repeat(17) })), 400, 2000, "CustomerNumber");
      expectError(await api(sim, token, "POST", "/customers", customer({ EmailAddress: "not-an-address" })), 400, 2000, "EmailAddress");
      expectError(await api(sim, token, "POST", "/customers", customer({ InvoiceCountryCode: "XX" })), 400, 2000, "InvoiceCountryCode");
      expectError(await api(sim, token, "POST", "/customers", customer({ CurrencyCode: "JPY" })), 400, 2000, "CurrencyCode");
      expectError(await api(sim, token, "POST", "/customers", customer({ InvoicePostalCode: "12345678901" })), 400, 2000, "InvoicePostalCode");
    });

    it("validates VAT numbers with 4025", async () => {
      await create("/customers", customer({ IsPrivatePerson: false, VatNumber: "DE123456789", InvoiceCountryCode: "DE" }));
      for (const bad of ["DE1234567", "123456789012", "de123456789"]) expectError(await api(sim, token, "POST", "/customers", customer({ VatNumber: bad })), 400, 4025);
    });

    it("replaces the whole customer on PUT", async () => {
      const c = await create("/customers", customer({ EmailAddress: "anna@example.se", Telephone: "040-123" }));
      const put = await api(sim, token, "PUT", `/customers/${c.Id}`, customer({ Name: "Anna B", CustomerNumber: c.CustomerNumber }));
      expect(put.status).toBe(200);
      expect(put.json).toMatchObject({ Id: c.Id, Name: "Anna B", EmailAddress: null, Telephone: null });
      expect((await api(sim, token, "GET", `/customers/${c.Id}`)).json.EmailAddress).toBeNull();
      // A replace without the required fields is refused, not merged.
      expectError(await api(sim, token, "PUT", `/customers/${c.Id}`, { Name: "Only name" }), 400, 2000, "IsActive");
      expect((await api(sim, token, "PUT", `/customers/00000000-0000-4000-8000-000000000000`, customer())).status).toBe(404);
    });

    it("creates articles with unique numbers (case-insensitive) and replaces them on PUT", async () => {
      const a = await create("/articles", article("SKU-1", "Goods 25", { NetPrice: 80, GrossPrice: 100 }));
      expect(a).toMatchObject({ Number: "SKU-1", NetPrice: 80, GrossPrice: 100, IsStock: false, UnitName: "Styck" });
      expectError(await api(sim, token, "POST", "/articles", article("sku-1")), 400, 4000);
      expectError(await api(sim, token, "POST", "/articles", article("x".repeat(41))), 400, 2000, "Number");
      expectError(await api(sim, token, "POST", "/articles", article("S2", "Goods 25", { NetPrice: 1.001 })), 400, 2000, "NetPrice");
      const put = await api(sim, token, "PUT", `/articles/${a.Id}`, article("SKU-1", "Goods 12"));
      expect(put.json).toMatchObject({ CodingId: ref.coding["Goods 12"], NetPrice: null, GrossPrice: null });
      const found = await api(sim, token, "GET", `/articles?$filter=${encodeURIComponent("Number eq 'sku-1'")}`);
      expect(found.json.Data.map((x: Json) => x.Number)).toEqual(["SKU-1"]);
    });
  });

  describe("drafts, VAT and totals", () => {
    let a25: Json, a12: Json, a6: Json, a0: Json, s25: Json;
    beforeEach(async () => {
      a25 = await create("/articles", article("G25", "Goods 25", { NetPrice: 80, GrossPrice: 100 }));
      a12 = await create("/articles", article("G12", "Goods 12"));
      a6 = await create("/articles", article("G6", "Goods 6"));
      a0 = await create("/articles", article("G0", "Goods 0"));
      s25 = await create("/articles", article("S25", "Service 25"));
    });

    it("prices a private customer's rows gross (IncludesVat) with VAT per rate", async () => {
      const c = await create("/customers", customer());
      const d = await create("/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 3, 33.33), row(a12.Id, 1, 112), row(a6.Id, 2, 10.6, { DiscountPercentage: 0.1 }), { IsTextRow: true, ReversedConstructionServicesVatFree: false, Text: "Tack!" }], { BuyersOrderReference: "#1001" }));
      expect(d).toMatchObject({ IncludesVat: true, InvoiceCurrencyCode: "SEK", CurrencyRate: 1, IsCreditInvoice: false, BuyersOrderReference: "#1001", InvoiceDate: `${today()}T00:00:00` });
      // 99.99 gross at 25 % -> 20.00 VAT; 112 at 12 % -> 12.00; 19.08 at 6 % -> 1.08.
      expect(d.Rows.map((r: Json) => [r.VatRatePercent, r.TotalAmountIncVatInvoiceCurrency, r.TotalAmountNoVatInvoiceCurrency])).toEqual([[0.25, 99.99, 79.99], [0.12, 112, 100], [0.06, 19.08, 18], [null, 0, 0]]);
      expect(d).toMatchObject({ TotalAmountInvoiceCurrency: 231.07, TotalVatAmountInvoiceCurrency: 33.08, TotalRoundingsInvoiceCurrency: 0, TotalAmount: 231.07, TotalVatAmount: 33.08 });
      // Due date from the customer's terms (30 days).
      expect(new Date(d.DueDate).getTime() - new Date(d.InvoiceDate).getTime()).toBe(30 * 86_400_000);
    });

    it("prices a company customer's rows net, VAT on top, rounding half away from zero", async () => {
      const c = await create("/customers", customer({ IsPrivatePerson: false }));
      // 0.02 net at 25 % = 0.005 VAT -> 0.01; 10.10 at 12 % = 1.212 -> 1.21.
      const d = await create("/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 1, 0.02), row(a12.Id, 1, 10.1)]));
      expect(d.IncludesVat).toBe(false);
      expect(d).toMatchObject({ TotalVatAmountInvoiceCurrency: 1.22, TotalAmountInvoiceCurrency: 11.34 });
      // The article price fills an omitted UnitPrice: NetPrice for a company, GrossPrice for a private person.
      const net = await create("/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 1)]));
      expect(net.Rows[0].UnitPrice).toBe(80);
      const p = await create("/customers", customer());
      expect((await create("/customerinvoicedrafts", draft(p.Id, [row(a25.Id, 1)]))).Rows[0].UnitPrice).toBe(100);
      // 0 stays 0 unless ReplaceUnitPriceWhenZero.
      expect((await create("/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 1, 0)]))).Rows[0].UnitPrice).toBe(0);
      expect((await create("/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 1, 0)], { ReplaceUnitPriceWhenZero: true }))).Rows[0].UnitPrice).toBe(80);
    });

    it("applies the VAT situation of the customer: reverse charge, export, OSS on and off", async () => {
      const b2b = await create("/customers", customer({ IsPrivatePerson: false, InvoiceCountryCode: "DE", VatNumber: "DE123456789" }));
      const deConsumer = await create("/customers", customer({ InvoiceCountryCode: "DE" }));
      const fiConsumer = await create("/customers", customer({ InvoiceCountryCode: "FI" }));
      const dkConsumer = await create("/customers", customer({ InvoiceCountryCode: "DK" }));
      const usCustomer = await create("/customers", customer({ InvoiceCountryCode: "US" }));
      const rates = async (cust: Json) => (await create("/customerinvoicedrafts", draft(cust.Id, [row(a25.Id, 1, 100), row(a12.Id, 1, 100), row(a6.Id, 1, 100), row(a0.Id, 1, 100)]))).Rows.map((r: Json) => r.VatRatePercent);

      expect(await rates(b2b)).toEqual([0, 0, 0, 0]);
      expect(await rates(usCustomer)).toEqual([0, 0, 0, 0]);
      // OSS off (the default): Swedish rates for EU consumers.
      expect(await rates(deConsumer)).toEqual([0.25, 0.12, 0.06, 0]);
      expect((await api(sim, token, "GET", "/companysettings")).json.UsesOss).toBe(false);

      await control(sim, "PUT", `/companies/${DEFAULT_COMPANY}/oss`, { enabled: true });
      expect((await api(sim, token, "GET", "/companysettings")).json.UsesOss).toBe(true);
      expect(await rates(deConsumer)).toEqual([0.19, 0.07, 0.07, 0]);
      expect(await rates(fiConsumer)).toEqual([0.255, 0.135, 0.135, 0]);
      expect(await rates(dkConsumer)).toEqual([0.25, 0.25, 0.25, 0]); // no reduced rate: standard
      expect(await rates(b2b)).toEqual([0, 0, 0, 0]);

      // Finnish 25.5 % on 99.99 gross = 20.3167... -> 20.32, exact.
      const fi = await create("/customerinvoicedrafts", draft(fiConsumer.Id, [row(s25.Id, 1, 99.99)]));
      expect(fi).toMatchObject({ TotalAmountInvoiceCurrency: 99.99, TotalVatAmountInvoiceCurrency: 20.32 });
    });

    it("follows ReversedConstructionServicesVatFree with 0 %", async () => {
      const c = await create("/customers", customer({ IsPrivatePerson: false }));
      const d = await create("/customerinvoicedrafts", draft(c.Id, [row(s25.Id, 1, 100, { ReversedConstructionServicesVatFree: true })]));
      expect(d.Rows[0].VatRatePercent).toBe(0);
    });

    it("enforces the credit sign rule", async () => {
      const c = await create("/customers", customer());
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", draft(c.Id, [row(a25.Id, -1, 100)])), 400, 2000, "IsCreditInvoice");
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 1, 100)], { IsCreditInvoice: true })), 400, 2000, "IsCreditInvoice");
      const credit = await create("/customerinvoicedrafts", draft(c.Id, [row(a25.Id, -1, 99.99)], { IsCreditInvoice: true }));
      expect(credit).toMatchObject({ TotalAmountInvoiceCurrency: -99.99, TotalVatAmountInvoiceCurrency: -20 });
    });

    it("validates draft fields: rows, references, dates, fiscal years, decimals, discounts", async () => {
      const c = await create("/customers", customer());
      const inactive = await create("/articles", article("OLD", "Goods 25", { IsActive: false }));
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", draft(c.Id, [])), 400, 2000, "Rows");
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", { CustomerId: c.Id, Rows: [row(a25.Id, 1)] }), 400, 2000, "EuThirdParty");
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 1)], { RotReducedInvoicingType: 1 })), 400, 2000, "RotReducedInvoicingType");
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", draft(c.Id, [row(inactive.Id, 1)])), 400, 3000, "Rows[0].ArticleId");
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", draft(c.Id, [{ IsTextRow: false, ReversedConstructionServicesVatFree: false, Quantity: 1 }])), 400, 2000, "Rows[0].ArticleId");
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", draft(c.Id, [{ IsTextRow: true, ReversedConstructionServicesVatFree: false }])), 400, 2000, "Rows[0].Text");
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", draft(c.Id, [{ IsTextRow: false, ArticleId: a25.Id, Quantity: 1 }])), 400, 2000, "Rows[0].ReversedConstructionServicesVatFree");
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 1, 10.555)])), 400, 2000, "Rows[0].UnitPrice");
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 1, 10, { DiscountPercentage: 10 })])), 400, 2000, "Rows[0].DiscountPercentage");
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 1, 10, { DiscountPercentage: 0.12345 })])), 400, 2000, "Rows[0].DiscountPercentage");
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 1)], { InvoiceDate: "2019-06-01" })), 400, 3001);
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 1)], { InvoiceDate: "2026-02-30" })), 400, 2000, "InvoiceDate");
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 1)], { BuyersOrderReference: "x".repeat(36) })), 400, 2000, "BuyersOrderReference");
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 1)], { CurrencyRate: 11 })), 400, 2000, "CurrencyRate");
      const ok = await create("/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 1)], { InvoiceDate: "2025-03-01T00:00:00", DueDate: "2025-03-15" }));
      expect(ok).toMatchObject({ InvoiceDate: "2025-03-01T00:00:00", DueDate: "2025-03-15T00:00:00" });
    });

    it("prices foreign-currency customers with 4 decimals and converts totals at the rate", async () => {
      const c = await create("/customers", customer({ IsPrivatePerson: false, CurrencyCode: "EUR", InvoiceCountryCode: "NO" }));
      const dflt = await create("/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 3, 10.3333)]));
      // Export: 0 % VAT; 30.9999 -> 31.00 EUR; × 11.5 = 356.50 SEK.
      expect(dflt).toMatchObject({ InvoiceCurrencyCode: "EUR", CurrencyRate: 11.5, TotalAmountInvoiceCurrency: 31, TotalAmount: 356.5 });
      const own = await create("/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 1, 10)], { CurrencyRate: 11.123456 }));
      expect(own).toMatchObject({ CurrencyRate: 11.123456, TotalAmount: 111.23 });
      expectError(await api(sim, token, "POST", "/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 1, 10)], { CurrencyRate: 1.1234567 })), 400, 2000, "CurrencyRate");
    });

    it("replaces drafts on PUT and deletes them", async () => {
      const c = await create("/customers", customer());
      const d = await create("/customerinvoicedrafts", draft(c.Id, [row(a25.Id, 1, 100), row(a12.Id, 1, 50)], { YourReference: "Anna" }));
      const put = await api(sim, token, "PUT", `/customerinvoicedrafts/${d.Id}`, draft(c.Id, [row(a6.Id, 2, 10)]));
      expect(put.status).toBe(200);
      expect(put.json).toMatchObject({ Id: d.Id, YourReference: null, TotalAmountInvoiceCurrency: 20 });
      expect(put.json.Rows).toHaveLength(1);
      const del = await api(sim, token, "DELETE", `/customerinvoicedrafts/${d.Id}`);
      expect(del.status).toBe(204);
      expect((await api(sim, token, "GET", `/customerinvoicedrafts/${d.Id}`)).status).toBe(404);
    });
  });

  describe("convert and invoices", () => {
    let c: Json, a: Json;
    beforeEach(async () => {
      c = await create("/customers", customer());
      a = await create("/articles", article("G25", "Goods 25"));
    });
    const newDraft = (over: Record<string, unknown> = {}, qty = 2) => create("/customerinvoicedrafts", draft(c.Id, [row(a.Id, qty, 62.5)], { BuyersOrderReference: "#1001", ...over }));

    it("books a draft as an invoice with the next number, removes the draft and keeps it immutable", async () => {
      const d1 = await newDraft();
      const conv = await api(sim, token, "POST", `/customerinvoicedrafts/${d1.Id}/convert`);
      expect(conv.status).toBe(201);
      const inv = conv.json;
      expect(inv).toMatchObject({ InvoiceNumber: 1, CreatedFromDraftId: d1.Id, BuyersOrderReference: "#1001", TotalAmountInvoiceCurrency: 125, TotalVatAmountInvoiceCurrency: 25, RemainingAmountInvoiceCurrency: 125, RemainingAmount: 125, PaymentStatus: 1, PaymentDate: null });
      expect(inv.Id).not.toBe(d1.Id);
      expect(inv.Rows).toHaveLength(1);
      expect((await api(sim, token, "GET", `/customerinvoicedrafts/${d1.Id}`)).status).toBe(404);
      expect((await api(sim, token, "POST", `/customerinvoicedrafts/${d1.Id}/convert`)).status).toBe(404);
      const d2 = await newDraft();
      expect((await api(sim, token, "POST", `/customerinvoicedrafts/${d2.Id}/convert`)).json.InvoiceNumber).toBe(2);

      expect((await api(sim, token, "GET", `/customerinvoices/${inv.Id}`)).json.InvoiceNumber).toBe(1);
      expect((await api(sim, token, "PUT", `/customerinvoices/${inv.Id}`, draft(c.Id, [row(a.Id, 1)]))).status).toBe(404);
      expect((await api(sim, token, "DELETE", `/customerinvoices/${inv.Id}`)).status).toBe(404);
      const byRef = await api(sim, token, "GET", `/customerinvoices?$filter=${encodeURIComponent(`CreatedFromDraftId eq '${d1.Id}' and InvoiceNumber eq 1 and IsCreditInvoice eq false`)}`);
      expect(byRef.json.Data.map((i: Json) => i.Id)).toEqual([inv.Id]);
      expect((await api(sim, token, "GET", `/customerinvoices?$filter=${encodeURIComponent("InvoiceDate ge 2020-01-01 and InvoiceNumber gt 1")}`)).json.Data).toHaveLength(1);
      expect((await api(sim, token, "GET", `/customerinvoices?$filter=${encodeURIComponent(`CustomerId eq '${c.Id}' and BuyersOrderReference eq '#1001'`)}`)).json.Meta.TotalNumberOfResults).toBe(2);
    });

    it("numbers invoices per company", async () => {
      const other = (await control(sim, "POST", "/companies", { name: "Andra AB" })).json.id;
      const t2 = (await login(sim, { company: other })).access_token;
      const r2 = await reference(sim, t2);
      const c2 = await create("/customers", { ...customer(), TermsOfPaymentId: r2.terms30 }, t2);
      const a2 = await create("/articles", { ...article("X"), CodingId: r2.coding["Goods 25"], UnitId: r2.unitSt }, t2);
      await api(sim, token, "POST", `/customerinvoicedrafts/${(await newDraft()).Id}/convert`);
      const d = await create("/customerinvoicedrafts", draft(c2.Id, [row(a2.Id, 1, 1)]), t2);
      expect((await api(sim, t2, "POST", `/customerinvoicedrafts/${d.Id}/convert`)).json.InvoiceNumber).toBe(1);
    });

    it("checks the totals a client sends with convert and converts nothing on a mismatch", async () => {
      const d = await newDraft();
      expectError(await api(sim, token, "POST", `/customerinvoicedrafts/${d.Id}/convert`, { TotalAmountInvoiceCurrency: 125.01 }), 400, 2000, "TotalAmountInvoiceCurrency");
      expectError(await api(sim, token, "POST", `/customerinvoicedrafts/${d.Id}/convert`, { TotalAmountInvoiceCurrency: 125, TotalVatAmountInvoiceCurrency: 24.99 }), 400, 2000, "TotalVatAmountInvoiceCurrency");
      expect((await api(sim, token, "GET", "/customerinvoices")).json.Data).toHaveLength(0);
      const ok = await api(sim, token, "POST", `/customerinvoicedrafts/${d.Id}/convert`, { TotalAmountInvoiceCurrency: 125, TotalVatAmountInvoiceCurrency: 25 });
      expect(ok.status).toBe(201);
    });

    it("refuses to convert into a locked fiscal year with 4013", async () => {
      const d = await newDraft({ InvoiceDate: "2025-06-01" });
      await control(sim, "POST", `/companies/${DEFAULT_COMPANY}/lock-year`, { year: 2025 });
      expect((await api(sim, token, "GET", "/fiscalyears")).json.Data.find((f: Json) => f.StartDate.startsWith("2025")).IsLockedForAccounting).toBe(true);
      expectError(await api(sim, token, "POST", `/customerinvoicedrafts/${d.Id}/convert`), 400, 4013);
      expect((await api(sim, token, "GET", `/customerinvoicedrafts/${d.Id}`)).status).toBe(200);
    });
  });

  describe("payments", () => {
    let c: Json, a: Json;
    beforeEach(async () => {
      c = await create("/customers", customer());
      a = await create("/articles", article("G25", "Goods 25"));
    });
    async function invoice(body: Record<string, unknown> = {}, qty = 1, cust = c): Promise<Json> {
      const d = await create("/customerinvoicedrafts", draft(cust.Id, [row(a.Id, qty, 100)], body));
      return (await api(sim, token, "POST", `/customerinvoicedrafts/${d.Id}/convert`)).json;
    }
    const pay = (inv: Json, over: Record<string, unknown>) =>
      api(sim, token, "POST", `/customerinvoices/${inv.Id}/payments`, { PaymentDate: today(), PaymentCurrency: inv.InvoiceCurrencyCode, PaymentType: 1, CompanyBankAccountId: ref.bank, ...over });

    it("takes payments into a bank account the accountant added (control API), and lists it", async () => {
      const added = await control(sim, "POST", `/companies/${DEFAULT_COMPANY}/bankaccounts`, { name: "Presentkort", accountNumber: 2421 });
      const accounts = (await api(sim, token, "GET", "/bankaccounts")).json.Data;
      expect(accounts.find((b: Json) => b.AccountNumber === 2421)).toMatchObject({ Name: "Presentkort" });
      const inv = await invoice();
      expect(added.status).toBe(201);
      expect((await pay(inv, { PaymentAmount: inv.TotalAmountInvoiceCurrency, CompanyBankAccountId: added.json.id })).status).toBe(201);
      const refused = await control(sim, "POST", `/companies/${DEFAULT_COMPANY}/bankaccounts`, { name: "x", accountNumber: 12 });
      expect([refused.status, JSON.stringify(refused.json)]).toEqual([400, expect.stringMatching(/accountNumber/)]);
    });

    it("registers partial then complete payments and marks the invoice paid", async () => {
      const inv = await invoice({}, 3);
      const p1 = await pay(inv, { PaymentAmount: 100, Reference: "shopify-1" });
      expect(p1.status).toBe(201);
      expect(p1.json).toEqual({ Id: expect.stringMatching(GUID_RE), CustomerInvoiceId: inv.Id, PaymentDate: `${today()}T00:00:00`, PaymentAmount: 100, PaymentCurrency: "SEK", PaymentType: 1, DomesticPaymentAmount: 100, Reference: "shopify-1" });
      expect((await api(sim, token, "GET", `/customerinvoices/${inv.Id}`)).json).toMatchObject({ RemainingAmountInvoiceCurrency: 200, RemainingAmount: 200, PaymentStatus: 1 });
      expectError(await pay(inv, { PaymentAmount: 150, PaymentType: 2 }), 400, 2000, "PaymentAmount");
      expect((await pay(inv, { PaymentAmount: 200, PaymentType: 2 })).status).toBe(201);
      expect((await api(sim, token, "GET", `/customerinvoices/${inv.Id}`)).json).toMatchObject({ RemainingAmountInvoiceCurrency: 0, RemainingAmount: 0, PaymentStatus: 0, PaymentDate: `${today()}T00:00:00` });
      expect((await control(sim, "GET", `/companies/${DEFAULT_COMPANY}/payments`)).json.payments.map((p: Json) => p.PaymentAmount)).toEqual([100, 200]);
    });

    it("refuses over-payment, zero, wrong sign, wrong currency, future dates and unknown bank accounts", async () => {
      const inv = await invoice();
      expectError(await pay(inv, { PaymentAmount: 100.01 }), 400, 2000, "PaymentAmount");
      expectError(await pay(inv, { PaymentAmount: 0 }), 400, 2000, "PaymentAmount");
      expectError(await pay(inv, { PaymentAmount: -10 }), 400, 2000, "PaymentAmount");
      expectError(await pay(inv, { PaymentAmount: 10.001 }), 400, 2000, "PaymentAmount");
      expectError(await pay(inv, { PaymentAmount: 10, PaymentCurrency: "EUR" }), 400, 2000, "PaymentCurrency");
      expectError(await pay(inv, { PaymentAmount: 10, PaymentType: 7 }), 400, 2000, "PaymentType");
      expectError(await pay(inv, { PaymentAmount: 10, PaymentDate: "2099-01-01" }), 400, 4023);
      expectError(await pay(inv, { PaymentAmount: 10, CompanyBankAccountId: "00000000-0000-4000-8000-000000000000" }), 400, 3000, "CompanyBankAccountId");
      expectError(await pay(inv, { PaymentAmount: 10, DomesticPaymentAmount: 10 }), 400, 4039);
      expectError(await pay(inv, { PaymentDate: undefined, PaymentAmount: 10 }), 400, 2000, "PaymentDate");
      expect((await api(sim, token, "POST", "/customerinvoices/00000000-0000-4000-8000-000000000000/payments", { PaymentAmount: 1 })).status).toBe(404);
      expect((await control(sim, "GET", `/companies/${DEFAULT_COMPANY}/payments`)).json.payments).toHaveLength(0);
      expect((await api(sim, token, "GET", `/customerinvoices/${inv.Id}`)).json.RemainingAmountInvoiceCurrency).toBe(100);
    });

    it("pays credit invoices with negative amounts and settles the rest with a rounding payment", async () => {
      const credit = await invoice({ IsCreditInvoice: true }, -1);
      expect(credit.TotalAmountInvoiceCurrency).toBe(-100);
      expectError(await pay(credit, { PaymentAmount: 10 }), 400, 2000, "PaymentAmount");
      expect((await pay(credit, { PaymentAmount: -99.5, PaymentType: 3 })).status).toBe(201);
      expect((await api(sim, token, "GET", `/customerinvoices/${credit.Id}`)).json).toMatchObject({ RemainingAmountInvoiceCurrency: 0, PaymentStatus: 0 });
    });

    it("needs DomesticPaymentAmount on foreign-currency invoices", async () => {
      const eur = await create("/customers", customer({ IsPrivatePerson: false, CurrencyCode: "EUR", InvoiceCountryCode: "US" }));
      const inv = await invoice({}, 1, eur);
      expect(inv).toMatchObject({ InvoiceCurrencyCode: "EUR", TotalAmountInvoiceCurrency: 100, TotalAmount: 1150, RemainingAmount: 1150 });
      expectError(await pay(inv, { PaymentAmount: 40 }), 400, 2000, "DomesticPaymentAmount");
      expectError(await pay(inv, { PaymentAmount: 40, PaymentCurrency: "SEK", DomesticPaymentAmount: 470 }), 400, 2000, "PaymentCurrency");
      const p = await pay(inv, { PaymentAmount: 40, DomesticPaymentAmount: 470 });
      expect(p.json).toMatchObject({ PaymentAmount: 40, PaymentCurrency: "EUR", DomesticPaymentAmount: 470 });
      expect((await api(sim, token, "GET", `/customerinvoices/${inv.Id}`)).json).toMatchObject({ RemainingAmountInvoiceCurrency: 60, RemainingAmount: 680 });
      // The last payment settles the company-currency side too (the difference is an exchange result).
      await pay(inv, { PaymentAmount: 60, PaymentType: 2, DomesticPaymentAmount: 700 });
      expect((await api(sim, token, "GET", `/customerinvoices/${inv.Id}`)).json).toMatchObject({ RemainingAmountInvoiceCurrency: 0, RemainingAmount: 0, PaymentStatus: 0 });
    });
  });

  describe("orders", () => {
    let c: Json, a: Json, b: Json;
    beforeEach(async () => {
      c = await create("/customers", customer());
      a = await create("/articles", article("A", "Goods 25"));
      b = await create("/articles", article("B", "Goods 12"));
    });
    const orderRow = (LineNumber: number, ArticleId: string, Quantity: number, DeliveredQuantity: number, UnitPrice: number) => ({ LineNumber, IsTextRow: false, IsWorkCost: false, EligibleForReverseChargeOnVat: false, ArticleId, Quantity, DeliveredQuantity, UnitPrice });
    const order = (rows: unknown[], over: Record<string, unknown> = {}) => ({ CustomerId: c.Id, CurrencyCode: "SEK", EuThirdParty: false, OrderDate: today(), Status: 2, RotReducedInvoicingType: 0, ReverseChargeOnConstructionServices: false, Rows: rows, BuyersOrderReference: "#2001", ...over });

    it("numbers orders, totals them and converts what was delivered into a draft once", async () => {
      const o = await create("/orders", order([orderRow(1, a.Id, 2, 1, 125), orderRow(2, b.Id, 1, 0, 112)]));
      expect(o).toMatchObject({ OrderNumber: 1, Amount: 362, VatAmount: 62, InvoiceDraftId: null, Status: 2 });
      expect((await create("/orders", order([orderRow(1, a.Id, 1, 1, 1)]))).OrderNumber).toBe(2);
      const conv = await api(sim, token, "POST", `/orders/${o.Id}/convert`);
      expect(conv.status).toBe(201);
      expect(conv.json).toMatchObject({ CreatedFromOrderId: o.Id, BuyersOrderReference: "#2001", TotalAmountInvoiceCurrency: 125, TotalVatAmountInvoiceCurrency: 25 });
      expect(conv.json.Rows).toHaveLength(1);
      expect((await api(sim, token, "GET", `/customerinvoicedrafts/${conv.json.Id}`)).status).toBe(200);
      expect((await api(sim, token, "GET", `/orders/${o.Id}`)).json).toMatchObject({ Status: 4, InvoiceDraftId: conv.json.Id });
      expectError(await api(sim, token, "POST", `/orders/${o.Id}/convert`), 400, 4002);
      expectError(await api(sim, token, "PUT", `/orders/${o.Id}`, order([orderRow(1, a.Id, 1, 1, 1)])), 400, 4002);
      expectError(await api(sim, token, "DELETE", `/orders/${o.Id}`), 400, 4001);
      // The draft books like any other and carries the order id on.
      const inv = (await api(sim, token, "POST", `/customerinvoicedrafts/${conv.json.Id}/convert`)).json;
      expect(inv).toMatchObject({ CreatedFromOrderId: o.Id, CreatedFromDraftId: conv.json.Id, InvoiceNumber: 1 });
    });

    it("refuses converting an order with nothing delivered (4031), and validates orders", async () => {
      const o = await create("/orders", order([orderRow(1, a.Id, 2, 0, 10)]));
      expectError(await api(sim, token, "POST", `/orders/${o.Id}/convert`), 400, 4031);
      expectError(await api(sim, token, "POST", "/orders", order([orderRow(1, a.Id, 1, 1, 1)], { CurrencyCode: "EUR" })), 400, 2000, "CurrencyCode");
      expectError(await api(sim, token, "POST", "/orders", order([orderRow(1, a.Id, 1, 1, 1)], { Status: 4 })), 400, 2000, "Status");
      expectError(await api(sim, token, "POST", "/orders", order([{ IsTextRow: false, IsWorkCost: false, EligibleForReverseChargeOnVat: false, ArticleId: a.Id, Quantity: 1 }])), 400, 2000, "Rows[0].LineNumber");
      const put = await api(sim, token, "PUT", `/orders/${o.Id}`, order([orderRow(1, a.Id, 4, 4, 10)], { Status: 3, BuyersOrderReference: undefined }));
      expect(put.json).toMatchObject({ OrderNumber: 1, Status: 3, BuyersOrderReference: null, Amount: 40 });
      expect((await api(sim, token, "DELETE", `/orders/${o.Id}`)).status).toBe(204);
    });
  });

  describe("fault injection", () => {
    const body = () => customer({ CustomerNumber: "F-1" });

    it("answers injected statuses after auth without processing", async () => {
      await control(sim, "POST", "/faults", { rules: [{ method: "POST", path: "^/v2/customers$", status: 503, count: 1 }, { path: "^/v2/customers$", status: 429, count: 1, retryAfterSeconds: 3 }] });
      expect((await api(sim, "bogus", "POST", "/customers", body())).status).toBe(401);
      const r503 = await api(sim, token, "POST", "/customers", body());
      expect(r503.status).toBe(503);
      expect(r503.json.ErrorCode).toBe(5000);
      const r429 = await api(sim, token, "POST", "/customers", body());
      expect(r429.status).toBe(429);
      expect(r429.json.ErrorCode).toBe(4010);
      expect(r429.headers.get("retry-after")).toBe("3");
      expect((await control(sim, "GET", `/companies/${DEFAULT_COMPANY}/customers`)).json.customers).toHaveLength(0);
      expect((await api(sim, token, "POST", "/customers", body())).status).toBe(201);
      expect((await control(sim, "GET", "/stats")).json.faulted).toBe(2);
    });

    it("commits before a held response (afterCommit) so a timed-out client can find the invoice", async () => {
      const c = await create("/customers", customer());
      const a = await create("/articles", article("A"));
      const d = await create("/customerinvoicedrafts", draft(c.Id, [row(a.Id, 1, 10)], { BuyersOrderReference: "#lost" }));
      await control(sim, "POST", "/faults", { rules: [{ method: "POST", path: "/convert$", count: 1, delayMs: 1500, afterCommit: true }] });
      await expect(api(sim, token, "POST", `/customerinvoicedrafts/${d.Id}/convert`, undefined, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
      const found = await api(sim, token, "GET", `/customerinvoices?$filter=${encodeURIComponent("BuyersOrderReference eq '#lost'")}`);
      expect(found.json.Data).toHaveLength(1);
    });

    it("drops a held call whose client hung up (dropIfAbandoned)", async () => {
      await control(sim, "POST", "/faults", { rules: [{ method: "POST", path: "^/v2/customers$", count: 1, delayMs: 600, dropIfAbandoned: true }] });
      await expect(api(sim, token, "POST", "/customers", body(), { signal: AbortSignal.timeout(150) })).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 800));
      expect((await control(sim, "GET", `/companies/${DEFAULT_COMPANY}/customers`)).json.customers).toHaveLength(0);
      await control(sim, "POST", "/faults", { rules: [{ method: "POST", path: "^/v2/customers$", count: 1, delayMs: 200, dropIfAbandoned: true }] });
      expect((await api(sim, token, "POST", "/customers", body())).status).toBe(201);
    });

    it("lists, validates and clears rules", async () => {
      await control(sim, "POST", "/faults", { rules: [{ path: "^/v2/units$", status: 500, count: 5 }] });
      expect((await control(sim, "GET", "/faults")).json.rules[0]).toMatchObject({ path: "^/v2/units$", status: 500, count: 5 });
      expect((await api(sim, token, "GET", "/units")).status).toBe(500);
      await control(sim, "DELETE", "/faults");
      expect((await api(sim, token, "GET", "/units")).status).toBe(200);
      expect((await control(sim, "POST", "/faults", { rules: [{ path: "(", count: 1 }] })).status).toBe(400);
    });
  });

  describe("control API", () => {
    it("adds companies, lists their data, and reset drops everything including tokens", async () => {
      expect((await control(sim, "POST", "/companies", { id: "c2", name: "Andra AB" })).status).toBe(201);
      expect((await control(sim, "POST", "/companies", { id: "c2", name: "Andra AB" })).status).toBe(409);
      const t2 = (await login(sim, { company: "c2" })).access_token;
      await create("/customers", { ...customer(), TermsOfPaymentId: (await reference(sim, t2)).terms30, Name: "Kund i c2" }, t2);
      expect((await control(sim, "GET", "/companies/c2/customers")).json.customers[0].Name).toBe("Kund i c2");
      expect((await control(sim, "GET", `/companies/${DEFAULT_COMPANY}/customers`)).json.customers).toHaveLength(0);
      for (const kind of ["articles", "customerinvoicedrafts", "customerinvoices", "orders", "payments"]) {
        expect((await control(sim, "GET", `/companies/c2/${kind}`)).json[kind]).toEqual([]);
      }
      expect((await control(sim, "GET", "/companies/nope/customers")).status).toBe(404);
      await control(sim, "POST", "/reset");
      expect((await control(sim, "GET", "/companies/c2/customers")).status).toBe(404);
      expect((await api(sim, token, "GET", "/companysettings")).status).toBe(401);
    });
  });

  describe("CLI", () => {
    it("prints the listening line and stops on SIGTERM", async () => {
      const main = fileURLToPath(new URL("./visma/main.ts", import.meta.url));
      const child = spawn(process.execPath, ["--import", "tsx", main, "--port", "0", "--client-id", "cli", "--client-secret", "cli-secret"], { stdio: ["ignore", "pipe", "pipe"] });
      try {
        const line = await new Promise<string>((resolve, reject) => {
          let out = "";
          child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            if (out.includes("\n")) resolve(out.trim());
          });
          child.once("exit", (code) => reject(new Error(`exited early with ${code}`)));
        });
        const m = /^visma simulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
        expect(m).not.toBeNull();
        expect((await (await fetch(`${m![1]}/__sim/stats`)).json()).requests).toBe(0);
        const tok = await fetch(`${m![1]}/connect/token`, { method: "POST", headers: { Authorization: basic("cli", "wrong"), "Content-Type": "application/x-www-form-urlencoded" }, body: "grant_type=refresh_token&refresh_token=x" });
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
