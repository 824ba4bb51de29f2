import { env } from "~/env.server";
import type { ConnectionRow } from "../connection.server";
import { TokenSource } from "../connection.server";
import { exchangeCode, refreshTokens, type OAuthClient, type TokenSet } from "../oauth.server";
import type { AccountingConnector, CallCounter } from "../types";
import { vismaCompanySettings, vismaConnector, type ArticleResolver } from "./connector.server";

// Visma eAccounting as data: where it lives, which scopes Kontera asks for, how to connect.

// ea:api is required for any call, ea:sales for customers, articles, invoices and orders, and
// offline_access for a refresh token at all.
export const VISMA_SCOPES = "ea:api ea:sales offline_access";

function oauthClient(): OAuthClient {
  const e = env();
  return { tokenUrl: `${e.VISMA_AUTH_URL}/token`, clientId: e.VISMA_CLIENT_ID, clientSecret: e.VISMA_CLIENT_SECRET };
}

export function vismaAuthorizeUrl(state: string, redirectUri: string): string {
  const q = new URLSearchParams({
    client_id: env().VISMA_CLIENT_ID,
    redirect_uri: redirectUri,
    scope: VISMA_SCOPES,
    state,
    response_type: "code",
    // The token is bound to the company the merchant picks: make them pick.
    prompt: "select_account",
  });
  return `${env().VISMA_AUTH_URL}/authorize?${q}`;
}

export const vismaExchangeCode = (code: string, redirectUri: string) => exchangeCode(oauthClient(), code, redirectUri);


/** The company behind a fresh token: its name for the merchant, its organisation number as our tenant key. */
export async function vismaCompany(tokens: TokenSet): Promise<{ name: string; tenantId: string }> {
  const http = { apiUrl: env().VISMA_API_URL, clientId: env().VISMA_CLIENT_ID, tokens: { accessToken: async () => tokens.accessToken }, counter: { calls: 0 } };
  return vismaCompanySettings(http);
}

export function vismaFor(connection: ConnectionRow, counter: CallCounter, articles?: ArticleResolver): AccountingConnector {
  const tokens = new TokenSource(connection.id, (refreshToken) => refreshTokens(oauthClient(), refreshToken), counter);
  return vismaConnector({ apiUrl: env().VISMA_API_URL, clientId: env().VISMA_CLIENT_ID, tokens, counter, articles });
}
