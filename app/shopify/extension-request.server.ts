import { json } from "@remix-run/node";
import { localeOf, type Locale } from "~/i18n";
import { authenticate } from "~/shopify.server";
import { ShopifyReadError } from "./throttled-graphql.server";

// Calls from the admin extensions (extensions/order-sync): Shopify adds the session token as a
// Bearer header and the admin's origin is not ours, so every answer carries CORS headers, and the
// preflight (OPTIONS, which Remix routes to the action) is answered by authenticate.admin itself.

export interface ExtensionCall {
  shop: string;
  locale: Locale;
  /** Wraps a JSON answer with the CORS headers the admin's origin needs. */
  reply: (body: unknown, status?: number) => Response;
}

export async function extensionCall(request: Request): Promise<ExtensionCall> {
  const { session, cors } = await authenticate.admin(request);
  return { shop: session.shop, locale: localeOf(request), reply: (body, status = 200) => cors(json(body, { status })) };
}

/** Shopify unreachable while reading an order: a retryable answer the extension can show. */
export async function answering(call: ExtensionCall, work: () => Promise<unknown>): Promise<Response> {
  try {
    return call.reply(await work());
  } catch (e) {
    if (e instanceof ShopifyReadError) return call.reply({ error: `Shopify did not answer: ${e.message}. Try again in a minute.` }, 503);
    throw e;
  }
}
