import { Session } from "@shopify/shopify-api";
import { decrypt, encrypt } from "~/lib/crypto.server";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { withLock } from "~/lib/lock.server";
import { redis } from "~/lib/redis.server";
import { log } from "~/lib/log.server";

// Expiring offline tokens come with single-use refresh tokens. The web process (via
// @shopify/shopify-app-remix) and the worker both load sessions through this storage, which
// refreshes a session that is about to expire under one per-shop Redis lock and stores the new
// pair before the lock is released. The library then always sees a fresh session and never
// refreshes on its own, so two processes cannot spend the same refresh token.
// Tokens are sealed (AES-256-GCM, bound to the shop) before they reach the database.

const REFRESH_WITHIN_MS = 6 * 60 * 1000; // the library itself refreshes within 5 minutes of expiry

export type Refresher = (shop: string, refreshToken: string) => Promise<Session>;

export class RefreshingSessionStorage implements SessionStorage {
  constructor(
    private readonly inner: SessionStorage,
    private readonly refresher: Refresher,
  ) {}

  storeSession(session: Session) { return this.inner.storeSession(seal(session, encrypt)); }
  deleteSession(id: string) { return this.inner.deleteSession(id); }
  deleteSessions(ids: string[]) { return this.inner.deleteSessions(ids); }
  async findSessionsByShop(shop: string) {
    return (await this.inner.findSessionsByShop(shop)).map((s) => seal(s, decrypt));
  }

  private async read(id: string): Promise<Session | undefined> {
    const stored = await this.inner.loadSession(id);
    return stored && seal(stored, decrypt);
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const session = await this.read(id);
    if (!session || !this.needsRefresh(session)) return session;
    return this.refreshUnderLock(session.shop, id, (current) => this.needsRefresh(current));
  }

  /**
   * Shopify refused this access token although our copy of its expiry says it is valid (it was
   * revoked or rotated early): refresh it, unless another process has already replaced it.
   */
  async refreshRejected(session: Session): Promise<void> {
    if (!session.refreshToken) return;
    await this.refreshUnderLock(session.shop, session.id, (current) => current.accessToken === session.accessToken);
  }

  private refreshUnderLock(shop: string, id: string, stillNeeded: (current: Session) => boolean): Promise<Session | undefined> {
    return withLock(redis(), `lock:shopify-refresh:${shop}`, async () => {
      const current = await this.read(id);
      if (!current?.refreshToken || !stillNeeded(current)) return current; // another process refreshed it
      const fresh = await this.refresher(current.shop, current.refreshToken);
      await this.storeSession(fresh);
      log.info("shopify offline token refreshed", { shop: current.shop });
      return fresh;
    });
  }

  private needsRefresh(s: Session): boolean {
    return !s.isOnline && Boolean(s.refreshToken) && s.isExpired(REFRESH_WITHIN_MS);
  }
}

function seal(session: Session, op: (value: string, context: string) => string): Session {
  const context = `${session.shop}|shopify`;
  const params = session.toObject();
  return new Session({
    ...params,
    accessToken: params.accessToken ? op(params.accessToken, context) : params.accessToken,
    refreshToken: params.refreshToken ? op(params.refreshToken, context) : params.refreshToken,
  });
}
