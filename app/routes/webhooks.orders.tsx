import type { ActionFunctionArgs } from "@remix-run/node";
import { ORDER_TOPICS } from "~/sync/ingest.server";
import { handleWebhook } from "~/sync/webhook-handler.server";

export const action = ({ request }: ActionFunctionArgs) => handleWebhook(request, ORDER_TOPICS);
