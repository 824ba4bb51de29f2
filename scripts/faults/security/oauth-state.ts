import { createCookie } from "@remix-run/node";
import { prng } from "../../../test/fixtures/shopify/orders";
import type { Stack } from "../../../test/helpers/stack";
import type { SecurityCheck } from "../types";
import { randomHex, seedFromEnv } from "./support";

// The Fortnox OAuth callback is public: Fortnox sends the merchant's browser there with a code and
// the state we issued. Whoever holds a callback URL must not connect a shop to an accounting
// system unless the state is live, was issued for this flow, and the browser is the one that
// started it (the cookie our start address set). Every refusal is a 400, no Connection row is
// created or changed, and none is a 500. Cases: a missing state or code, a state of shop B used
// to complete shop A's approval (foreign), a callback replayed after it succeeded, an expired
// state, forged and garbled states (with a cookie forged to match, so the state itself is what
// is refused), a declined or forged code, and the start address with a state that is not live.
//
// Not covered, because it cannot be refused: shop A's code, stolen, completed with B's state in
// B's own browser. Fortnox documents no PKCE, so nothing binds a code to the flow that asked for it.

const SHOP_A = "sec-oauth-a.myshopify.com";
const SHOP_B = "sec-oauth-b.myshopify.com";
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** The cases below that are always sent; the rest of a run's count are random near misses of a live state. */
const FIXED_CASES = 42;

interface Flow {
  shop: string;
  code: string;
  state: string;
  /** The binding cookie as the browser sends it back (name=value). */
  cookie: string;
  callback: string;
}

async function approve(stack: Stack, shop: string): Promise<Flow> {
  const { callback, cookie } = await stack.approveConnect(shop);
  const q = new URL(callback).searchParams;
  return { shop, code: q.get("code")!, state: q.get("state")!, cookie, callback };
}

/** The binding cookie for any value, as the app would serialize it (to forge one that matches a garbled state). */
async function cookieFor(like: Flow, value: string): Promise<string> {
  return (await createCookie(like.cookie.split("=")[0]).serialize(value)).split(";")[0];
}

async function connections(stack: Stack): Promise<string> {
  const rows = await stack.db.client.connection.findMany({ where: { shop: { in: [SHOP_A, SHOP_B] } }, orderBy: [{ shop: "asc" }, { provider: "asc" }] });
  return JSON.stringify(rows);
}

/** Near misses of a live state: each must find nothing. */
function garbles(state: string, count: number, rnd: () => number): [string, string][] {
  const at = (n: number) => Math.floor(rnd() * n);
  const other = (c: string) => { let d = c; while (d === c) d = B64URL[at(B64URL.length)]; return d; };
  const change = (s: string) => { const i = at(s.length); return s.slice(0, i) + other(s[i]) + s.slice(i + 1); };
  const fixed: [string, string][] = [
    ["one character changed", change(state)],
    ["last character dropped", state.slice(0, -1)],
    ["one character added", state + B64URL[at(64)]],
    ["upper-cased (a case-insensitive lookup would match)", state.toUpperCase() === state ? change(state) : state.toUpperCase()],
    ["random, same length", Array.from({ length: state.length }, () => B64URL[at(64)]).join("")],
    ["4 000 characters (with its cookie, under the server's 16 KB of headers)", state.repeat(Math.ceil(4_000 / state.length)).slice(0, 4_000)],
    ["SQL", `' OR '1'='1`],
    ["a LIKE wildcard", "%"],
    ["a Cyrillic lookalike", /[aeo]/.test(state) ? state.replace(/[aeo]/, (c) => ({ a: "а", e: "е", o: "о" })[c]!) : `а${state.slice(1)}`],
    ["a NUL byte appended", `${state}\u0000`],
    ["hex garbage", randomHex(rnd, 48)],
  ];
  const random: [string, string][] = Array.from({ length: count }, (_, i) => {
    let s = state;
    const n = 1 + at(3);
    for (let k = 0; k < n; k++) s = change(s);
    return [`random near miss ${i + 1} (${n} characters changed)`, s];
  });
  return [...fixed, ...random];
}

export const check: SecurityCheck = {
  name: "oauth-state: the Fortnox callback refuses a missing, foreign, replayed, expired or forged state without storing a token",
  cases: { ci: FIXED_CASES + 2 * 5, full: FIXED_CASES + 2 * 100 },
  async run(stack, count) {
    const failures: string[] = [];
    const seed = seedFromEnv();
    const rnd = prng(seed);
    const db = stack.db.client;
    let cases = 0;

    await stack.installAndConnect(SHOP_A);
    await stack.installAndConnect(SHOP_B);

    const callbackUrl = (params: [string, string][]) => `${stack.appUrl}/oauth/fortnox/callback?${new URLSearchParams(params)}`;
    /** One case: a request that must be refused with 400 and leave every Connection row as it was. */
    const refused = async (label: string, url: string, cookie: string | null) => {
      cases++;
      const before = await connections(stack);
      let status: number | string;
      let setCookie: string | null = null;
      try {
        const res = await fetch(url, { redirect: "manual", headers: cookie ? { Cookie: cookie } : {}, signal: AbortSignal.timeout(15_000) });
        status = res.status;
        setCookie = res.headers.get("set-cookie");
        await res.text();
      } catch (e) {
        status = `no answer (${(e as Error).message})`;
      }
      if (status !== 400) failures.push(`seed ${seed} ${label}: expected 400, got ${status}${status === 302 ? " [CONNECTED]" : typeof status === "number" && status >= 500 ? " [server error]" : ""}`);
      if (url.includes("/start") && setCookie) failures.push(`seed ${seed} ${label}: the refused start still set a cookie (${setCookie.split(";")[0].slice(0, 60)})`);
      const after = await connections(stack);
      if (after !== before) failures.push(`seed ${seed} ${label}: a Connection row was created or changed`);
    };
    /** A control: a genuine completion goes through and does change the Connection rows. */
    const completes = async (label: string, flow: Flow) => {
      const before = await connections(stack);
      const res = await fetch(flow.callback, { redirect: "manual", headers: { Cookie: flow.cookie } });
      await res.text();
      if (res.status !== 302 || (await connections(stack)) === before) failures.push(`control: ${label} answered ${res.status} and ${(await connections(stack)) === before ? "stored nothing" : "stored tokens"}: the refusals above may have other causes`);
    };

    const a = await approve(stack, SHOP_A);
    const b = await approve(stack, SHOP_B);

    // 1. Foreign: B's state in A's flow. A's browser (A's cookie) with A's code and B's state is
    //    what B's attacker gets by having A's merchant approve a Fortnox link carrying B's state.
    await refused("foreign: A's code, B's state, in A's browser", callbackUrl([["code", a.code], ["state", b.state]]), a.cookie);
    await refused("foreign: A's code, B's state, no cookie", callbackUrl([["code", a.code], ["state", b.state]]), null);
    await refused("foreign: B's whole callback opened in A's browser", b.callback, a.cookie);
    await refused("foreign: A's callback with B's cookie", a.callback, b.cookie);

    // 2. Missing parts.
    await refused("missing: no state", callbackUrl([["code", a.code]]), a.cookie);
    await refused("missing: empty state", callbackUrl([["code", a.code], ["state", ""]]), a.cookie);
    await refused("missing: no code", callbackUrl([["state", a.state]]), a.cookie);
    await refused("missing: nothing", callbackUrl([]), a.cookie);
    await refused("missing: no cookie", a.callback, null);
    await refused("missing: the cookie empty", a.callback, await cookieFor(a, ""));

    // 3. Forged and garbled states, each twice: with the cookie forged to hold the same value (so
    //    the lookup must refuse it), and with the browser's real cookie (so the binding must).
    for (const [how, state] of garbles(a.state, Math.max(0, Math.floor((count - FIXED_CASES) / 2)), rnd)) {
      await refused(`garbled state (${how}), a cookie forged to match`, callbackUrl([["code", a.code], ["state", state]]), await cookieFor(a, state));
      await refused(`garbled state (${how}), the browser's own cookie`, callbackUrl([["code", a.code], ["state", state]]), a.cookie);
    }
    await refused("garbled state, the real state second in the query", `${callbackUrl([["code", a.code], ["state", a.state.slice(0, -1)]])}&state=${a.state}`, await cookieFor(a, a.state.slice(0, -1)));

    // 4. Declined in Fortnox, and a forged code with a live state (this one consumes its state).
    await refused("declined: error=access_denied", callbackUrl([["error", "access_denied"], ["error_description", "The user denied"], ["state", a.state]]), a.cookie);
    const c = await approve(stack, SHOP_B);
    await refused("forged code with a live state", callbackUrl([["code", randomHex(rnd, 32)], ["state", c.state]]), c.cookie);

    // Controls: the flows the cases above took apart still complete.
    await completes("shop A's own callback after the foreign and garbled attempts", a);
    await completes("shop B's own callback after its state was tried in A's flow", b);

    // 5. Replayed: the callback that just succeeded, again, cookie and all.
    await refused("replayed: A's callback after it succeeded", a.callback, a.cookie);
    await refused("replayed: B's callback after it succeeded", b.callback, b.cookie);

    // 6. Expired: states live ten minutes (the row's expiry is moved, as ten minutes would).
    const e = await approve(stack, SHOP_A);
    await db.oAuthState.update({ where: { state: e.state }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await refused("expired state at the callback", e.callback, e.cookie);
    await refused("expired state at the start", `${stack.appUrl}/oauth/fortnox/start?state=${encodeURIComponent(e.state)}`, null);

    // 7. The start address with a state that is not live: no cookie, no way on to Fortnox.
    await refused("start: no state", `${stack.appUrl}/oauth/fortnox/start`, null);
    await refused("start: a state never issued", `${stack.appUrl}/oauth/fortnox/start?state=${randomHex(rnd, 32)}`, null);
    await refused("start: a state already used", `${stack.appUrl}/oauth/fortnox/start?state=${encodeURIComponent(a.state)}`, null);

    return { cases, failures };
  },
};
