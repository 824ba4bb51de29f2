import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { beginAuthorize, ConnectError, refusedConnect, stateCookie } from "~/connectors/connect.server";

// The merchant's browser opens this at the top level (the admin's Connect button): the state is
// bound to this browser by a cookie, then Fortnox asks the merchant to approve.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const state = new URL(request.url).searchParams.get("state");
  try {
    const to = await beginAuthorize("fortnox", state);
    return redirect(to, { headers: { "Set-Cookie": await stateCookie("fortnox").serialize(state) } });
  } catch (e) {
    if (e instanceof ConnectError) return refusedConnect("Fortnox", e);
    throw e;
  }
};
