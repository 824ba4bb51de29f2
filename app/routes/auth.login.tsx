import type { LoaderFunctionArgs } from "@remix-run/node";
import { login } from "~/shopify.server";

// Where shopify-app-remix sends a request that has no session token and no shop (a visitor, or a
// link opened outside the admin). The library refuses to authenticate on this path (it answered
// 500 when the catch-all auth route tried), and an App Store app has no shop login form: with a
// valid ?shop= login() redirects to that shop's admin to open or install the app; without one,
// say where the app lives.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const refused = await login(request);
  const text = refused.shop
    ? `That is not a shop domain (${refused.shop}). Open Kontera from your Shopify admin.`
    : "Open Kontera from your Shopify admin, or install it from the Shopify App Store.";
  return new Response(text, { status: refused.shop ? 400 : 200, headers: { "Content-Type": "text/plain; charset=utf-8" } });
};
