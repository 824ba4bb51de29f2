import { describe, expect, it } from "vitest";
import { invoiceDocument } from "~/domain/invoice-document";
import { differences, expectedOf } from "~/domain/mapping-test";
import { mappingSettingsSchema } from "~/domain/settings";
import { shopifyOrderSchema } from "~/domain/shopify-order";
import { fixtureOrder } from "../helpers/orders";

// A mapping test compares what the merchant sees of a document; these check that a rule's change
// shows as the field that changed, and that an unchanged document shows nothing.

const order = shopifyOrderSchema.parse(fixtureOrder("simple-1001.json"));
const bookAs = (template: string, extra: Record<string, unknown> = {}) => {
  const settings = mappingSettingsSchema.parse({ rules: [{ name: "r", set: [{ field: "remarks", template }] }], ...extra });
  const r = invoiceDocument({ order, settings, provider: "fortnox" });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return expectedOf(r.document);
};

describe("mapping tests", () => {
  it("find no difference when the rules give the same document", () => {
    expect(differences(bookAs("Order {{ order.name }}"), bookAs("Order {{ order.name }}"))).toEqual([]);
  });

  it("name the field a rule changed, with the expected and the new value", () => {
    expect(differences(bookAs("Order {{ order.name }}"), bookAs("Ordern {{ order.name }}"))).toEqual([`fields.remarks: "Order ${order.name}" → "Ordern ${order.name}"`]);
  });

  it("see a changed account on every row it moves, and a field that appears", () => {
    const before = bookAs("x");
    const after = bookAs("x", { accounts: { domestic: { "25": "3011", "12": "3002", "6": "3003", "0": "3004" } } });
    const found = differences(before, after);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => /^rows\[\d+\]\.account: "3001" → "3011"$/.test(d))).toBe(true);
    const withComment = invoiceDocument({ order, settings: mappingSettingsSchema.parse({ rules: [{ name: "r", set: [{ field: "remarks", template: "x" }, { field: "comments", template: "c" }] }] }), provider: "fortnox" });
    expect(withComment.ok && differences(before, expectedOf(withComment.document))).toEqual(['fields.comments: (none) → "c"']);
  });
});
