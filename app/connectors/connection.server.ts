import { db } from "~/db.server";
import { decrypt, encrypt } from "~/lib/crypto.server";
import { withLock } from "~/lib/lock.server";
import { log } from "~/lib/log.server";
import { redis } from "~/lib/redis.server";
import { connectionLost } from "~/sync/alerts.server";
import { authError } from "./errors";
import type { TokenSet } from "./oauth.server";
import type { CallCounter, Provider } from "./types";

// A merchant's connection to an accounting system and its tokens. Access tokens are refreshed
// under one Redis lock per connection shared by all processes; the new pair is stored before the
// lock is released, because the refresh token it replaces can never be used again.

const REFRESH_BEFORE_MS = 120_000;

export interface ConnectionRow {
  id: string;
  shop: string;
  provider: string;
  status: string;
  tenantId: string | null;
  accessTokenEnc: string | null;
  refreshTokenEnc: string | null;
  expiresAt: Date | null;
}

const sealContext = (c: { shop: string; provider: string }) => `${c.shop}|${c.provider}`;

export function sealTokens(c: { shop: string; provider: string }, t: TokenSet) {
  return {
    accessTokenEnc: encrypt(t.accessToken, sealContext(c)),
    refreshTokenEnc: encrypt(t.refreshToken, sealContext(c)),
    expiresAt: t.expiresAt,
    scope: t.scope ?? null,
  };
}

export async function loadConnection(shop: string, provider: Provider): Promise<ConnectionRow | null> {
  return db().connection.findUnique({ where: { shop_provider: { shop, provider } } });
}

/**
 * Mark a connection as needing the merchant and pause its jobs: nothing fails, nothing is lost.
 * Only while it still holds `authorisation` (the refresh token the failing run saw), so a failure
 * of the old authorisation cannot undo the merchant's reconnecting. Returns whether it flagged.
 */
export async function requireReauth(connection: ConnectionRow, reason: string, authorisation?: string | null): Promise<boolean> {
  const flagged = await db().$transaction(async (tx) => {
    const marked = await tx.connection.updateMany({
      where: { id: connection.id, status: "active", ...(authorisation === undefined ? {} : { refreshTokenEnc: authorisation }) },
      data: { status: "reauth_required", lastError: reason },
    });
    if (!marked.count) return false;
    await tx.syncJob.updateMany({
      where: { shop: connection.shop, provider: connection.provider, status: { in: ["pending", "retrying", "running"] } },
      data: { status: "paused", lastError: reason, lastErrorCode: "reauth_required" },
    });
    return true;
  });
  if (flagged) log.warn("connection needs re-authorisation; its jobs are paused", { provider: connection.provider, reason });
  if (flagged) await connectionLost(connection);
  return flagged;
}

export class TokenSource {
  // The token this job last used, so a run makes one database read for it, not one per call.
  private current?: { token: string; expiresAt: Date | null };

  constructor(
    private readonly connectionId: string,
    private readonly refresh: (refreshToken: string) => Promise<TokenSet>,
    private readonly run: CallCounter = { calls: 0 },
  ) {}

  private async load(): Promise<ConnectionRow> {
    const c = await db().connection.findUnique({ where: { id: this.connectionId } });
    if (!c) throw authError("the accounting connection was removed", "disconnected");
    this.run.authorisation = c.refreshTokenEnc;
    if (c.status !== "active") throw authError(`the accounting connection is ${c.status}`, c.status);
    return c;
  }

  /**
   * A valid access token. `rejected` is the token the API just refused with 401: then refresh
   * even if its expiry looks fine, unless another process already replaced it.
   */
  async accessToken(rejected?: string): Promise<string> {
    const fresh = (t: { expiresAt: Date | null }) => t.expiresAt !== null && t.expiresAt.getTime() - Date.now() > REFRESH_BEFORE_MS;
    if (!rejected && this.current && fresh(this.current)) return this.current.token;
    const c = await this.load();
    if (!rejected && fresh(c) && c.accessTokenEnc) return this.remember(decrypt(c.accessTokenEnc, sealContext(c)), c.expiresAt);

    return withLock(redis(), `lock:token:${this.connectionId}`, async () => {
      const row = await this.load();
      const current = row.accessTokenEnc ? decrypt(row.accessTokenEnc, sealContext(row)) : undefined;
      if (current && fresh(row) && current !== rejected) return this.remember(current, row.expiresAt);
      if (!row.refreshTokenEnc) throw authError("no refresh token stored; reconnect", "no_refresh_token");
      const tokens = await this.refresh(decrypt(row.refreshTokenEnc, sealContext(row)));
      const sealed = sealTokens(row, tokens);
      await db().connection.update({ where: { id: row.id }, data: { ...sealed, lastError: null } });
      this.run.authorisation = sealed.refreshTokenEnc;
      log.info("access token refreshed", { provider: row.provider });
      return this.remember(tokens.accessToken, tokens.expiresAt);
    });
  }

  private remember(token: string, expiresAt: Date | null): string {
    this.current = { token, expiresAt };
    return token;
  }
}
