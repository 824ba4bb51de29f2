// Local development and tests only: Shopify's admin host for a shop is https://<shop>, which does
// not exist offline. When SHOPIFY_ADMIN_ORIGIN is set (env.server.ts allows only a loopback origin
// and never in production) every request for https://<shop>.myshopify.com/... is sent to
// <origin>/<shop>.myshopify.com/... instead, where the Shopify simulator answers.

export function rewriteShopifyUrl(input: string, origin: string | undefined): string {
  if (!origin) return input;
  const u = new URL(input);
  if (u.protocol !== "https:" || !u.hostname.endsWith(".myshopify.com")) return input;
  return `${origin}/${u.hostname}${u.pathname}${u.search}`;
}

export function localShopifyFetch(origin: string, inner: typeof fetch = fetch): typeof fetch {
  return ((input: RequestInfo | URL, init?: RequestInit) => {
    if (typeof input === "string" || input instanceof URL) return inner(rewriteShopifyUrl(String(input), origin), init);
    return inner(new Request(rewriteShopifyUrl(input.url, origin), input), init);
  }) as typeof fetch;
}
