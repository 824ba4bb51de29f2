import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { answering, extensionCall } from "~/shopify/extension-request.server";
import { orderGid, orderStatus, syncOrder, syncPreview } from "~/sync/order-status.server";

// The order page's block and action: GET the order's state (?view=preview: what Sync now would
// book), POST to sync or replay it.

const badId = (id: string | undefined) => ({ error: `"${String(id).slice(0, 40)}" is not a Shopify order id (a number or gid://shopify/Order/<number>)` });

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const call = await extensionCall(request);
  const gid = orderGid(params.id ?? "");
  if (!gid) return call.reply(badId(params.id), 400);
  const preview = new URL(request.url).searchParams.get("view") === "preview";
  return answering(call, () => (preview ? syncPreview(call.shop, gid, call.locale) : orderStatus(call.shop, gid, call.locale)));
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const call = await extensionCall(request);
  if (request.method !== "POST") return call.reply({ error: "use POST to sync an order" }, 405);
  const gid = orderGid(params.id ?? "");
  if (!gid) return call.reply(badId(params.id), 400);
  return answering(call, () => syncOrder(call.shop, gid, call.locale));
};
