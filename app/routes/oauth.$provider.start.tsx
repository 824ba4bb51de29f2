import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { beginAuthorize, ConnectError, providerParam, refusedConnect, stateCookie } from "~/connectors/connect.server";

// The merchant's browser opens this at the top level (the admin's Connect button): the state is
// bound to this browser by a cookie, then Fortnox or Visma asks the merchant to approve.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const provider = providerParam(params.provider);
  if (!provider) return new Response("Not Found", { status: 404 });
  const state = new URL(request.url).searchParams.get("state");
  try {
    const to = await beginAuthorize(provider.id, state);
    return redirect(to, { headers: { "Set-Cookie": await stateCookie(provider.id).serialize(state) } });
  } catch (e) {
    if (e instanceof ConnectError) return refusedConnect(provider.name, e);
    throw e;
  }
};
