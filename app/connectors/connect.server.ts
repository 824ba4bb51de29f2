import { randomBytes, timingSafeEqual } from "node:crypto";
import { createCookie } from "@remix-run/node";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { log } from "~/lib/log.server";
import { connectionRestored } from "~/sync/alerts.server";
import { resumePausedJobs } from "~/sync/replay.server";
import { currentTarget, providerName, switchTarget, unstartedOrders, type SwitchChoice } from "~/sync/target.server";
import { sealTokens } from "./connection.server";
import { fortnoxAuthorizeUrl, fortnoxCompany, fortnoxExchangeCode } from "./fortnox/provider.server";
import type { TokenSet } from "./oauth.server";
import type { Provider } from "./types";
import { vismaAuthorizeUrl, vismaCompany, vismaExchangeCode } from "./visma/provider.server";

interface ConnectFlow {
  configured: () => boolean;
  authorizeUrl: (state: string, redirectUri: string) => string;
  exchangeCode: (code: string, redirectUri: string) => Promise<TokenSet>;
  company: (tokens: TokenSet) => Promise<{ name: string; tenantId: string }>;
}

const FLOWS: Record<Provider, ConnectFlow> = {
  fortnox: { configured: () => !!env().FORTNOX_CLIENT_ID, authorizeUrl: fortnoxAuthorizeUrl, exchangeCode: fortnoxExchangeCode, company: fortnoxCompany },
  visma: { configured: () => !!env().VISMA_CLIENT_ID && !!env().VISMA_CLIENT_SECRET, authorizeUrl: vismaAuthorizeUrl, exchangeCode: vismaExchangeCode, company: vismaCompany },
};

// Connecting an accounting system: the merchant starts in the admin (shop from the session
// token), the provider sends them back to our callback with a one-time `state` that carries the
// shop, never a shop from the callback's own parameters.
//
// The state is also bound to the browser that set out (RFC 9700 4.7.1): the admin cannot set a
// cookie from inside its iframe, so the merchant's browser first opens our own start address at
// the top level, which sets a cookie holding the state and sends it on to the provider; the
// callback is only accepted with that cookie. Without it, a state issued to shop B completed
// shop A's merchant's approval: B's attacker sends A's merchant a provider link carrying B's
// state, A's merchant approves, and B is booked into A's accounting system. (Fortnox has no PKCE
// that would bind the code instead.) What this cannot stop: B's start address itself forwarded
// and opened by A's merchant; only a page naming the shop before it connects would.
//
// Connecting a system other than the shop's current one makes it the target for new orders.
// When the current one holds orders it has not started on, the merchant chooses first what
// happens to them (app/sync/target.server.ts); the choice travels with the state.

const STATE_TTL_MS = 10 * 60 * 1000;

export class ConnectError extends Error {}

export const callbackUrl = (provider: string) => `${env().SHOPIFY_APP_URL}/oauth/${provider}/callback`;

/** The cookie that binds a state to the browser (__Host-: no other site or subdomain can plant one). */
export function stateCookie(provider: Provider) {
  const secure = env().SHOPIFY_APP_URL.startsWith("https:");
  return createCookie(`${secure ? "__Host-" : ""}kontera-${provider}-state`, { httpOnly: true, secure, sameSite: "lax", path: "/", maxAge: STATE_TTL_MS / 1000 });
}

/**
 * The shape startConnect issues (24 random bytes, base64url). Anything else is refused before it
 * reaches the database: PostgreSQL rejects a NUL byte in text, which made a 500 of a forged state.
 */
const wellFormed = (state: string | null): state is string => !!state && /^[A-Za-z0-9_-]{32}$/.test(state);

/** Constant-time, and by bytes: two strings of one length in characters can differ in bytes. */
function sameState(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A route's provider segment, or null for one we do not connect. */
export function providerParam(value: string | undefined): { id: Provider; name: string } | null {
  return value === "fortnox" || value === "visma" ? { id: value, name: providerName(value) } : null;
}

/** The merchant must say what happens to the orders the current system has not started on. */
export class SwitchChoiceNeeded extends Error {
  constructor(readonly from: string, readonly orders: number) {
    super(`${providerName(from)} holds ${orders} order(s) it has not booked yet; choose whether to move them, keep them in ${providerName(from)}, or not book them`);
  }
}

/** The shop's current system, when switching away from it leaves orders to decide on. */
async function switchingFrom(shop: string, provider: Provider): Promise<{ from: string; orders: number } | null> {
  const { target, everConnected } = await currentTarget(shop);
  // Never connected: nothing can have been sent, so its orders simply come along.
  if (target === provider || !everConnected) return null;
  const orders = (await unstartedOrders(shop, target)).length;
  return orders ? { from: target, orders } : null;
}

/** In the admin: a one-time state for the shop; returns our start address for the browser to open. */
export async function startConnect(shop: string, provider: Provider, onSwitch?: SwitchChoice): Promise<string> {
  if (!FLOWS[provider].configured()) throw new ConnectError(`${providerName(provider)} is not set up on this server (its client id and secret are missing)`);
  const switching = onSwitch ? null : await switchingFrom(shop, provider);
  if (switching) throw new SwitchChoiceNeeded(switching.from, switching.orders);
  const state = randomBytes(24).toString("base64url");
  await db().oAuthState.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  await db().oAuthState.create({ data: { state, shop, provider, onSwitch: onSwitch ?? null, expiresAt: new Date(Date.now() + STATE_TTL_MS) } });
  return `${env().SHOPIFY_APP_URL}/oauth/${provider}/start?${new URLSearchParams({ state })}`;
}

/** At the top level, in the merchant's browser: where to send it (the caller sets the cookie). */
export async function beginAuthorize(provider: Provider, state: string | null): Promise<string> {
  const live = wellFormed(state) && (await db().oAuthState.findFirst({ where: { state, provider, expiresAt: { gt: new Date() } } }));
  if (!live) throw new ConnectError("this connection link has expired or was already used; start again from the app");
  return FLOWS[provider].authorizeUrl(live.state, callbackUrl(provider));
}

/** `boundState` is the state the browser's cookie holds (beginAuthorize's caller set it). */
export async function completeConnect(provider: Provider, params: URLSearchParams, boundState: string | null): Promise<{ shop: string; companyName: string }> {
  const state = params.get("state");
  const code = params.get("code");
  if (params.get("error")) throw new ConnectError(`${provider} declined the connection: ${params.get("error_description") ?? params.get("error")}`);
  if (!state || !code) throw new ConnectError("the callback is missing its code or state; start the connection again from the app");
  // Checked before the state is consumed, so a callback from another browser leaves the rightful
  // one able to finish.
  if (!boundState || !sameState(boundState, state)) throw new ConnectError("this connection was not started in this browser; start again from the app");
  // Single use: deleting the row is what consumes the state; of two racing callbacks only one
  // deletes it, and a replayed callback finds nothing.
  if (!wellFormed(state)) throw new ConnectError("this connection link has expired or was already used; start again from the app");
  const row = await db().oAuthState.findUnique({ where: { state } });
  const consumed = await db().oAuthState.deleteMany({ where: { state, provider, expiresAt: { gt: new Date() } } });
  if (!row || consumed.count !== 1) throw new ConnectError("this connection link has expired or was already used; start again from the app");

  const tokens = await FLOWS[provider].exchangeCode(code, callbackUrl(provider));
  const company = await FLOWS[provider].company(tokens);
  const shop = row.shop;
  await db().connection.upsert({
    where: { shop_provider: { shop, provider } },
    create: { shop, provider, status: "active", tenantId: company.tenantId, companyName: company.name, ...sealTokens({ shop, provider }, tokens) },
    update: { status: "active", tenantId: company.tenantId, companyName: company.name, lastError: null, ...sealTokens({ shop, provider }, tokens) },
  });
  const { target, everConnected } = await currentTarget(shop);
  // Asked before the merchant left; a system never connected has nothing started to keep.
  if (target !== provider) await switchTarget(shop, target, provider, (row.onSwitch as SwitchChoice | null) ?? (everConnected ? "keep" : "move"));
  await connectionRestored(shop, provider);
  const resumed = await resumePausedJobs(shop, provider);
  log.info("accounting system connected", { shop, provider, resumed });
  return { shop, companyName: company.name };
}

export async function disconnect(shop: string, provider: Provider): Promise<void> {
  await db().connection.updateMany({
    where: { shop, provider },
    data: { status: "disconnected", accessTokenEnc: null, refreshTokenEnc: null, expiresAt: null },
  });
  // Disconnected on purpose: nothing is lost any more, so its alert is over.
  await connectionRestored(shop, provider);
}

/** The merchant's answer when a start or callback is refused: the request's fault, so 400. */
export const refusedConnect = (name: string, e: Error) =>
  new Response(`${name} could not be connected: ${e.message}`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
