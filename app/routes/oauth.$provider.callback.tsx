import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { ConnectError, completeConnect, providerParam, refusedConnect, stateCookie } from "~/connectors/connect.server";
import { ConnectorError } from "~/connectors/errors";
import { adminAppUrl } from "~/shopify/admin-url.server";

// Fortnox or Visma sends the merchant back here. The shop comes from the one-time state, never
// from the URL, and only the browser that started the connection (its cookie holds the state)
// may finish it.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const provider = providerParam(params.provider);
  if (!provider) return new Response("Not Found", { status: 404 });
  const cookie = stateCookie(provider.id);
  try {
    const bound = await cookie.parse(request.headers.get("Cookie"));
    const { shop } = await completeConnect(provider.id, new URL(request.url).searchParams, typeof bound === "string" ? bound : null);
    return redirect(adminAppUrl(shop), { headers: { "Set-Cookie": await cookie.serialize("", { maxAge: 0 }) } });
  } catch (e) {
    if (e instanceof ConnectError || e instanceof ConnectorError) return refusedConnect(provider.name, e);
    throw e;
  }
};
