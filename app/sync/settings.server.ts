import { z } from "zod";
import { db } from "~/db.server";
import type { Provider } from "~/connectors/types";
import { validateRules, type RuleIssue } from "~/domain/rules";
import { mappingSettingsSchema, settingsFromShop, TRIGGERS, type MappingSettings } from "~/domain/settings";
import { currentTarget } from "./target.server";

// Saving a shop's settings from the admin. Each page saves its own part (the settings page its
// keys, the mapping page the rules), so a save merges into what is stored and validates the whole:
// a part saved elsewhere is never lost, and nothing invalid is ever stored.


export interface ShopSettings {
  trigger: (typeof TRIGGERS)[number];
  settings: MappingSettings;
  /** The stored settings did not parse: the page shows the defaults and why. */
  storedError?: string;
}

export async function loadSettings(shop: string): Promise<ShopSettings> {
  const row = await db().shop.findUnique({ where: { shop } });
  const parsed = settingsFromShop(row);
  const trigger = (TRIGGERS as readonly string[]).includes(row?.invoiceTrigger ?? "") ? (row!.invoiceTrigger as ShopSettings["trigger"]) : "paid";
  return parsed.ok ? { trigger, settings: parsed.settings } : { trigger, settings: mappingSettingsSchema.parse({}), storedError: parsed.error };
}

/** One field's problem, for the field: its path in the form and a message key. */
export interface FieldError {
  path: string;
  key: string;
  /** A mapping rule's problem, with its own sv/en message and the column in its template. */
  rule?: RuleIssue;
}

const patchSchema = mappingSettingsSchema.partial().extend({ trigger: z.enum(TRIGGERS).optional() }).strict();

function keyFor(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") return "settings.error.unknown";
  if (path[0] === "accounts" || path.at(-1) === "account") return "settings.error.account";
  if (path.at(-1) === "mode") return "settings.error.mode";
  if (path[0] === "defaultArticleNumber" || path[0] === "shippingArticleNumber") return "settings.error.article";
  if (path[0] === "shopCountry") return "settings.error.country";
  if (path[0] === "alerts") return "settings.error.email";
  if (path[0] === "stock") return "settings.error.location";
  return "settings.error.invalid";
}

export type SaveResult = { ok: true; saved: ShopSettings } | { ok: false; errors: FieldError[] };

export async function saveSettings(shop: string, input: unknown): Promise<SaveResult> {
  const patch = patchSchema.safeParse(input);
  if (!patch.success) return { ok: false, errors: patch.error.issues.map((i) => ({ path: i.path.join("."), key: keyFor(i) })) };
  // Only what was sent: parsing fills every absent key with its default, which merged over the
  // stored settings would reset them (the rules, when the settings page saves).
  const sent = new Set(Object.keys(input as object));
  const { trigger, ...part } = Object.fromEntries(Object.entries(patch.data).filter(([k]) => sent.has(k))) as typeof patch.data;
  const row = await db().shop.findUnique({ where: { shop } });
  let stored: Record<string, unknown> = {};
  try {
    stored = row?.settings ? JSON.parse(row.settings) : {};
  } catch {
    // Unreadable JSON is replaced by what the merchant saves now; the page showed them the defaults.
  }
  const merged = mappingSettingsSchema.safeParse({ ...stored, ...part });
  if (!merged.success) return { ok: false, errors: merged.error.issues.map((i) => ({ path: i.path.join("."), key: keyFor(i) })) };
  if (part.rules) {
    // A rule's templates are checked as the shop's target will book them (its fields, lengths).
    const { target } = await currentTarget(shop);
    const refused = validateRules(part.rules, target as Provider).filter((i) => i.severity === "error");
    if (refused.length) return { ok: false, errors: refused.map((i) => ({ path: i.path, key: "rules.error.refused", rule: i })) };
  }
  // The article numbers also live in their own columns (older rows); keep both in step.
  const { defaultArticleNumber, shippingArticleNumber } = merged.data;
  const data = { settings: JSON.stringify(merged.data), defaultArticleNumber, shippingArticleNumber, ...(trigger ? { invoiceTrigger: trigger } : {}) };
  await db().shop.upsert({ where: { shop }, create: { shop, ...data }, update: data });
  return { ok: true, saved: await loadSettings(shop) };
}
