import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { ConnectError, completeConnect, refusedConnect, stateCookie } from "~/connectors/connect.server";
import { ConnectorError } from "~/connectors/errors";
import { adminAppUrl } from "~/shopify/admin-url.server";

// Fortnox sends the merchant back here. The shop comes from the one-time state, never from the
// URL, and only the browser that started the connection (its cookie holds the state) may finish it.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const cookie = stateCookie("fortnox");
  try {
    const bound = await cookie.parse(request.headers.get("Cookie"));
    const { shop } = await completeConnect("fortnox", new URL(request.url).searchParams, typeof bound === "string" ? bound : null);
    return redirect(adminAppUrl(shop), { headers: { "Set-Cookie": await cookie.serialize("", { maxAge: 0 }) } });
  } catch (e) {
    if (e instanceof ConnectError || e instanceof ConnectorError) return refusedConnect("Fortnox", e);
    throw e;
  }
};
