import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { answering, extensionCall } from "~/shopify/extension-request.server";
import { orderGid, syncOrders } from "~/sync/order-status.server";

// The order list's bulk action: sync or replay the selected orders, with a count of each outcome.

// The admin lets a merchant select at most 250 orders at once (one page of the order list).
const body = z.object({ ids: z.array(z.string().max(64)).min(1).max(250) });

export const action = async ({ request }: ActionFunctionArgs) => {
  const call = await extensionCall(request);
  if (request.method !== "POST") return call.reply({ error: "use POST with {ids: [...]}" }, 405);
  const parsed = body.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return call.reply({ error: `expected {"ids": ["gid://shopify/Order/<number>", …]} with 1 to 250 ids: ${parsed.error.issues[0]?.message}` }, 400);
  const gids = parsed.data.ids.map(orderGid);
  const bad = parsed.data.ids.filter((_, i) => !gids[i]);
  if (bad.length) return call.reply({ error: `not Shopify order ids: ${bad.slice(0, 5).join(", ")}` }, 400);
  return answering(call, () => syncOrders(call.shop, gids as string[], call.locale));
};
