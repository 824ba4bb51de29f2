import { log } from "~/lib/log.server";
import { ingestWebhook, PayloadError } from "./ingest.server";
import { onUninstalled, redactCustomer, redactShop } from "./shop-lifecycle.server";
import { verifyWebhook } from "./webhook-request.server";

// What every webhook route does: verify, record (duplicates stop there), act, answer. Order
// topics only create outbox rows; lifecycle and compliance topics act on our own data.

export async function handleWebhook(request: Request, topics: readonly string[]): Promise<Response> {
  try {
    const hook = await verifyWebhook(request);
    if (!topics.includes(hook.topic)) return new Response(`topic ${hook.topic} is not delivered to this address`, { status: 400 });
    await ingestWebhook(hook);
    // Lifecycle actions are idempotent and run on duplicates too, so a delivery whose action
    // failed after it was recorded completes when Shopify retries it.
    const payload = hook.payload as any;
    if (hook.topic === "app/uninstalled") await onUninstalled(hook.shop);
    if (hook.topic === "customers/redact") await redactCustomer(hook.shop, payload);
    if (hook.topic === "shop/redact") await redactShop(hook.shop);
    // customers/data_request: Kontera's copy of order data is the order snapshot the merchant
    // already has in Shopify; the request is recorded for the merchant's records.
    return new Response(null, { status: 200 });
  } catch (e) {
    if (e instanceof Response) return e;
    if (e instanceof PayloadError) return new Response(e.message, { status: 400 });
    log.error("webhook handling failed", { error: e });
    // 500 makes Shopify retry the delivery: nothing was committed, so nothing is lost.
    return new Response("internal error", { status: 500 });
  }
}
