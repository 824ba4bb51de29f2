// Shopify's GraphQL cost bucket as it last reported it (extensions.cost.throttleStatus). Pure, so
// the wait is tested without a server.

export interface Bucket {
  available: number;
  max: number;
  restoreRate: number;
  /** When it was reported (ms). */
  at: number;
}

/** How long until the bucket holds `cost` points, by what it last told us (0 if it never did). */
export function waitFor(bucket: Bucket | undefined, cost: number, now = Date.now()): number {
  if (!bucket) return 0;
  const available = Math.min(bucket.max, bucket.available + ((now - bucket.at) / 1000) * bucket.restoreRate);
  return available >= cost ? 0 : Math.ceil(((cost - available) / bucket.restoreRate) * 1000);
}
