import type { Provider } from "~/connectors/types";
import { db } from "~/db.server";
import type { AccountingDocument } from "~/domain/accounting";
import { invoiceDocument } from "~/domain/invoice-document";
import { metafieldsReferenced, validateRules, type RuleIssue } from "~/domain/rules";
import { mappingSettingsSchema, type MappingSettings } from "~/domain/settings";
import { shopifyOrderSchema, type ShopifyOrder } from "~/domain/shopify-order";
import { orderMetafields } from "~/shopify/order-metafields.server";
import { ordersPage, shopTimezone } from "~/shopify/order-reads.server";
import { withBarcodes } from "~/shopify/variant-barcodes.server";
import { loadSettings } from "./settings.server";
import { currentTarget } from "./target.server";

// The live preview: the document an order would be booked as under rules the merchant has not
// saved yet, computed by the same invoiceDocument step the worker runs, from the order as Shopify
// sent it to us.

export interface PreviewOrder {
  orderId: string;
  name: string;
}

/** The shop's recent orders that can be previewed (those Kontera has received). */
export async function previewableOrders(shop: string): Promise<PreviewOrder[]> {
  const jobs = await db().syncJob.findMany({
    where: { shop, kind: "invoice" },
    orderBy: { createdAt: "desc" },
    take: 25,
    select: { subjectId: true, subjectName: true },
  });
  return jobs.map((j) => ({ orderId: j.subjectId, name: j.subjectName ?? j.subjectId }));
}

export type Preview =
  /** `document` is absent when the order itself cannot be mapped (mappingIssues say why). */
  | { ok: true; provider: Provider; document?: AccountingDocument; issues: RuleIssue[]; mappingIssues: { message: string; messageSv: string }[] }
  | { ok: false; reason: "order_not_found" | "rules_invalid"; issues: RuleIssue[] };

/**
 * The order to preview: as Kontera received it, else read from Shopify (GraphQL, the backfill's
 * converter), so any order of the shop can be previewed before Kontera ever saw it.
 */
export async function findOrder(shop: string, order: string): Promise<{ orderId: string; name: string | null; payload: string } | null> {
  const job = await findOrderJob(shop, order);
  if (job) return { orderId: job.subjectId, name: job.subjectName, payload: job.payload };
  const q = order.trim();
  // Order ids are long (13 digits today); what merchants type as a number is the order's number.
  const id = /^\d{11,}$/.test(q) ? q : /^gid:\/\/shopify\/Order\/(\d+)$/.exec(q)?.[1];
  const search = id ? `id:${id}` : /^#?[\w-]{1,40}$/.test(q) ? `name:${q.startsWith("#") ? q : `#${q}`}` : null;
  if (!search) return null;
  const found = (await ordersPage(shop, search, null, await shopTimezone(shop))).orders[0];
  return found ? { orderId: found.admin_graphql_api_id, name: found.name, payload: JSON.stringify(found) } : null;
}

/** Order ids as the admin shows them: a gid, or the number in it, or the order's name (#1001). */
async function findOrderJob(shop: string, order: string) {
  const q = order.trim().slice(0, 100);
  const gid = /^\d+$/.test(q) ? `gid://shopify/Order/${q}` : q;
  return (
    (await db().syncJob.findFirst({ where: { shop, kind: "invoice", subjectId: gid }, orderBy: { createdAt: "desc" } })) ??
    (await db().syncJob.findFirst({ where: { shop, kind: "invoice", subjectName: q.startsWith("#") ? q : `#${q}` }, orderBy: { createdAt: "desc" } }))
  );
}

/** The shop's settings with other rules in them, the system they would book into, and the rules' issues. */
export interface RulesContext {
  provider: Provider;
  settings: MappingSettings;
  issues: RuleIssue[];
}

export async function withRules(shop: string, rules: unknown): Promise<RulesContext> {
  const [{ target }, stored] = await Promise.all([currentTarget(shop), loadSettings(shop)]);
  const provider = target as Provider;
  const issues = validateRules(rules, provider);
  const settings = issues.some((i) => i.severity === "error") ? stored.settings : mappingSettingsSchema.parse({ ...stored.settings, rules });
  return { provider, settings, issues };
}

/** The shop's saved settings and target: what the worker would book under now. */
export async function savedRules(shop: string): Promise<RulesContext> {
  const [{ target }, stored] = await Promise.all([currentTarget(shop), loadSettings(shop)]);
  return { provider: target as Provider, settings: stored.settings, issues: [] };
}

/** The metafields the rules read, from Shopify, as the worker reads them. */
export async function metafieldsFor(shop: string, order: ShopifyOrder, settings: MappingSettings): Promise<Record<string, string> | undefined> {
  const keys = metafieldsReferenced(settings.rules);
  return keys.length ? orderMetafields(shop, order.admin_graphql_api_id, keys) : undefined;
}

export async function previewOrder(shop: string, order: string, { provider, settings, issues }: RulesContext): Promise<Preview> {
  if (issues.some((i) => i.severity === "error")) return { ok: false, reason: "rules_invalid", issues };
  const found = await findOrder(shop, order);
  if (!found) return { ok: false, reason: "order_not_found", issues };
  const payload = await withBarcodes(shop, shopifyOrderSchema.parse(JSON.parse(found.payload)), settings);
  const metafields = await metafieldsFor(shop, payload, settings);
  const result = invoiceDocument({ order: payload, settings, provider, metafields });
  if (result.ok) return { ok: true, provider, document: result.document, issues: [...issues, ...result.warnings], mappingIssues: [] };
  const mappingIssues = result.issues.map((i) => ({ message: i.message, messageSv: i.messageSv }));
  return { ok: true, provider, document: result.document, issues: [...issues, ...result.ruleIssues], mappingIssues };
}
