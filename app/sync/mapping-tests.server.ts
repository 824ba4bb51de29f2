import { db } from "~/db.server";
import { invoiceDocument } from "~/domain/invoice-document";
import { differences, expectedOf, type ExpectedDocument } from "~/domain/mapping-test";
import { shopifyOrderSchema } from "~/domain/shopify-order";
import { withBarcodes } from "~/shopify/variant-barcodes.server";
import { findOrder, metafieldsFor, withRules, type RulesContext } from "./preview.server";
import { saveSettings, type SaveResult } from "./settings.server";

// Mapping tests: a previewed order saved with the document it should become. Saving rules re-runs
// every test with the new rules, on the order and metafields as they were saved (no Shopify call),
// through the worker's own invoiceDocument step; a test whose document changed stops the save
// until the merchant confirms the change, which then becomes the test's expectation.

export interface TestRun {
  id: string;
  name: string;
  orderName: string | null;
  passed: boolean;
  /** "path: expected → actual", or why the order no longer books. */
  differences: string[];
}

export async function listMappingTests(shop: string) {
  return db().mappingTest.findMany({ where: { shop }, orderBy: { createdAt: "asc" }, select: { id: true, name: true, orderName: true, createdAt: true } });
}

export type SaveTestResult = { ok: true; id: string } | { ok: false; reason: "order_not_found" | "rules_invalid" | "not_bookable" };

export async function saveMappingTest(shop: string, order: string, rules: unknown, name?: string): Promise<SaveTestResult> {
  const { provider, settings, issues } = await withRules(shop, rules);
  if (issues.some((i) => i.severity === "error")) return { ok: false, reason: "rules_invalid" };
  const found = await findOrder(shop, order);
  if (!found) return { ok: false, reason: "order_not_found" };
  // Kept with the barcodes read now: the test replays the order as it was booked.
  const parsed = shopifyOrderSchema.parse(JSON.parse(found.payload));
  const payload = await withBarcodes(shop, parsed, settings);
  const metafields = await metafieldsFor(shop, payload, settings);
  const result = invoiceDocument({ order: payload, settings, provider, metafields });
  if (!result.ok) return { ok: false, reason: "not_bookable" };
  const data = {
    name: (name?.trim() || found.name || found.orderId).slice(0, 100),
    orderName: found.name,
    payload: payload === parsed ? found.payload : JSON.stringify(payload),
    metafields: metafields ? JSON.stringify(metafields) : null,
    expected: JSON.stringify(expectedOf(result.document)),
  };
  const saved = await db().mappingTest.upsert({ where: { shop_orderId: { shop, orderId: found.orderId } }, create: { shop, orderId: found.orderId, ...data }, update: data });
  return { ok: true, id: saved.id };
}

export async function deleteMappingTest(shop: string, id: string): Promise<boolean> {
  return (await db().mappingTest.deleteMany({ where: { shop, id } })).count > 0;
}

/** Every saved test under these rules (the stored settings when they do not validate). */
export async function runMappingTests(shop: string, { provider, settings }: RulesContext): Promise<(TestRun & { actual?: ExpectedDocument })[]> {
  const tests = await db().mappingTest.findMany({ where: { shop }, orderBy: { createdAt: "asc" } });
  return tests.map((t) => {
    const result = invoiceDocument({
      order: shopifyOrderSchema.parse(JSON.parse(t.payload)), settings, provider,
      metafields: t.metafields ? (JSON.parse(t.metafields) as Record<string, string>) : undefined,
    });
    const base = { id: t.id, name: t.name, orderName: t.orderName };
    if (!result.ok) return { ...base, passed: false, differences: result.issues.map((i) => i.message) };
    const actual = expectedOf(result.document);
    const found = differences(JSON.parse(t.expected) as ExpectedDocument, actual);
    return { ...base, passed: found.length === 0, differences: found, actual };
  });
}

export type SaveRulesResult = SaveResult | { ok: false; testsFailed: TestRun[] };

/**
 * Saves the rules when every mapping test still gives its document, or when the merchant confirmed
 * the changes; confirmed tests then expect their new documents.
 */
export async function saveRules(shop: string, rules: unknown, confirmed: boolean): Promise<SaveRulesResult> {
  const runs = await runMappingTests(shop, await withRules(shop, rules));
  const failed = runs.filter((r) => !r.passed);
  if (failed.length && !confirmed) return { ok: false, testsFailed: failed.map(({ actual: _, ...r }) => r) };
  const saved = await saveSettings(shop, { rules });
  if (saved.ok) {
    for (const r of failed) if (r.actual) await db().mappingTest.updateMany({ where: { shop, id: r.id }, data: { expected: JSON.stringify(r.actual) } });
  }
  return saved;
}
