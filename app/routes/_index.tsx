import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";

// Shopify opens the app with ?shop=…; anything else is a visitor who should install from the App Store.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams}`);
  return new Response("Kontera books your Shopify sales in Fortnox. Install it from the Shopify App Store.", {
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
};
