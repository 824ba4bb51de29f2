import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { disconnect, startConnect } from "~/connectors/connect.server";
import { authenticate } from "~/shopify.server";

const intent = z.object({ intent: z.enum(["connect", "disconnect"]) });

// Connect answers with the Fortnox URL to open at the top level (outside the admin iframe).
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = intent.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ error: "intent must be connect or disconnect" }, { status: 400 });
  if (parsed.data.intent === "connect") return json({ authorizeUrl: await startConnect(session.shop, "fortnox") });
  await disconnect(session.shop, "fortnox");
  return json({ disconnected: true });
};
