import { randomBytes } from "node:crypto";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { log } from "~/lib/log.server";
import { resumePausedJobs } from "~/sync/replay.server";
import { sealTokens } from "./connection.server";
import { fortnoxAuthorizeUrl, fortnoxCompany, fortnoxExchangeCode } from "./fortnox/provider.server";

// Connecting an accounting system: the merchant starts in the admin (shop from the session
// token), the provider sends them back to our callback with a one-time `state` that carries the
// shop, never a shop from the callback's own parameters.

const STATE_TTL_MS = 10 * 60 * 1000;

export class ConnectError extends Error {}

export const callbackUrl = (provider: string) => `${env().SHOPIFY_APP_URL}/oauth/${provider}/callback`;

export async function startConnect(shop: string, provider: "fortnox"): Promise<string> {
  const state = randomBytes(24).toString("base64url");
  await db().oAuthState.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  await db().oAuthState.create({ data: { state, shop, provider, expiresAt: new Date(Date.now() + STATE_TTL_MS) } });
  return fortnoxAuthorizeUrl(state, callbackUrl(provider));
}

export async function completeConnect(provider: "fortnox", params: URLSearchParams): Promise<{ shop: string; companyName: string }> {
  const state = params.get("state");
  const code = params.get("code");
  if (params.get("error")) throw new ConnectError(`${provider} declined the connection: ${params.get("error_description") ?? params.get("error")}`);
  if (!state || !code) throw new ConnectError("the callback is missing its code or state; start the connection again from the app");
  // Single use: deleting the row is what consumes the state; of two racing callbacks only one
  // deletes it, and a replayed callback finds nothing.
  const row = await db().oAuthState.findUnique({ where: { state } });
  const consumed = await db().oAuthState.deleteMany({ where: { state, provider, expiresAt: { gt: new Date() } } });
  if (!row || consumed.count !== 1) throw new ConnectError("this connection link has expired or was already used; start again from the app");

  const tokens = await fortnoxExchangeCode(code, callbackUrl(provider));
  const company = await fortnoxCompany(tokens);
  const shop = row.shop;
  await db().connection.upsert({
    where: { shop_provider: { shop, provider } },
    create: { shop, provider, status: "active", tenantId: company.tenantId, companyName: company.name, ...sealTokens({ shop, provider }, tokens) },
    update: { status: "active", tenantId: company.tenantId, companyName: company.name, lastError: null, ...sealTokens({ shop, provider }, tokens) },
  });
  const resumed = await resumePausedJobs(shop, provider);
  log.info("accounting system connected", { shop, provider, resumed });
  return { shop, companyName: company.name };
}

export async function disconnect(shop: string, provider: "fortnox"): Promise<void> {
  await db().connection.updateMany({
    where: { shop, provider },
    data: { status: "disconnected", accessTokenEnc: null, refreshTokenEnc: null, expiresAt: null },
  });
}
