import { z } from "zod";

// A shop's booking settings: what the mapping engine needs to know beyond the order. Stored as
// JSON on the Shop row and parsed here, so a missing or partial value always means the defaults.
// Account defaults follow the BAS chart most Swedish companies use.

const account = z.string().regex(/^\d{4}$/, "a BAS account is four digits");

export const DEFAULT_ACCOUNTS = {
  /** Sales in Sweden per VAT rate. */
  domestic: { "25": "3001", "12": "3002", "6": "3003", "0": "3004" } as Record<string, string>,
  /** Sales of goods to consumers in other EU countries (OSS); per-country overrides below. */
  euOss: "3106",
  euOssByCountry: {} as Record<string, string>,
  /** Sales of goods to companies in other EU countries, reverse charge. */
  euReverseCharge: "3108",
  /** Sales of goods outside the EU. */
  export: "3105",
  /** Öres- och kronutjämning: the difference between the target's arithmetic and Shopify's. */
  rounding: "3740",
};

export const mappingSettingsSchema = z.object({
  shopCountry: z.string().regex(/^[A-Z]{2}$/).default("SE"),
  defaultArticleNumber: z.string().min(1).default("SHOPIFY"),
  shippingArticleNumber: z.string().min(1).default("FRAKT"),
  /**
   * per_buyer: one accounting customer per Shopify customer. webshop: consumers share one
   * "Webbkund" customer per currency (fewer customer records, no personal data in the books'
   * customer register); companies always get their own customer.
   */
  privateCustomers: z.enum(["per_buyer", "webshop"]).default("per_buyer"),
  accounts: z
    .object({
      domestic: z.record(z.string(), account).default(DEFAULT_ACCOUNTS.domestic),
      euOss: account.default(DEFAULT_ACCOUNTS.euOss),
      euOssByCountry: z.record(z.string(), account).default({}),
      euReverseCharge: account.default(DEFAULT_ACCOUNTS.euReverseCharge),
      export: account.default(DEFAULT_ACCOUNTS.export),
      rounding: account.default(DEFAULT_ACCOUNTS.rounding),
    })
    .default(DEFAULT_ACCOUNTS),
});

export type MappingSettings = z.infer<typeof mappingSettingsSchema>;

export type SettingsResult = { ok: true; settings: MappingSettings } | { ok: false; error: string };

/**
 * Settings from the Shop row: its JSON column plus the article columns. No row or no JSON means
 * the defaults; stored settings that do not parse are an error, never silently the defaults,
 * because booking on the wrong accounts is worse than not booking.
 */
export function settingsFromShop(shop: { settings?: string | null; defaultArticleNumber?: string; shippingArticleNumber?: string } | null): SettingsResult {
  let stored: unknown = {};
  try {
    stored = shop?.settings ? JSON.parse(shop.settings) : {};
  } catch {
    return { ok: false, error: "the shop's booking settings are not valid JSON; save them again in Kontera's settings" };
  }
  const parsed = mappingSettingsSchema.safeParse({
    ...(typeof stored === "object" && stored ? stored : {}),
    ...(shop?.defaultArticleNumber ? { defaultArticleNumber: shop.defaultArticleNumber } : {}),
    ...(shop?.shippingArticleNumber ? { shippingArticleNumber: shop.shippingArticleNumber } : {}),
  });
  if (parsed.success) return { ok: true, settings: parsed.data };
  const where = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  return { ok: false, error: `the shop's booking settings are invalid (${where}); fix them in Kontera's settings` };
}
