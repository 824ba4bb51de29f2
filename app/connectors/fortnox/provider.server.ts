import { env } from "~/env.server";
import type { ConnectionRow } from "../connection.server";
import { TokenSource } from "../connection.server";
import { permanent, retryable } from "../errors";
import { exchangeCode, refreshTokens, type OAuthClient, type TokenSet } from "../oauth.server";
import type { AccountingConnector, CallCounter } from "../types";
import { fortnoxConnector } from "./connector.server";
import { parseFortnoxError } from "./http.server";

// Fortnox as data: where it lives, which scopes Kontera asks for, how to connect.

export const FORTNOX_SCOPES = "companyinformation customer article invoice order payment";

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
  const res = await fetch(`${env().FORTNOX_API_URL}/companyinformation`, {
    headers: { Authorization: `Bearer ${tokens.accessToken}`, Accept: "application/json" },
    signal: AbortSignal.timeout(env().ACCOUNTING_TIMEOUT_MS),
  }).catch((e) => { throw retryable(`Fortnox did not answer: ${(e as Error).message}`, "network"); });
  const body: any = await res.json().catch(() => undefined);
  if (!res.ok) throw permanent(`Fortnox refused company information: ${parseFortnoxError(body).message ?? res.status}`, String(res.status), res.status);
  const info = body?.CompanyInformation;
  if (!info?.CompanyName) throw retryable("Fortnox answered company information without a company name", "bad_response");
  return { name: String(info.CompanyName), tenantId: String(info.DatabaseNumber ?? "") };
}

export function fortnoxFor(connection: ConnectionRow, counter: CallCounter): AccountingConnector {
  const tokens = new TokenSource(connection.id, (refreshToken) => refreshTokens(oauthClient(), refreshToken));
  return fortnoxConnector({
    apiUrl: env().FORTNOX_API_URL,
    // The limit belongs to the Fortnox company, whichever shop is using it.
    tenantKey: connection.tenantId || connection.id,
    tokens,
    counter,
  });
}
