import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook } from "~/sync/webhook-handler.server";

// The customer register kept in step (app/sync/jobs/customer.server.ts), when the shop turns it on.
export const action = ({ request }: ActionFunctionArgs) => handleWebhook(request, ["customers/create", "customers/update", "customers/delete"]);
