import en from "@shopify/polaris/locales/en.json" with { type: "json" };
import sv from "@shopify/polaris/locales/sv.json" with { type: "json" };
import type { Locale } from "./index";

// Polaris's own strings (pagination, filters, close buttons) in the merchant's language; sent
// from the server so a page ships one language, not both.
export const polarisTranslations = (locale: Locale) => (locale === "sv" ? sv : en);
