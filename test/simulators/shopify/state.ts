// In-memory state of the simulated Shopify platform: issued tokens, known orders per shop,
// app-written metafields and tags, the webhook delivery log and counters.
import { randomBytes } from "node:crypto";

/** The app's numeric id; `$app` namespaces resolve to `app--<id>` (Shopify's app-reserved prefix). */
export const SIM_APP_ID = 1234567;

export type JsonObject = Record<string, unknown>;

export interface AccessTokenRecord {
  token: string;
  shop: string;
  kind: "offline" | "online";
  scope: string;
  issuedAt: number;
  /** epoch ms; null = non-expiring offline token */
  expiresAt: number | null;
  revoked: boolean;
  userId?: number;
}

export interface RefreshTokenRecord {
  token: string;
  shop: string;
  familyId: string;
  expiresAt: number;
}

/** One chain of rotating refresh tokens (one per token-exchange grant). */
export interface RefreshFamily {
  id: string;
  shop: string;
  scope: string;
  current: string;
  /** still accepted until `current` has been used (Shopify's grace rule for lost responses) */
  previous: string | null;
}

export interface StoredMetafield {
  kind: "Metafield";
  id: string;
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

/** One payment-side event on an order (Admin API OrderTransaction); amounts are decimal strings, never floats. */
export interface StoredTransaction {
  id: number;
  /** OrderTransactionKind, e.g. SALE, REFUND */
  kind: string;
  /** OrderTransactionStatus, e.g. SUCCESS, PENDING */
  status: string;
  gateway: string;
  shopAmount: string;
  shopCurrency: string;
  presentmentAmount: string;
  presentmentCurrency: string;
  /** ISO timestamp as given (any offset); null = not processed */
  processedAt: string | null;
  createdAt: string;
  test: boolean;
  parentId: number | null;
}

export interface DeliveryLogEntry {
  topic: string;
  uri: string;
  webhookId: string;
  eventId: string;
  status: number;
  ms: number;
  at: string;
  /** "control" = sent through POST /__sim/webhooks, "platform" = fired by the simulator (orders/updated after a write) */
  source: "control" | "platform";
}

export interface MutationLogEntry {
  at: string;
  operation: "metafieldsSet" | "tagsAdd" | "tagsRemove";
  ownerId: string;
}

export interface ShopState {
  domain: string;
  numericId: number;
  /** order gid -> REST-shaped order payload (as last sent or changed) */
  orders: Map<string, JsonObject>;
  /** owner gid -> "namespace.key" -> metafield */
  metafields: Map<string, Map<string, StoredMetafield>>;
  /** order gids whose tags were changed through the Admin API */
  tagWrites: Set<string>;
  /** order gid -> its transactions, once set through the control API or a refund; otherwise derived from the order */
  transactions: Map<string, StoredTransaction[]>;
  /** order gid -> id of its derived default transaction, so the id stays the same between reads */
  defaultTransactionIds: Map<string, number>;
  mutations: MutationLogEntry[];
  deliveries: DeliveryLogEntry[];
  bucket: { available: number; at: number };
}

export interface SimStats {
  graphqlRequests: number;
  tokenExchanges: number;
  refreshes: number;
  invalidGrants: number;
  unauthorized: number;
  throttled: number;
  webhooksSent: number;
}

export function randomToken(prefix: string): string {
  return `${prefix}${randomBytes(16).toString("hex")}`;
}

function hashDomain(domain: string): number {
  let h = 0;
  for (const c of domain) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return 60000000000 + (h % 1000000000);
}

export class SimState {
  accessTokens = new Map<string, AccessTokenRecord>();
  refreshTokens = new Map<string, RefreshTokenRecord>();
  refreshFamilies = new Map<string, RefreshFamily>();
  shops = new Map<string, ShopState>();
  stats: SimStats = { graphqlRequests: 0, tokenExchanges: 0, refreshes: 0, invalidGrants: 0, unauthorized: 0, throttled: 0, webhooksSent: 0 };
  private idCounter = 0;

  constructor(private readonly bucketMax: number) {}

  nextId(base: number): number {
    this.idCounter += 1;
    return base + this.idCounter;
  }

  shop(domain: string): ShopState {
    let s = this.shops.get(domain);
    if (!s) {
      s = {
        domain,
        numericId: hashDomain(domain),
        orders: new Map(),
        metafields: new Map(),
        tagWrites: new Set(),
        transactions: new Map(),
        defaultTransactionIds: new Map(),
        mutations: [],
        deliveries: [],
        bucket: { available: this.bucketMax, at: Date.now() },
      };
      this.shops.set(domain, s);
    }
    return s;
  }

  reset(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.refreshFamilies.clear();
    this.shops.clear();
    for (const k of Object.keys(this.stats) as (keyof SimStats)[]) this.stats[k] = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// order payload helpers

export function splitTags(tags: unknown): string[] {
  if (Array.isArray(tags)) return tags.map(String).map((t) => t.trim()).filter(Boolean);
  if (typeof tags !== "string") return [];
  return tags
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}

export function joinTags(tags: string[]): string {
  return tags.join(", ");
}

/** The offset of an ISO timestamp ("+01:00", "Z"), used to keep the shop's local offset on bumps. */
function offsetMinutes(iso: unknown): number {
  if (typeof iso !== "string") return 0;
  const m = /([+-])(\d{2}):(\d{2})$/.exec(iso);
  if (!m) return 0;
  const v = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === "-" ? -v : v;
}

export function formatWithOffset(ms: number, offsetMin: number): string {
  const local = new Date(ms + offsetMin * 60000);
  const pad = (n: number) => String(n).padStart(2, "0");
  const sign = offsetMin < 0 ? "-" : "+";
  const abs = Math.abs(offsetMin);
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** Sets `updated_at` to now (in the order's own offset), strictly later than the previous value. */
export function bumpUpdatedAt(order: JsonObject): void {
  const prev = typeof order.updated_at === "string" ? Date.parse(order.updated_at) : NaN;
  let now = Math.floor(Date.now() / 1000) * 1000;
  if (!Number.isNaN(prev) && now <= prev) now = prev + 1000;
  order.updated_at = formatWithOffset(now, offsetMinutes(order.updated_at ?? order.created_at));
}

/** Shopify serialises Decimal without trailing zeros beyond one decimal ("49.0", "12.5"). */
export function graphqlDecimal(amount: unknown): string {
  const s = String(amount ?? "0");
  if (!/^-?\d+(\.\d+)?$/.test(s)) return s;
  const [int, frac = ""] = s.split(".");
  const trimmed = frac.replace(/0+$/, "");
  return `${int}.${trimmed || "0"}`;
}

export function toUtcIso(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return null;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function resolveAppNamespace(namespace: string): string {
  if (namespace === "$app") return `app--${SIM_APP_ID}`;
  if (namespace.startsWith("$app:")) return `app--${SIM_APP_ID}--${namespace.slice(5)}`;
  return namespace;
}
