import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { ConnectError, completeConnect } from "~/connectors/connect.server";
import { ConnectorError } from "~/connectors/errors";
import { adminAppUrl } from "~/shopify/admin-url.server";

// Fortnox sends the merchant back here. The shop comes from the one-time state, never from the URL.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  try {
    const { shop } = await completeConnect("fortnox", new URL(request.url).searchParams);
    return redirect(adminAppUrl(shop));
  } catch (e) {
    if (e instanceof ConnectError || e instanceof ConnectorError) {
      return new Response(`Fortnox could not be connected: ${e.message}`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    }
    throw e;
  }
};
