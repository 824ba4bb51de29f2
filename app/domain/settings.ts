import { z } from "zod";
import { rulesSchema } from "./rules/schema";

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
  /** Gift cards sold are a debt to the holder until redeemed (BAS 2421 "Ej inlösta presentkort"). */
  giftCards: "2421",
  /** Voluntary tips are outside the scope of VAT. */
  tips: "3990",
};

/** How a Shopify payment gateway is booked as a Fortnox payment: its mode of payment and account. */
const paymentMode = z.object({
  mode: z.string().min(1).max(10),
  account: account,
});

export const DEFAULT_PAYMENT_MODES: Record<string, z.infer<typeof paymentMode>> = {
  // Redeeming a gift card settles the invoice against the gift-card debt, not the bank.
  gift_card: { mode: "PK", account: DEFAULT_ACCOUNTS.giftCards },
};
export const DEFAULT_PAYMENT_MODE = { mode: "KO", account: "1930" };

/** When an order is booked: on orders/create, on payment, on fulfilment (stored on the Shop row). */
export const TRIGGERS = ["created", "paid", "fulfilled"] as const;

/** The parts of an accounting customer the merchant gives to Shopify or to the accountant. */
export const CUSTOMER_FIELDS = ["name", "email", "phone", "address"] as const;
export type CustomerField = (typeof CUSTOMER_FIELDS)[number];
const fieldOwner = z.enum(["shopify", "accounting"]);
/** The Swedish VAT rates (percent) an article can sell at. */
export const VAT_RATES = ["25", "12", "6", "0"] as const;
const PRODUCTS_DEFAULT = { sync: false, prices: true, vatRate: "25" } as const;
const SHOPIFY_OWNS_ALL = { name: "shopify", email: "shopify", phone: "shopify", address: "shopify" } as const;

export const mappingSettingsSchema = z.object({
  shopCountry: z.string().regex(/^[A-Z]{2}$/).default("SE"),
  defaultArticleNumber: z.string().min(1).default("SHOPIFY"),
  shippingArticleNumber: z.string().min(1).default("FRAKT"),
  /**
   * sku: each product on its SKU's article (default article without one). ean: on the article
   * numbered by its variant's barcode (EAN). default: every product on the default article.
   */
  articleKey: z.enum(["sku", "ean", "default"]).default("sku"),
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
      giftCards: account.default(DEFAULT_ACCOUNTS.giftCards),
      tips: account.default(DEFAULT_ACCOUNTS.tips),
    })
    .default(DEFAULT_ACCOUNTS),
  /** shop: book the shop's currency; presentment: the currency the buyer paid in, at Shopify's rate. */
  currency: z.enum(["shop", "presentment"]).default("shop"),
  /** invoice: invoice at the trigger. order: a Fortnox order at the trigger, its invoice on fulfilment. */
  document: z.enum(["invoice", "order"]).default("invoice"),
  /**
   * An order edited after its invoice was booked. review: the merchant is asked. reinvoice: the
   * invoice is credited (its payments moved onto the credit) and the edited order invoiced anew.
   */
  afterEdit: z.enum(["review", "reinvoice"]).default("review"),
  /** booked: invoices are bookkept at once and payments registered; draft: left for the accountant. */
  bookkeeping: z.enum(["booked", "draft"]).default("booked"),
  /** Per Shopify gateway name; gateways not listed use paymentModeDefault. */
  paymentModes: z.record(z.string(), paymentMode).default(DEFAULT_PAYMENT_MODES),
  paymentModeDefault: paymentMode.default(DEFAULT_PAYMENT_MODE),
  /** Which flows run: orders (invoices), refunds (credits), payments, cancellations. */
  flows: z
    .object({ orders: z.boolean().default(true), refunds: z.boolean().default(true), payments: z.boolean().default(true), cancellations: z.boolean().default(true) })
    .default({ orders: true, refunds: true, payments: true, cancellations: true }),
  /**
   * The customer register kept in step with Shopify's (customers/create, update, delete). Each
   * field is Shopify's (written on every change) or the accountant's (written only when Kontera
   * creates the customer, never overwritten after).
   */
  customers: z
    .object({
      sync: z.boolean().default(false),
      owner: z
        .object({ name: fieldOwner.default("shopify"), email: fieldOwner.default("shopify"), phone: fieldOwner.default("shopify"), address: fieldOwner.default("shopify") })
        .default(SHOPIFY_OWNS_ALL),
    })
    .default({ sync: false, owner: SHOPIFY_OWNS_ALL }),
  /**
   * The article register kept in step with Shopify's products (products/create, update, delete):
   * an article per variant with an SKU; a deleted product's articles are made inactive.
   */
  products: z
    .object({
      sync: z.boolean().default(false),
      /** Shopify's variant price written as the article's sales price (off: prices stay the accountant's). */
      prices: z.boolean().default(true),
      /**
       * The Swedish VAT rate the products sell at. A product payload carries none (Shopify keeps
       * reduced rates as tax overrides), and the price excluding VAT and the article's sales
       * account and category follow from it.
       */
      vatRate: z.enum(VAT_RATES).default("25"),
    })
    .default(PRODUCTS_DEFAULT),
  /**
   * Stock back to Shopify: the accounting system's quantity in stock (Fortnox) written to the
   * available quantity at one Shopify location, for variants whose SKU is an article number.
   */
  stock: z
    .object({
      sync: z.boolean().default(false),
      /** The Shopify location (gid) whose stock follows the accounting system. */
      locationId: z.string().regex(/^gid:\/\/shopify\/Location\/\d+$/, "a Shopify location").nullable().default(null),
    })
    .refine((s) => !s.sync || s.locationId, { message: "choose the location whose stock follows the accounting system", path: ["locationId"] })
    .default({ sync: false, locationId: null }),
  /** The language of what Kontera writes to the merchant outside the admin (alert e-mails). */
  language: z.enum(["sv", "en"]).default("sv"),
  /**
   * Alerts are always shown in the admin; e-mailed only when the merchant opted in, to `address`
   * or else the shop's contact address in Shopify.
   */
  alerts: z
    .object({ email: z.boolean().default(false), address: z.string().email().optional() })
    .default({ email: false }),
  /**
   * The merchant's mapping rules (app/domain/rules): invoice fields from templates over the
   * order, applied in order. Their templates are checked by validateRules when saved and before
   * each booking.
   */
  rules: rulesSchema,
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
