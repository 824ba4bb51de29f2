import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook } from "~/sync/webhook-handler.server";

// Recorded now; keeping customers in step with the accounting system builds on these events.
export const action = ({ request }: ActionFunctionArgs) => handleWebhook(request, ["customers/update"]);
