import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook } from "~/sync/webhook-handler.server";

// The article register kept in step (app/sync/jobs/product.server.ts), when the shop turns it on.
export const action = ({ request }: ActionFunctionArgs) => handleWebhook(request, ["products/create", "products/update", "products/delete"]);
