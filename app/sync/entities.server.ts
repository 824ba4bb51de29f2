import type { AccountingConnector, ArticleSpec } from "~/connectors/types";
import { db, isUniqueViolation } from "~/db.server";
import { withLock } from "~/lib/lock.server";
import { redis } from "~/lib/redis.server";

// Customers and articles are created on demand. The EntityMap cache answers most lookups without
// an API call; a miss is resolved under a lock per remote company and key, so two jobs for the
// same new customer never create it twice, and a remote search before the create recovers a
// customer whose creation we never got to record.

export interface EntityScope {
  shop: string;
  provider: string;
  /** The remote company: two shops booking into one Fortnox company share its customers. */
  tenantKey: string;
}

export async function ensureEntity(
  scope: EntityScope,
  kind: "customer" | "article",
  localKey: string,
  find: () => Promise<string | null>,
  create: () => Promise<string>,
): Promise<string> {
  const where = { shop_provider_kind_localKey: { shop: scope.shop, provider: scope.provider, kind, localKey } };
  const cached = await db().entityMap.findUnique({ where });
  if (cached) return cached.remoteId;
  return withLock(redis(), `lock:entity:${scope.provider}:${scope.tenantKey}:${kind}:${localKey}`, async () => {
    const again = await db().entityMap.findUnique({ where });
    if (again) return again.remoteId;
    const remoteId = (await find()) ?? (await create());
    try {
      await db().entityMap.create({ data: { shop: scope.shop, provider: scope.provider, kind, localKey, remoteId } });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    return remoteId;
  });
}

/** The article in the accounting system, from the cache or found or made there. */
export const ensureArticle = (scope: EntityScope, connector: Pick<AccountingConnector, "findArticle" | "createArticle">, spec: ArticleSpec) =>
  ensureEntity(scope, "article", spec.number, () => connector.findArticle(spec.number), () => connector.createArticle(spec));
