import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { replayJob, ReplayError } from "~/sync/replay.server";

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  try {
    await replayJob(session.shop, params.id ?? "");
    return json({ replayed: true });
  } catch (e) {
    if (e instanceof ReplayError) return json({ error: e.message }, { status: e.message === "no such sync job" ? 404 : 409 });
    throw e;
  }
};
