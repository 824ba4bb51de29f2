import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook } from "~/sync/webhook-handler.server";

export const action = ({ request }: ActionFunctionArgs) => handleWebhook(request, ["app/uninstalled"]);
