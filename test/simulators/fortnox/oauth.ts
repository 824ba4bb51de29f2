/**
 * Fortnox OAuth2 (`/oauth-v1`, research A.2): authorization-code flow with
 * single-use, rotating refresh tokens (45 days) and short-lived access tokens.
 *
 * The consent screen is skipped: /auth auto-approves as the tenant given by `?tenant=`
 * (default 1001). Token strings are never logged.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { OAuthTokens } from "../shared/oauth-tokens.js";
import { DEFAULT_TENANT_ID } from "./state.js";

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  redirectUris?: string[];
}

interface AuthCode {
  clientId: string;
  redirectUri: string;
  /** Whether redirect_uri was sent on /auth; then the token request must repeat it. */
  redirectUriExplicit: boolean;
  scope: string;
  offline: boolean;
  tenantId: number;
  expiresAt: number;
}

export interface AccessToken {
  clientId: string;
  tenantId: number;
  scopes: Set<string>;
  expiresAt: number;
}

interface RefreshToken {
  clientId: string;
  tenantId: number;
  scope: string;
  expiresAt: number;
  /** Single use: set once exchanged (or revoked); any later use is invalid_grant. */
  spent: boolean;
}

export interface OAuthResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised body and its content type. */
  body: string;
  contentType?: string;
}

const CODE_TTL_MS = 10 * 60 * 1000;
const REFRESH_TTL_MS = 45 * 24 * 3600 * 1000;

const b64url = (s: string) => Buffer.from(s).toString("base64url");

/** Recorded quirk: token errors come back with text/html or text/plain, not JSON. */
const oauthError = (status: number, error: string, description: string, contentType = "text/html; charset=UTF-8"): OAuthResponse => ({
  status,
  body: JSON.stringify({ error, error_description: description }),
  contentType,
});

const invalidClient = () => oauthError(401, "invalid_client", "The client credentials are invalid", "text/plain; charset=UTF-8");

const htmlPage = (status: number, message: string): OAuthResponse => ({
  status,
  body: `<!doctype html><html><head><title>Fortnox</title></head><body><h1>Felaktig begäran</h1><p>${message.replace(/[<>&"]/g, "")}</p></body></html>`,
  contentType: "text/html; charset=UTF-8",
});

export interface OAuthCounters {
  tokenRequests: number;
  refreshes: number;
  invalidGrants: number;
}

export class OAuthStore extends OAuthTokens<AuthCode, AccessToken, RefreshToken> {
  constructor(
    private readonly clients: Map<string, OAuthClient>,
    private readonly accessTtlMs: number,
    private readonly tenantExists: (tenantId: number) => boolean,
  ) {
    super();
  }

  /** GET /oauth-v1/auth */
  authorize(q: URLSearchParams): OAuthResponse {
    const client = this.clients.get(q.get("client_id") ?? "");
    if (!client) return htmlPage(400, "Okänd klient (client_id).");

    const explicit = q.get("redirect_uri");
    const registered = client.redirectUris ?? [];
    let redirectUri: string;
    if (explicit !== null) {
      if (registered.length > 0 ? !registered.includes(explicit) : !/^https?:\/\//.test(explicit)) {
        return htmlPage(400, "redirect_uri matchar inte den registrerade adressen.");
      }
      redirectUri = explicit;
    } else if (registered.length > 0) {
      redirectUri = registered[0];
    } else {
      return htmlPage(400, "redirect_uri saknas.");
    }

    if (q.get("response_type") !== "code") return htmlPage(400, "response_type måste vara code.");
    const scope = q.get("scope");
    // Scopes are space-separated lowercase words ("companyinformation invoice"); commas etc. are an error.
    if (!scope || !scope.split(" ").every((s) => /^[a-z]+$/.test(s))) return htmlPage(400, "Ogiltigt scope.");
    if (!q.get("state")) return htmlPage(400, "state saknas.");
    if (q.get("account_type") !== null) return htmlPage(400, "account_type (servicekonton) stöds inte av simulatorn.");
    const tenantParam = q.get("tenant") ?? String(DEFAULT_TENANT_ID);
    const tenantId = /^\d+$/.test(tenantParam) ? Number(tenantParam) : NaN;
    if (!this.tenantExists(tenantId)) return htmlPage(400, "Okänd tenant.");

    const code = randomBytes(16).toString("hex");
    this.codes.set(code, {
      clientId: client.clientId,
      redirectUri,
      redirectUriExplicit: explicit !== null,
      scope,
      offline: q.get("access_type") === "offline",
      tenantId,
      expiresAt: Date.now() + CODE_TTL_MS,
    });
    const location = new URL(redirectUri);
    location.searchParams.set("code", code);
    location.searchParams.set("state", q.get("state")!);
    return { status: 302, headers: { Location: location.toString() }, body: "" };
  }

  private authenticateClient(authorization: string | undefined): OAuthClient | undefined {
    const m = /^Basic\s+(\S+)$/i.exec(authorization ?? "");
    if (!m) return undefined;
    const decoded = Buffer.from(m[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return undefined;
    const client = this.clients.get(decoded.slice(0, colon));
    return client && client.clientSecret === decoded.slice(colon + 1) ? client : undefined;
  }

  private issueTokens(clientId: string, tenantId: number, scope: string, offline: boolean): OAuthResponse {
    const now = Date.now();
    const ttlSeconds = Math.round(this.accessTtlMs / 1000);
    // Unsigned JWT-shaped token carrying tenantId (like the real JWTs); a random tail keeps it unguessable.
    const payload = { iss: "fortnox-simulator", tenantId, clientId, scope, iat: Math.floor(now / 1000), exp: Math.floor((now + this.accessTtlMs) / 1000), jti: randomUUID() };
    const accessToken = `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify(payload))}.${randomBytes(24).toString("base64url")}`;
    this.accessTokens.set(accessToken, { clientId, tenantId, scopes: new Set(scope.split(" ")), expiresAt: now + this.accessTtlMs });

    const body: Record<string, unknown> = { access_token: accessToken, expires_in: ttlSeconds, token_type: "bearer", scope };
    if (offline) {
      const refreshToken = randomUUID();
      this.refreshTokens.set(refreshToken, { clientId, tenantId, scope, expiresAt: now + REFRESH_TTL_MS, spent: false });
      body.refresh_token = refreshToken;
    }
    return { status: 200, body: JSON.stringify(body), contentType: "application/json" };
  }

  /** POST /oauth-v1/token */
  token(authorization: string | undefined, contentType: string | undefined, rawBody: string, counters: OAuthCounters): OAuthResponse {
    counters.tokenRequests++;
    const client = this.authenticateClient(authorization);
    if (!client) return invalidClient();
    if (!/^application\/x-www-form-urlencoded\b/i.test(contentType ?? "")) {
      return oauthError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
    }
    const form = new URLSearchParams(rawBody);
    const invalidGrant = (description: string) => {
      counters.invalidGrants++;
      return oauthError(400, "invalid_grant", description);
    };

    switch (form.get("grant_type")) {
      case "authorization_code": {
        const codeValue = form.get("code") ?? "";
        const code = this.codes.get(codeValue);
        // Single use: the code is gone after the first attempt, successful or not.
        this.codes.delete(codeValue);
        if (!code || code.expiresAt <= Date.now() || code.clientId !== client.clientId) {
          return invalidGrant("Invalid authorization code");
        }
        const redirectUri = form.get("redirect_uri");
        if (code.redirectUriExplicit ? redirectUri !== code.redirectUri : redirectUri !== null && redirectUri !== code.redirectUri) {
          return invalidGrant("Invalid redirect_uri");
        }
        return this.issueTokens(client.clientId, code.tenantId, code.scope, code.offline);
      }
      case "refresh_token": {
        const value = form.get("refresh_token") ?? "";
        const rt = this.refreshTokens.get(value);
        if (!rt || rt.spent || rt.expiresAt <= Date.now() || rt.clientId !== client.clientId) {
          return invalidGrant("Invalid refresh token");
        }
        // Rotation: the presented token is now spent; older access tokens stay valid until expiry.
        rt.spent = true;
        counters.refreshes++;
        return this.issueTokens(client.clientId, rt.tenantId, rt.scope, true);
      }
      case null:
        return oauthError(400, "invalid_request", "grant_type is required");
      default:
        return oauthError(400, "unsupported_grant_type", "The grant type is not supported");
    }
  }

  /** POST /oauth-v1/revoke — revokes a refresh token of the calling client (RFC 7009: 200 even if unknown). */
  revoke(authorization: string | undefined, rawBody: string): OAuthResponse {
    const client = this.authenticateClient(authorization);
    if (!client) return invalidClient();
    const token = new URLSearchParams(rawBody).get("token");
    if (!token) return oauthError(400, "invalid_request", "token is required");
    const rt = this.refreshTokens.get(token);
    if (rt && rt.clientId === client.clientId) rt.spent = true;
    return { status: 200, body: "" };
  }
}
