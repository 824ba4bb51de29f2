import { createHash } from "node:crypto";
import { env } from "~/env.server";
import type { ConnectionRow } from "../connection.server";
import { TokenSource } from "../connection.server";
import { exchangeCode, refreshTokens, type OAuthClient, type TokenSet } from "../oauth.server";
import type { AccountingConnector, CallCounter } from "../types";
import { fortnoxCompanyInformation, fortnoxConnector } from "./connector.server";

// Fortnox as data: where it lives, which scopes Kontera asks for, how to connect.

export const FORTNOX_SCOPES = "companyinformation customer article price invoice order payment";

function oauthClient(): OAuthClient {
  const e = env();
  return { tokenUrl: `${e.FORTNOX_AUTH_URL}/token`, clientId: e.FORTNOX_CLIENT_ID, clientSecret: e.FORTNOX_CLIENT_SECRET };
}

export function fortnoxAuthorizeUrl(state: string, redirectUri: string): string {
  const q = new URLSearchParams({
    client_id: env().FORTNOX_CLIENT_ID,
    redirect_uri: redirectUri,
    scope: FORTNOX_SCOPES,
    state,
    access_type: "offline",
    response_type: "code",
  });
  return `${env().FORTNOX_AUTH_URL}/auth?${q}`;
}

export const fortnoxExchangeCode = (code: string, redirectUri: string) => exchangeCode(oauthClient(), code, redirectUri);

/** The company behind a fresh token: its name for the merchant, its DatabaseNumber as our tenant key. */
export async function fortnoxCompany(tokens: TokenSet): Promise<{ name: string; tenantId: string }> {
  // Through the shared client, so a company whose limit other shops' jobs are using up is waited
  // for, not refused. Its tenant is what this call finds out, so the token stands in for the key.
  const tenantKey = `connect:${createHash("sha256").update(tokens.accessToken).digest("hex").slice(0, 16)}`;
  const http = { apiUrl: env().FORTNOX_API_URL, tenantKey, tokens: { accessToken: async () => tokens.accessToken }, counter: { calls: 0 } };
  return fortnoxCompanyInformation(http);
}

export function fortnoxFor(connection: ConnectionRow, counter: CallCounter): AccountingConnector {
  const tokens = new TokenSource(connection.id, (refreshToken) => refreshTokens(oauthClient(), refreshToken), counter);
  return fortnoxConnector({
    apiUrl: env().FORTNOX_API_URL,
    // The limit belongs to the Fortnox company, whichever shop is using it.
    tenantKey: connection.tenantId || connection.id,
    tokens,
    counter,
  });
}
