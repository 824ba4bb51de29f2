import type { LoaderFunctionArgs } from "@remix-run/node";
import { ShopifyError } from "@shopify/shopify-api";
import { env } from "~/env.server";
import { authenticate } from "~/shopify.server";

const refuse = (why: string) => new Response(why, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/**
 * Where the library's exit-iframe page may send the browser: this app, Shopify admin, a shop.
 * The library itself accepts any https address there, which made /auth/exit-iframe?exitIframe=
 * an open redirect: a link on our domain that lands on anyone's site.
 */
function allowedExit(destination: string | null): boolean {
  if (!destination) return false;
  let to: URL;
  try { to = new URL(destination, env().SHOPIFY_APP_URL); } catch { return false; }
  if (to.origin === new URL(env().SHOPIFY_APP_URL).origin) return true;
  return to.protocol === "https:" && !to.port && (to.hostname === "admin.shopify.com" || /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(to.hostname));
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.pathname === "/auth/exit-iframe" && !allowedExit(url.searchParams.get("exitIframe"))) return refuse("not a destination this app redirects to");
  try {
    await authenticate.admin(request);
  } catch (e) {
    // A destination the library will not redirect to either (plain http when the app is on http):
    // the request is at fault, not the server, so 400 rather than the 500 an uncaught error makes.
    if (e instanceof ShopifyError && /Refusing to redirect/.test(e.message)) return refuse("not a destination this app redirects to");
    throw e;
  }
  return null;
};
