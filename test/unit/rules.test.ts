import { describe, expect, it } from "vitest";
import { fortnoxCustomerBody, fortnoxInvoiceBody, fortnoxOrderBody } from "~/connectors/fortnox/payload";
import { planVismaDocument, vismaCustomerBody, vismaDraftBody, vismaOrderBody } from "~/connectors/visma/payload";
import type { AccountingDocument } from "~/domain/accounting";
import { mapCancellationCredit } from "~/domain/credit";
import { invoiceDocument } from "~/domain/invoice-document";
import { mapOrderToInvoice } from "~/domain/mapping";
import {
  applyRules, CONDITION_HELP, rulesForSaving, COMPARISON_HELP, FIELD_INFO, FILTER_HELP, fieldsFor, metafieldsReferenced, rulesSchema, validateRules,
  type RuleCondition, type RuleField, type RuleInput,
} from "~/domain/rules";
import { mappingSettingsSchema, settingsFromShop } from "~/domain/settings";
import { shopifyOrderSchema, type ShopifyOrder } from "~/domain/shopify-order";
import { catalog } from "~/i18n";
import { fixtureOrder } from "../helpers/orders";

// The mapping rules engine: templates, filters, conditions, validation that points at the
// mistake, and the fields landing where each accounting system takes them.

const order = (patch: Record<string, unknown> = {}): ShopifyOrder => shopifyOrderSchema.parse({ ...fixtureOrder("simple-1001.json"), ...patch });
const settings = mappingSettingsSchema.parse({});
const mapped = (o: ShopifyOrder): AccountingDocument => {
  const m = mapOrderToInvoice(o, settings);
  if (!m.ok) throw new Error(JSON.stringify(m.issues));
  return m.document;
};
const rules = (input: RuleInput[]) => rulesSchema.parse(input);
const rule = (set: [RuleField, string][], when: RuleCondition[] = [], name = "r"): RuleInput => ({ name, when, set: set.map(([field, template]) => ({ field, template })) });

/** The text a template gives for the order, through the whole engine (validation included). */
function render(template: string, o: ShopifyOrder = order(), metafields?: Record<string, string>) {
  // The document is the fixture's; the template reads `o`, so an order need not map to test a template.
  const { document, issues } = applyRules(mapped(order()), rules([rule([["remarks", template]])]), { order: o, metafields, provider: "fortnox" });
  return { value: document.fields?.remarks, issues };
}
const value = (template: string, o?: ShopifyOrder, metafields?: Record<string, string>) => {
  const r = render(template, o, metafields);
  expect(r.issues).toEqual([]);
  return r.value;
};

describe("templates", () => {
  it("reads the order, note attributes, metafields, customer and addresses, with literal text around tags", () => {
    const o = order({ note_attributes: [{ name: "PO-nummer", value: "po-77" }, { name: "Kontakt person", value: "Eva" }], tags: "vip, Grossist" });
    expect(value("Order {{ order.name }} ({{ order.order_number }})", o)).toBe("Order #1001 (1001)");
    expect(value("{{ order.note_attributes.PO-nummer }}", o)).toBe("po-77");
    expect(value("{{ order.note_attributes[\"Kontakt person\"] }}", o)).toBe("Eva");
    expect(value("{{ order.metafields.custom.projekt }}", o, { "custom.projekt": "P-1" })).toBe("P-1");
    expect(value("{{ customer.name }} <{{ customer.email }}>", o)).toBe("Anna Lindqvist <anna.lindqvist@example.com>");
    expect(value("{{ shipping_address.city }}, {{ billing_address.country_code }}", o)).toBe("Stockholm, SE");
    expect(value("{{ order.tags }}", o)).toBe("vip, Grossist");
    expect(value("{{ order.source_name }}", o)).toBe("web");
  });

  it("applies every filter", () => {
    const o = order({ note_attributes: [{ name: "PO-nummer", value: "  abc-123-xyz  " }, { name: "Belopp", value: "1 234,50" }, { name: "N", value: "12,9" }], tags: "a, b, c", note: "x;y;z" });
    const cases: [string, string][] = [
      ["{{ order.note_attributes.PO-nummer | trim | upper }}", "ABC-123-XYZ"],
      ["{{ order.note_attributes.PO-nummer | trim | upper | truncate: 3 }}", "ABC"],
      ["{{ \"ÅSA\" | lower }}", "åsa"],
      ["{{ shipping_address.city | lower | capitalize }}", "Stockholm"],
      ["{{ order.name | replace: \"#\", \"SO-\" }}", "SO-1001"],
      ["{{ order.name | remove: \"#\" }}", "1001"],
      ["{{ order.note_attributes.Saknas | default: \"Webbshop\" }}", "Webbshop"],
      ["{{ order.name | default: \"Webbshop\" }}", "#1001"],
      ["{{ order.order_number | prepend: \"SO-\" | append: \"/W\" }}", "SO-1001/W"],
      ["{{ order.note | split: \";\" | last }}", "z"],
      ["{{ order.note | split: \";\" | first }}", "x"],
      ["{{ order.tags | first }}", "a"],
      ["{{ order.tags | join: \" / \" }}", "a / b / c"],
      ["{{ order.tags | join }}", "a, b, c"],
      ["{{ order.total_price | number: 2 }}", "348,00"],
      ["{{ 1234567.891 | number: 2, \"sv\" }}", "1 234 567,89"],
      ["{{ 1234567.891 | number: 1, \"en\" }}", "1,234,567.9"],
      ["{{ order.total_price | plus: 0.1 }}", "348.10"],
      ["{{ order.total_price | minus: order.total_tax }}", "278.40"],
      ["{{ order.total_price | times: 0.8 }}", "278.40"],
      ["{{ order.total_price | divided_by: 3 | round: 2 }}", "116.00"],
      ["{{ 10 | divided_by: 3 }}", "3.3333333333"],
      ["{{ 2.5 | round }}", "3"],
      ["{{ -2.5 | round }}", "-3"],
      ["{{ 0.125 | round: 2 }}", "0.13"],
      ["{{ order.note_attributes.Belopp | to_number | times: 2 }}", "2469.00"],
      ["{{ order.note_attributes.N | to_integer }}", "12"],
      ["{{ order.tags | to_string | upper }}", "A, B, C"],
      ["{{ order.processed_at | date: \"%Y-%m-%d\" }}", "2026-03-02"],
      ["{{ order.processed_at | date: \"%e %B %Y kl. %H:%M\" }}", "2 mars 2026 kl. 10:14"],
      ["{{ order.processed_at | date: \"%d %b %y %S%%\" }}", "02 mar 26 05%"],
    ];
    for (const [template, expected] of cases) expect(value(template, o), template).toBe(expected);
    // Every filter the engine offers is exercised above.
    const used = new Set(cases.flatMap(([t]) => [...t.matchAll(/\|\s*(\w+)/g)].map((m) => m[1])));
    expect(FILTER_HELP.map((f) => f.name).filter((f) => !used.has(f))).toEqual([]);
  });

  it("computes money exactly, never through floats", () => {
    const o = order({ total_price: "199.20" });
    expect(value("{{ order.total_price | times: 0.8 | round: 2 }}", o)).toBe("159.36");
    expect(value("{{ 0.1 | plus: 0.2 }}")).toBe("0.3");
    expect(value("{{ 1.005 | round: 2 }}")).toBe("1.01"); // a float would give 1.00
    expect(value("{{ 4.35 | times: 100 }}")).toBe("435.00"); // a float gives 434.99999999999994
    expect(value("{{ 1 | divided_by: 3 | times: 3 | round: 2 }}")).toBe("1.00");
  });

  it("reports arithmetic on a non-number and a division by zero as errors, saying where", () => {
    const o = order({ note_attributes: [{ name: "Belopp", value: "tolv" }] });
    const nan = render("{{ order.note_attributes.Belopp | times: 2 }}", o);
    expect(nan.value).toBeUndefined();
    expect(nan.issues).toEqual([expect.objectContaining({ path: "rules[0].set[0].template", column: 35, code: "not_a_number", severity: "error" })]);
    expect(nan.issues[0].message).toBe("Rule \"r\": \"times\" needs a number, but the order gave \"tolv\"");
    expect(nan.issues[0].messageSv).toBe("Regeln \"r\": \"times\" behöver ett tal, men ordern gav \"tolv\"");
    expect(render("{{ order.total_price | divided_by: 0 }}").issues[0]).toMatchObject({ code: "division_by_zero", severity: "error" });
    expect(render("{{ order.name | date: \"%Y\" }}").issues[0]).toMatchObject({ code: "not_a_date", severity: "error" });
  });
});

describe("conditions", () => {
  const applies = (when: RuleCondition[], o: ShopifyOrder = order()) =>
    applyRules(mapped(order()), rules([rule([["ourReference", "yes"]], when)]), { order: o }).document.fields?.ourReference === "yes";

  it("checks tags (case-insensitive), the destination country, the sales channel and B2B", () => {
    const tagged = order({ tags: "Grossist, vip" });
    expect(applies([{ type: "has_tag", tag: "grossist" }], tagged)).toBe(true);
    expect(applies([{ type: "has_tag", tag: "gross" }], tagged)).toBe(false);
    expect(applies([{ type: "lacks_tag", tag: "VIP" }], tagged)).toBe(false);
    expect(applies([{ type: "lacks_tag", tag: "b2b" }], tagged)).toBe(true);

    expect(applies([{ type: "country_in", countries: ["NO", "SE"] }])).toBe(true);
    expect(applies([{ type: "country_in", countries: ["NO"] }])).toBe(false);
    const billingOnly = order({ shipping_address: null, billing_address: { ...order().billing_address, country_code: "NO" } });
    expect(applies([{ type: "country_in", countries: ["no"] }], billingOnly)).toBe(true);

    expect(applies([{ type: "channel_in", channels: ["pos", "web"] }])).toBe(true);
    expect(applies([{ type: "channel_in", channels: ["pos"] }])).toBe(false);

    const company = order({ billing_address: { ...order().billing_address, company: "Bolaget AB" } });
    const withVat = order({ note_attributes: [{ name: "vat_number", value: "SE556000000001" }] });
    expect(applies([{ type: "b2b", is: true }], company)).toBe(true);
    expect(applies([{ type: "b2b", is: true }], withVat)).toBe(true);
    expect(applies([{ type: "b2b", is: false }], company)).toBe(false);
    expect(applies([{ type: "b2b", is: false }])).toBe(true);
    // Same decision as the customer the mapping makes.
    expect(mapped(company).customer.type).toBe("COMPANY");
  });

  it("compares values with every operator, and needs all conditions to hold", () => {
    const o = order({ tags: "vip, b2b", note_attributes: [{ name: "PO", value: "PO-9" }] });
    const c = (value: string, op: RuleCondition & { type: "compare" } extends { op: infer O } ? O : never, to?: string): RuleCondition => ({ type: "compare", value, op, to });
    expect(applies([c("{{ order.name }}", "equals", "#1001")], o)).toBe(true);
    expect(applies([c("{{ order.name }}", "not_equals", "#1001")], o)).toBe(false);
    expect(applies([c("{{ order.tags }}", "contains", "VIP")], o)).toBe(true);
    expect(applies([c("{{ order.tags }}", "contains", "vi")], o)).toBe(false); // a tag, not a substring of one
    expect(applies([c("{{ order.email }}", "contains", "@example")], o)).toBe(true);
    expect(applies([c("{{ order.note_attributes.PO }}", "starts_with", "PO-")], o)).toBe(true);
    expect(applies([c("{{ order.total_price }}", "gt", "347.99")], o)).toBe(true);
    expect(applies([c("{{ order.total_price }}", "gt", "348")], o)).toBe(false);
    expect(applies([c("{{ order.total_price }}", "lt", "1000")], o)).toBe(true);
    expect(applies([c("{{ order.note }}", "empty")], o)).toBe(true);
    expect(applies([c("{{ order.note_attributes.PO }}", "not_empty")], o)).toBe(true);
    expect(applies([c("{{ order.name }}", "equals", "#1001"), { type: "has_tag", tag: "nope" }], o)).toBe(false);
    expect(applies([], o)).toBe(true);

    const notNumber = applyRules(mapped(o), rules([rule([["ourReference", "x"]], [c("{{ order.name }}", "gt", "5")])]), { order: o });
    expect(notNumber.issues).toEqual([expect.objectContaining({ path: "rules[0].when", code: "not_a_number", severity: "error" })]);
  });
});

describe("validation", () => {
  const only = (input: unknown, provider?: "fortnox" | "visma") => {
    const found = validateRules(input, provider);
    expect(found).toHaveLength(1);
    return found[0];
  };

  it("points at an unknown filter with its column and the filter meant", () => {
    const i = only([rule([["remarks", "PO: {{ order.name | uper }}"]])]);
    expect(i).toMatchObject({ path: "rules[0].set[0].template", column: 21, code: "unknown_filter", severity: "error" });
    expect(i.message).toBe("Unknown filter \"uper\" at column 21 (did you mean \"upper\"?)");
    expect(i.messageSv).toBe("Okänt filter \"uper\" i kolumn 21 (menade du \"upper\"?)");
  });

  it("points at an unclosed tag, an empty one and a syntax error", () => {
    expect(only([rule([["remarks", "a {{ order.name "]])])).toMatchObject({ column: 3, code: "unclosed_tag" });
    expect(only([rule([["remarks", "{{ order.name }} and {{ order.name"]])])).toMatchObject({ column: 22, code: "unclosed_tag" });
    expect(only([rule([["remarks", "x{{  }}"]])])).toMatchObject({ column: 2, code: "empty_tag" });
    const s = only([rule([["remarks", "{{ order.name | truncate: \"5 }}"]])]);
    expect(s).toMatchObject({ code: "unclosed_tag" });
    const extra = only([rule([["remarks", "{{ order.name upper }}"]])]);
    expect(extra).toMatchObject({ column: 15, code: "syntax" });
    expect(extra.messageSv).toContain("förväntade \"|\" eller \"}}\"");
  });

  it("points at an unknown path, suggesting the one meant, and at a path missing its name", () => {
    const i = only([rule([["ourReference", "{{ order.nmae }}"]])]);
    expect(i).toMatchObject({ path: "rules[0].set[0].template", column: 4, code: "unknown_path" });
    expect(i.message).toContain("did you mean \"order.name\"");
    expect(only([rule([["ourReference", "{{ order.name | minus: order.totl_tax }}"]])])).toMatchObject({ column: 24, code: "unknown_path" });
    expect(only([rule([["ourReference", "{{ order.metafields.custom }}"]])])).toMatchObject({ code: "path_needs_name" });
    expect(only([rule([["ourReference", "{{ order.note_attributes }}"]])])).toMatchObject({ code: "path_needs_name" });
  });

  it("checks each filter's argument count and kinds, and the date format", () => {
    const count = only([rule([["remarks", "{{ order.name | truncate }}"]])]);
    expect(count).toMatchObject({ column: 17, code: "filter_arguments" });
    expect(count.message).toBe("The filter \"truncate\" at column 17 takes 1 argument, not 0");
    expect(only([rule([["remarks", "{{ order.name | upper: 2 }}"]])])).toMatchObject({ code: "filter_arguments" });
    expect(only([rule([["remarks", "{{ order.name | number: 2, \"sv\", 3 }}"]])]).message).toContain("takes 1 to 2 arguments, not 3");
    expect(only([rule([["remarks", "{{ order.name | truncate: \"ten\" }}"]])])).toMatchObject({ column: 27, code: "filter_argument_type" });
    expect(only([rule([["remarks", "{{ order.total_price | times: \"x\" }}"]])])).toMatchObject({ code: "filter_argument_type" });
    expect(only([rule([["remarks", "{{ order.total_price | number: 2, \"de\" }}"]])])).toMatchObject({ code: "filter_argument_type" });
    expect(only([rule([["remarks", "{{ order.created_at | date: \"%Y-%q\" }}"]])])).toMatchObject({ column: 29, code: "date_format" });
  });

  it("refuses a field the target lacks and literal text longer than it takes, per provider", () => {
    const project = [rule([["project", "P1"]])];
    expect(validateRules(project, "fortnox")).toEqual([]);
    const i = only(project, "visma");
    expect(i).toMatchObject({ path: "rules[0].set[0].field", code: "field_unavailable" });
    expect(i.message).toContain("Visma eAccounting has no field for \"project\"");
    expect(i.messageSv).toContain("Visma eAccounting har inget fält för \"project\"");

    const long = [rule([["yourOrderNumber", "x".repeat(31)]])];
    expect(only(long, "fortnox")).toMatchObject({ code: "too_long" });
    expect(only(long, "fortnox").message).toBe("The text for \"yourOrderNumber\" is 31 characters; Fortnox takes at most 30");
    const name = [rule([["customer.name", "N".repeat(60)]])];
    expect(validateRules(name, "fortnox")).toEqual([]);
    expect(only(name, "visma").messageSv).toBe("Texten för \"customer.name\" är 60 tecken; Visma eAccounting tar högst 50");
  });

  it("refuses empty condition lists, bad country codes and a comparison without a value", () => {
    expect(only([rule([["remarks", "x"]], [{ type: "country_in", countries: [] }])])).toMatchObject({ path: "rules[0].when[0].countries", code: "empty_list" });
    expect(only([rule([["remarks", "x"]], [{ type: "channel_in", channels: [] }])]).messageSv).toContain("inga försäljningskanaler");
    expect(only([rule([["remarks", "x"]], [{ type: "country_in", countries: ["Sverige"] }])])).toMatchObject({ path: "rules[0].when[0].countries[0]", code: "country_code" });
    expect(only([rule([["remarks", "x"]], [{ type: "compare", value: "{{ order.name }}", op: "equals" }])])).toMatchObject({ path: "rules[0].when[0].to", code: "compare_needs_value" });
    expect(only([rule([["remarks", "x"]], [{ type: "compare", value: "{{ order.nam }}", op: "empty" }])])).toMatchObject({ path: "rules[0].when[0].value", code: "unknown_path" });
  });

  it("refuses a malformed rule list at the place zod finds, and more than 50 rules", () => {
    expect(only([{ name: "r", set: [{ field: "ourReferens", template: "x" }] }])).toMatchObject({ path: "rules[0].set[0].field", code: "invalid" });
    expect(only([{ name: "", set: [{ field: "remarks", template: "x" }] }])).toMatchObject({ path: "rules[0].name" });
    expect(only(Array.from({ length: 51 }, () => rule([["remarks", "x"]])))).toMatchObject({ path: "rules", code: "invalid" });
    expect(rulesForSaving([rule([["project", "P1"]])], "visma")).toMatchObject({ ok: false, issues: [{ code: "field_unavailable" }] });
    expect(rulesForSaving([rule([["project", "P1"]])], "fortnox")).toEqual({ ok: true, rules: [{ name: "r", enabled: true, when: [], set: [{ field: "project", template: "P1" }] }] });
    // Stored settings with a malformed rule stop booking rather than dropping the rule.
    expect(settingsFromShop({ settings: JSON.stringify({ rules: [{ name: "r", set: [] }] }) }).ok).toBe(false);
    expect(settingsFromShop({ settings: JSON.stringify({ rules: [rule([["remarks", "x"]])] }) })).toMatchObject({ ok: true, settings: { rules: [{ enabled: true, when: [] }] } });
  });
});

describe("applying rules", () => {
  it("applies enabled rules in order, a later one overriding an earlier, an empty value keeping what was there", () => {
    const o = order({ tags: "grossist" });
    const list = rules([
      rule([["ourReference", "Webb"], ["remarks", "Tack för din order {{ order.name }}"]], [], "base"),
      rule([["ourReference", "Grossistavdelningen"]], [{ type: "has_tag", tag: "grossist" }], "grossist"),
      rule([["ourReference", "{{ order.note_attributes.Saknas }}"]], [], "empty"),
      { ...rule([["ourReference", "disabled"]]), enabled: false },
      rule([["customer.name", "{{ customer.last_name | upper }}, {{ customer.first_name }}"], ["customer.yourReference", "{{ customer.first_name }}"]], [], "customer"),
    ]);
    const { document, issues } = applyRules(mapped(o), list, { order: o, provider: "fortnox" });
    expect(issues).toEqual([]);
    expect(document.fields).toEqual({ ourReference: "Grossistavdelningen", remarks: "Tack för din order #1001" });
    expect(document.customer).toMatchObject({ name: "LINDQVIST, Anna", yourReference: "Anna", email: "anna.lindqvist@example.com" });
    // The mapping's own document is left as it was.
    expect(mapped(o).fields).toBeUndefined();
    expect(applyRules(mapped(o), [], { order: o }).document).toEqual(mapped(o));
  });

  it("cuts a value to the target's length with a warning, only for the value booked", () => {
    const o = order({ note: "n".repeat(40) });
    const cut = applyRules(mapped(o), rules([rule([["yourOrderNumber", "{{ order.note }}"]])]), { order: o, provider: "fortnox" });
    expect(cut.document.fields?.yourOrderNumber).toBe("n".repeat(30));
    expect(cut.issues).toEqual([expect.objectContaining({ code: "truncated", severity: "warning", path: "rules[0].set[0].template" })]);
    expect(cut.issues[0].message).toBe("Rule \"r\": the text for \"yourOrderNumber\" was 40 characters and was cut to the 30 Fortnox takes");
    const replaced = applyRules(mapped(o), rules([rule([["yourOrderNumber", "{{ order.note }}"]]), rule([["yourOrderNumber", "short"]])]), { order: o, provider: "fortnox" });
    expect(replaced.issues).toEqual([]);
    // Without a target, the strictest system's length: Visma's 50 for a customer name.
    const named = applyRules(mapped(o), rules([rule([["customer.name", "{{ order.note }}{{ order.note }}"]])]), { order: o });
    expect(named.document.customer.name).toHaveLength(50);
  });

  it("skips a broken rule with its issues and still applies the others", () => {
    const o = order();
    const { document, issues } = applyRules(mapped(o), rules([rule([["project", "P1"]]), rule([["ourReference", "ok"]])]), { order: o, provider: "visma" });
    expect(document.fields).toEqual({ ourReference: "ok" });
    expect(issues.map((i) => i.code)).toEqual(["field_unavailable"]);
  });

  it("lists the metafields enabled rules read, templates and comparisons alike", () => {
    const list = rules([
      rule([["project", "{{ order.metafields.custom.projekt }}"], ["remarks", "{{ order.name | append: order.metafields.custom.note }}"]]),
      rule([["ourReference", "x"]], [{ type: "compare", value: "{{ order.metafields.erp.kanal }}", op: "not_empty" }]),
      { ...rule([["comments", "{{ order.metafields.hidden.key }}"]]), enabled: false },
    ]);
    expect(metafieldsReferenced(list)).toEqual(["custom.note", "custom.projekt", "erp.kanal"]);
    expect(metafieldsReferenced([])).toEqual([]);
  });

  it("books with the rules through one step, a rule error becoming needs-action issues in both languages", () => {
    const o = order({ note_attributes: [{ name: "Belopp", value: "x" }] });
    const withRules = (r: RuleInput[]) => mappingSettingsSchema.parse({ rules: r });
    const ok = invoiceDocument({ order: o, settings: withRules([rule([["ourReference", "Kontera"]])]), provider: "fortnox" });
    expect(ok).toMatchObject({ ok: true, document: { fields: { ourReference: "Kontera" } }, warnings: [] });
    const failed = invoiceDocument({ order: o, settings: withRules([rule([["remarks", "{{ order.note_attributes.Belopp | plus: 1 }}"]])]), provider: "fortnox" });
    expect(failed.ok).toBe(false);
    if (failed.ok) return;
    expect(failed.issues[0]).toMatchObject({ code: "rules:not_a_number", field: "rules[0].set[0].template" });
    expect(failed.issues[0].messageSv).toContain("behöver ett tal");
    expect(failed.document?.rows.length).toBeGreaterThan(0);
    const unavailable = invoiceDocument({ order: o, settings: withRules([rule([["costCenter", "C1"]])]), provider: "visma" });
    expect(unavailable).toMatchObject({ ok: false, issues: [{ code: "rules:field_unavailable" }] });
  });
});

describe("the fields in the payloads", () => {
  const o = order();
  const ruled = applyRules(mapped(o), rules([rule([
    ["ourReference", "Lager"], ["yourReference", "Anna"], ["yourOrderNumber", "PO-77"], ["remarks", "Tack!"],
    ["comments", "internt"], ["project", "P-42"], ["costCenter", "LAGER"], ["customer.yourReference", "Anna L"],
  ])]), { order: o, provider: "fortnox" }).document;

  it("Fortnox: each field under its name, our reference untouched, on invoices, orders, credits and the customer", () => {
    const body = fortnoxInvoiceBody(ruled, "7");
    expect(body).toMatchObject({ OurReference: "Lager", YourReference: "Anna", YourOrderNumber: "PO-77", Remarks: "Tack!", Comments: "internt", Project: "P-42", CostCenter: "LAGER" });
    expect(body.ExternalInvoiceReference1).toBe(o.admin_graphql_api_id);
    expect(fortnoxOrderBody(ruled, "7")).toMatchObject({ OurReference: "Lager", Remarks: "Tack!", Project: "P-42" });
    expect(fortnoxCustomerBody(ruled.customer)).toMatchObject({ YourReference: "Anna L" });
    // Without rules: the order name as before, no empty fields sent.
    const plain = fortnoxInvoiceBody(mapped(o), "7");
    expect(plain.YourOrderNumber).toBe("#1001");
    expect(plain).not.toHaveProperty("OurReference");
    expect(plain).not.toHaveProperty("Remarks");

    const credit = mapCancellationCredit([], ruled, "12", o.admin_graphql_api_id, "2026-03-03");
    if (!credit.ok || !credit.document) throw new Error(JSON.stringify(credit));
    const creditBody = fortnoxInvoiceBody(credit.document, "7");
    expect(creditBody).toMatchObject({ Remarks: "Kreditering av faktura 12. Tack!", Project: "P-42", OurReference: "Lager" });
    expect(creditBody.ExternalInvoiceReference1).toBe(credit.document.reference);
    expect(credit.document.reference).not.toBe(o.admin_graphql_api_id);
  });

  it("Visma: references by name, remarks as a text row, BuyersOrderReference untouched", () => {
    const plan = planVismaDocument(ruled, true, false);
    const ids = new Map(plan.rows.map((r) => [r.article.number, "00000000-0000-0000-0000-000000000001"]));
    const draft = vismaDraftBody(ruled, plan, "c", ids);
    expect(draft).toMatchObject({ OurReference: "Lager", YourReference: "Anna", BuyersOrderReference: "Order/" + o.id });
    expect(draft.Rows[0]).toEqual({ IsTextRow: true, ReversedConstructionServicesVatFree: false, Text: "Tack!" });
    expect(draft.Rows.filter((r) => !r.IsTextRow)).toHaveLength(plan.rows.length);
    const orderBody = vismaOrderBody(ruled, plan, "c", ids);
    expect(orderBody.Rows.map((r) => r.LineNumber)).toEqual(orderBody.Rows.map((_, i) => i + 1));
    expect(orderBody.Rows[0]).toMatchObject({ IsTextRow: true, Text: "Tack!" });
    expect(vismaDraftBody(mapped(o), plan, "c", ids)).toMatchObject({ YourReference: "#1001" });
    expect(vismaDraftBody(mapped(o), plan, "c", ids)).not.toHaveProperty("OurReference");
    const named = applyRules(mapped(o), rules([rule([["customer.name", "Anna Lindqvist (webb)"], ["customer.phone", "08-123"]])]), { order: o, provider: "visma" }).document;
    expect(vismaCustomerBody(named.customer, "t")).toMatchObject({ Name: "Anna Lindqvist (webb)", Telephone: "08-123" });
  });
});

describe("help for the admin", () => {
  it("has every field, filter, condition and comparison described in English and Swedish", () => {
    const keys = [
      ...Object.values(FIELD_INFO).flatMap((f) => [f.labelKey, f.helpKey]),
      ...FILTER_HELP.map((f) => f.helpKey), ...CONDITION_HELP.map((c) => c.helpKey), ...COMPARISON_HELP.map((c) => c.labelKey),
    ];
    expect(keys.filter((k) => !catalog[k])).toEqual([]);
    expect(fieldsFor("visma").map((f) => f.name)).toEqual(["ourReference", "yourReference", "remarks", "customer.name", "customer.email", "customer.phone"]);
    expect(fieldsFor("fortnox")).toHaveLength(11);
  });
});
