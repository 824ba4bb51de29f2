import { env } from "~/env.server";

/** Where the merchant sees the app inside Shopify admin (or the local simulator's stand-in). */
export function adminAppUrl(shop: string): string {
  const handle = shop.replace(/\.myshopify\.com$/, "");
  const e = env();
  const origin = e.SHOPIFY_ADMIN_ORIGIN ?? "https://admin.shopify.com";
  return `${origin}/store/${handle}/apps/${e.SHOPIFY_ADMIN_ORIGIN ? "kontera" : e.SHOPIFY_API_KEY}`;
}
