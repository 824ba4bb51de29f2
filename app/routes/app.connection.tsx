import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { ConnectError, disconnect, startConnect, SwitchChoiceNeeded } from "~/connectors/connect.server";
import { authenticate } from "~/shopify.server";
import { testConnection } from "~/sync/connection-test.server";
import { SWITCH_CHOICES } from "~/sync/target.server";

const form = z.object({
  intent: z.enum(["connect", "disconnect", "test"]),
  provider: z.enum(["fortnox", "visma"]),
  // Connecting another system while the current one holds unbooked orders: what happens to them.
  onSwitch: z.enum(SWITCH_CHOICES).optional(),
});

// Connect answers with the provider's URL to open at the top level (outside the admin iframe),
// or 409 with what the merchant must decide first.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = form.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ error: "send intent (connect, disconnect or test), provider (fortnox or visma) and, when asked, onSwitch (move, keep or cancel)" }, { status: 400 });
  const { intent, provider, onSwitch } = parsed.data;
  if (intent === "test") return json({ test: await testConnection(session.shop, provider) });
  if (intent === "disconnect") {
    await disconnect(session.shop, provider);
    return json({ disconnected: true });
  }
  try {
    return json({ authorizeUrl: await startConnect(session.shop, provider, onSwitch) });
  } catch (e) {
    if (e instanceof SwitchChoiceNeeded) return json({ error: e.message, switchChoice: { from: e.from, orders: e.orders, choices: SWITCH_CHOICES } }, { status: 409 });
    if (e instanceof ConnectError) return json({ error: e.message }, { status: 400 });
    throw e;
  }
};
