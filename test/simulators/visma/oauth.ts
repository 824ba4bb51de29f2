/**
 * Visma Online identity server (`/connect`, research B.2): IdentityServer-style authorization
 * code flow with single-use, rotating refresh tokens and 1-hour access tokens.
 *
 * Consent and company selection are skipped: /connect/authorize approves at once for the
 * company named by `?company=` (a simulator extension; default: the seeded company).
 * Token strings are never logged.
 */
import { randomBytes } from "node:crypto";
import { OAuthTokens } from "../shared/oauth-tokens.js";
import { DEFAULT_COMPANY_ID, type SimStats } from "./state.js";

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  redirectUris?: string[];
}

interface AuthCode {
  clientId: string;
  redirectUri: string;
  scope: string;
  companyId: string;
  expiresAt: number;
}

export interface AccessGrant {
  clientId: string;
  companyId: string;
  scopes: Set<string>;
  expiresAt: number;
}

interface RefreshToken {
  clientId: string;
  companyId: string;
  scope: string;
  /** Single use: set once exchanged (or revoked); any later use is invalid_grant, with no grace period. */
  spent: boolean;
}

export interface OAuthResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
  contentType: string;
}

const CODE_TTL_MS = 5 * 60 * 1000;

export const KNOWN_SCOPES = new Set([
  "ea:api", "offline_access", "ea:sales", "ea:sales_readonly", "ea:accounting", "ea:accounting_readonly", "ea:purchase", "ea:purchase_readonly",
]);

const json = (status: number, body: unknown): OAuthResponse => ({ status, body: JSON.stringify(body), contentType: "application/json; charset=UTF-8" });
const oauthError = (status: number, error: string) => json(status, { error });

/** A refused authorize request shows an error page and never redirects (the redirect target is not trusted). */
const errorPage = (message: string): OAuthResponse => ({
  status: 400,
  body: `<!doctype html><html><head><title>Visma Online</title></head><body><h1>Error</h1><p>${message.replace(/[<>&"]/g, "")}</p></body></html>`,
  contentType: "text/html; charset=UTF-8",
});

const token = () => randomBytes(32).toString("base64url");

export class OAuthStore extends OAuthTokens<AuthCode, AccessGrant, RefreshToken> {
  constructor(
    private readonly clients: Map<string, OAuthClient>,
    private readonly accessTtlMs: number,
    private readonly companyExists: (id: string) => boolean,
  ) {
    super();
  }

  /** GET /connect/authorize */
  authorize(q: URLSearchParams): OAuthResponse {
    const client = this.clients.get(q.get("client_id") ?? "");
    if (!client) return errorPage("Unknown client.");
    const redirectUri = q.get("redirect_uri");
    const registered = client.redirectUris ?? [];
    // A client configured without redirect URIs accepts any http(s) URI, so ad-hoc test clients need no setup.
    const allowed = redirectUri !== null && (registered.length > 0 ? registered.includes(redirectUri) : /^https?:\/\//.test(redirectUri));
    if (!allowed) return errorPage("Invalid redirect_uri.");
    if (q.get("response_type") !== "code") return errorPage("Unsupported response_type.");
    const companyId = q.get("company") ?? DEFAULT_COMPANY_ID;
    if (!this.companyExists(companyId)) return errorPage("Unknown company.");

    // From here on the redirect URI is trusted, so errors go back to the client (RFC 6749 4.1.2.1).
    const location = new URL(redirectUri);
    const state = q.get("state");
    const scope = q.get("scope") ?? "";
    const scopes = scope.split(" ").filter(Boolean);
    if (!scopes.includes("ea:api") || scopes.some((s) => !KNOWN_SCOPES.has(s))) {
      location.searchParams.set("error", "invalid_scope");
    } else {
      const code = token();
      this.codes.set(code, { clientId: client.clientId, redirectUri, scope: scopes.join(" "), companyId, expiresAt: Date.now() + CODE_TTL_MS });
      location.searchParams.set("code", code);
    }
    if (state !== null) location.searchParams.set("state", state);
    return { status: 302, headers: { Location: location.toString() }, body: "", contentType: "text/plain; charset=UTF-8" };
  }

  /** Basic header, or client_id + client_secret in the form; both present and different is refused. */
  private authenticateClient(authorization: string | undefined, form: URLSearchParams): OAuthClient | undefined {
    let header: [string, string] | undefined;
    const m = /^Basic\s+(\S+)$/i.exec(authorization ?? "");
    if (m) {
      const decoded = Buffer.from(m[1], "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon < 0) return undefined;
      try {
        // RFC 6749 2.3.1: id and secret are form-encoded before they are joined.
        header = [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
      } catch {
        return undefined;
      }
    } else if (authorization !== undefined) return undefined;
    const formId = form.get("client_id");
    const formSecret = form.get("client_secret");
    const fromForm: [string, string] | undefined = formId !== null ? [formId, formSecret ?? ""] : undefined;
    if (header && fromForm && (header[0] !== fromForm[0] || (formSecret !== null && header[1] !== fromForm[1]))) return undefined;
    const [id, secret] = header ?? fromForm ?? ["", ""];
    const client = this.clients.get(id);
    return client && client.clientSecret === secret ? client : undefined;
  }

  private issue(clientId: string, companyId: string, scope: string): OAuthResponse {
    const scopes = new Set(scope.split(" "));
    const accessToken = token();
    this.accessTokens.set(accessToken, { clientId, companyId, scopes, expiresAt: Date.now() + this.accessTtlMs });
    const body: Record<string, unknown> = { access_token: accessToken, expires_in: Math.round(this.accessTtlMs / 1000), token_type: "Bearer" };
    if (scopes.has("offline_access")) {
      const refreshToken = token();
      this.refreshTokens.set(refreshToken, { clientId, companyId, scope, spent: false });
      body.refresh_token = refreshToken;
    }
    body.scope = scope;
    return json(200, body);
  }

  /** POST /connect/token */
  token(authorization: string | undefined, contentType: string | undefined, rawBody: string, stats: SimStats): OAuthResponse {
    stats.tokenRequests++;
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType ?? "")) return oauthError(400, "invalid_request");
    const form = new URLSearchParams(rawBody);
    const client = this.authenticateClient(authorization, form);
    if (!client) return oauthError(401, "invalid_client");
    const invalidGrant = () => {
      stats.invalidGrants++;
      return oauthError(400, "invalid_grant");
    };

    switch (form.get("grant_type")) {
      case "authorization_code": {
        const value = form.get("code") ?? "";
        const code = this.codes.get(value);
        // Single use: gone after the first attempt, successful or not.
        this.codes.delete(value);
        if (!code || code.expiresAt <= Date.now() || code.clientId !== client.clientId || form.get("redirect_uri") !== code.redirectUri) return invalidGrant();
        return this.issue(client.clientId, code.companyId, code.scope);
      }
      case "refresh_token": {
        const rt = this.refreshTokens.get(form.get("refresh_token") ?? "");
        if (!rt || rt.spent || rt.clientId !== client.clientId || !this.companyExists(rt.companyId)) return invalidGrant();
        rt.spent = true;
        stats.refreshes++;
        return this.issue(client.clientId, rt.companyId, rt.scope);
      }
      case null:
        return oauthError(400, "invalid_request");
      default:
        return oauthError(400, "unsupported_grant_type");
    }
  }
}
