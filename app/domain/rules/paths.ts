import type { ShopifyOrder } from "../shopify-order";
import type { PathNode } from "./template";

// What a template can read: the validated Shopify order, its note attributes and the metafields
// the job fetched, its customer and addresses. The list of known names is explicit so a typo
// (`order.nmae`) is caught when the rule is saved, not discovered as an empty invoice field.

/** A template value: text (numbers are decimal text), a list (tags, split), or nothing. */
export type Value = string | string[] | null;

export interface RuleContext {
  order: ShopifyOrder;
  /** "namespace.key" → value, as fetched for the rules that read them. */
  metafields?: Record<string, string>;
}

const ORDER_FIELDS = [
  "id", "name", "order_number", "email", "phone", "note", "tags", "currency", "presentment_currency",
  "total_price", "subtotal_price", "total_tax", "total_discounts", "total_tip_received", "taxes_included",
  "financial_status", "fulfillment_status", "source_name", "created_at", "processed_at", "po_number",
  "admin_graphql_api_id", "payment_gateway_names",
] as const;
const CUSTOMER_FIELDS = ["id", "email", "first_name", "last_name", "name", "phone", "note", "tags"] as const;
const ADDRESS_FIELDS = [
  "first_name", "last_name", "name", "company", "address1", "address2", "zip", "city", "province", "province_code",
  "country", "country_code", "phone",
] as const;

/** Every plain path, for suggestions and the admin's help. Note attributes and metafields take names of their own. */
export const KNOWN_PATHS: string[] = [
  ...ORDER_FIELDS.map((f) => `order.${f}`),
  "order.note_attributes.<name>",
  "order.metafields.<namespace>.<key>",
  ...CUSTOMER_FIELDS.map((f) => `customer.${f}`),
  ...ADDRESS_FIELDS.map((f) => `shipping_address.${f}`),
  ...ADDRESS_FIELDS.map((f) => `billing_address.${f}`),
];
const PLAIN = new Set(KNOWN_PATHS.filter((p) => !p.includes("<")));

export type PathProblem = { code: "unknown_path"; suggestion?: string } | { code: "path_needs_name"; expected: string };

/** Why a path cannot be read, or null when it can. */
export function checkPath(path: PathNode): PathProblem | null {
  const [root, field, ...rest] = path.segments;
  if (root === "order" && field === "note_attributes") {
    return rest.length === 1 ? null : { code: "path_needs_name", expected: "order.note_attributes.<name>" };
  }
  if (root === "order" && field === "metafields") {
    return rest.length === 2 ? null : { code: "path_needs_name", expected: "order.metafields.<namespace>.<key>" };
  }
  const text = path.segments.join(".");
  if (PLAIN.has(text)) return null;
  return { code: "unknown_path", suggestion: closest(text, [...PLAIN, "order.note_attributes", "order.metafields"]) };
}

/** The `namespace.key` a metafield path reads, or null for other paths. */
export function metafieldKeyOf(path: PathNode): string | null {
  const [root, field, ns, key] = path.segments;
  return root === "order" && field === "metafields" && ns && key && path.segments.length === 4 ? `${ns}.${key}` : null;
}

const text = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return null;
};

/** Shopify's tags are one comma-separated string. */
export const tagsOf = (tags: string | null | undefined): string[] => (tags ?? "").split(",").map((t) => t.trim()).filter(Boolean);

export function resolvePath(segments: string[], ctx: RuleContext): Value {
  const { order } = ctx;
  const [root, field, ...rest] = segments;
  const record = (o: unknown) => (o && typeof o === "object" ? (o as Record<string, unknown>) : undefined);
  switch (root) {
    case "order": {
      if (field === "note_attributes") return text(order.note_attributes.find((a) => a.name === rest[0])?.value);
      if (field === "metafields") return ctx.metafields?.[`${rest[0]}.${rest[1]}`] ?? null;
      if (field === "tags") return tagsOf(order.tags);
      const value = record(order)?.[field];
      return Array.isArray(value) ? value.map(String) : text(value);
    }
    case "customer": {
      const c = record(order.customer);
      if (!c) return null;
      if (field === "name") return [c.first_name, c.last_name].map(text).filter(Boolean).join(" ") || null;
      if (field === "tags") return tagsOf(text(c.tags));
      return text(c[field]);
    }
    case "shipping_address":
    case "billing_address":
      return text(record(order[root])?.[field]);
  }
  return null;
}

/** Levenshtein distance, for "did you mean". */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The candidate a typo most likely meant, if one is close enough to suggest. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) { best = c; bestDistance = d; }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
