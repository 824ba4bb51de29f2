/**
 * The token bookkeeping both simulated identity servers share: pending authorization codes,
 * access tokens that expire, and single-use refresh tokens that can all be revoked at once.
 * Each simulator adds its own authorize/token endpoints on top.
 */
export class OAuthTokens<Code, Access extends { expiresAt: number }, Refresh extends { spent: boolean }> {
  protected codes = new Map<string, Code>();
  protected accessTokens = new Map<string, Access>();
  protected refreshTokens = new Map<string, Refresh>();

  reset(): void {
    this.codes.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  /** The token's grant if it is known and unexpired. */
  authenticate(token: string): Access | undefined {
    const t = this.accessTokens.get(token);
    return t && t.expiresAt > Date.now() ? t : undefined;
  }

  expireAccessTokens(): void {
    const now = Date.now();
    for (const t of this.accessTokens.values()) t.expiresAt = Math.min(t.expiresAt, now - 1);
  }

  /** The user revoked the integration: every refresh token becomes invalid. */
  revokeRefreshTokens(): void {
    for (const t of this.refreshTokens.values()) t.spent = true;
  }
}
