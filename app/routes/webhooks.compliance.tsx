import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook } from "~/sync/webhook-handler.server";

// The three mandatory compliance topics; a bad HMAC answers 401 as Shopify requires.
export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, ["customers/data_request", "customers/redact", "shop/redact"]);
