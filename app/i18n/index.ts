import type { Message } from "./catalog";
import { alerts } from "./messages/alerts";
import { backfill } from "./messages/backfill";
import { common } from "./messages/common";
import { causes } from "./messages/causes";
import { connections } from "./messages/connections";
import { dashboard } from "./messages/dashboard";
import { failures } from "./messages/failures";
import { home } from "./messages/home";
import { orderBlock } from "./messages/order-block";
import { orders } from "./messages/orders";
import { rules } from "./messages/rules";
import { settings } from "./messages/settings";

// Swedish and English, following the merchant's admin locale. Each area of the admin keeps its
// messages in messages/<area>.ts; this is the one catalogue they make up.

export type Locale = "en" | "sv";
export const LOCALES: Locale[] = ["en", "sv"];

export const catalog: Record<string, Message> = { ...common, ...home, ...causes, ...failures, ...orders, ...settings, ...connections, ...dashboard, ...alerts, ...rules, ...backfill, ...orderBlock };

export type Params = Record<string, string | number>;
export type Translate = (key: string, params?: Params) => string;

/**
 * Shopify opens the app with `?locale=` (e.g. sv, sv-SE, en-GB) from the admin user's language;
 * without it, the browser's Accept-Language decides. Anything but Swedish is English.
 */
export function localeFrom(locale?: string | null, acceptLanguage?: string | null): Locale {
  const first = locale || acceptLanguage?.split(",")[0]?.split(";")[0];
  return first?.trim().toLowerCase().startsWith("sv") ? "sv" : "en";
}

export const localeOf = (request: Request): Locale =>
  localeFrom(new URL(request.url).searchParams.get("locale"), request.headers.get("accept-language"));

/**
 * `{name}` placeholders are filled from params. An unknown key is a programming error, so it
 * shows as itself rather than as an empty string (and the i18n test fails on it).
 */
export function translate(locale: Locale, key: string, params?: Params): string {
  const text = catalog[key]?.[locale] ?? key;
  return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
}

export const translator = (locale: Locale): Translate => (key, params) => translate(locale, key, params);

/** Amounts as the merchant reads them, from integer minor units (never through a float sum). */
export function formatMinor(locale: Locale, minor: number, currency: string): string {
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 100).toLocaleString(locale === "sv" ? "sv-SE" : "en-GB");
  const cents = String(abs % 100).padStart(2, "0");
  return `${sign}${whole}${locale === "sv" ? "," : "."}${cents} ${currency}`;
}

export function formatDateTime(locale: Locale, iso: string): string {
  return new Date(iso).toLocaleString(locale === "sv" ? "sv-SE" : "en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Stockholm" });
}
