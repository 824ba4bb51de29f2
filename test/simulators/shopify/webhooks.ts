// Signs and delivers webhooks the way Shopify does for app-specific (shopify.app.toml) subscriptions.
import { createHmac, randomUUID } from "node:crypto";
import { readAppTomlWebhooks, subscriptionsForTopic, type AppTomlWebhooks, type WebhookSubscription } from "./app-toml";
import type { JsonObject, SimState } from "./state";

export const DEFAULT_WEBHOOK_API_VERSION = "2026-07";
/** Shopify: 1 s to connect, 5 s for the whole request; anything but 2xx (also 3xx) is a failure. */
export const DELIVERY_TIMEOUT_MS = 5000;

export function signWebhookBody(rawBody: string | Buffer, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("base64");
}

export interface SendWebhookInput {
  shop: string;
  topic: string;
  payload: JsonObject;
  deliveries?: number;
  eventId?: string;
  webhookId?: string;
  apiVersion?: string;
  source: "control" | "platform";
}

export interface DeliveryResult {
  status: number;
  ms: number;
  uri: string;
  webhookId: string;
}

export interface SendWebhookResult {
  deliveries: DeliveryResult[];
  webhookId: string;
  eventId: string;
}

export class NoSubscriptionError extends Error {}

/** Keeps only `include_fields` (top level, or one level into objects / arrays of objects: "line_items.id"). */
export function applyIncludeFields(payload: JsonObject, fields: string[] | undefined): JsonObject {
  if (!fields || fields.length === 0) return payload;
  const out: JsonObject = {};
  for (const f of fields) {
    const [head, ...rest] = f.split(".");
    if (!head || !(head in payload)) continue;
    if (rest.length === 0) {
      out[head] = payload[head];
      continue;
    }
    const sub = rest.join(".");
    const v = payload[head];
    if (Array.isArray(v)) {
      const prev = (out[head] as JsonObject[] | undefined) ?? v.map(() => ({}));
      out[head] = v.map((item, i) => (item && typeof item === "object" ? { ...prev[i], ...applyIncludeFields(item as JsonObject, [sub]) } : item));
    } else if (v && typeof v === "object") {
      out[head] = { ...((out[head] as JsonObject | undefined) ?? {}), ...applyIncludeFields(v as JsonObject, [sub]) };
    } else {
      out[head] = v;
    }
  }
  return out;
}

export class WebhookSender {
  constructor(
    private readonly opts: { apiSecret: string; appUrl: string; appTomlPath: string; state: SimState },
  ) {}

  config(): AppTomlWebhooks {
    return readAppTomlWebhooks(this.opts.appTomlPath);
  }

  /** Where relative subscription URIs go; more than one: deliveries take turns (an app behind a load balancer). */
  private appUrls: string[] = [];
  private turn = 0;

  setAppUrls(urls: string[]): void {
    this.appUrls = urls;
  }

  targetUrl(sub: WebhookSubscription): string {
    if (/^https?:\/\//.test(sub.uri)) return sub.uri;
    const origins = this.appUrls.length ? this.appUrls : [this.opts.appUrl];
    if (sub.uri.startsWith("/")) return origins[this.turn++ % origins.length]!.replace(/\/+$/, "") + sub.uri;
    throw new NoSubscriptionError(`subscription uri ${sub.uri} is not an HTTP endpoint the simulator can deliver to`);
  }

  async send(input: SendWebhookInput): Promise<SendWebhookResult> {
    const config = this.config();
    const subs = subscriptionsForTopic(config, input.topic);
    if (subs.length === 0) throw new NoSubscriptionError(`no subscription for topic ${input.topic} in shopify.app.toml`);
    const eventId = input.eventId ?? randomUUID();
    const apiVersion = input.apiVersion ?? config.apiVersion ?? DEFAULT_WEBHOOK_API_VERSION;
    const triggeredAt = new Date().toISOString();
    const copies = Math.max(1, input.deliveries ?? 1);
    const shopState = this.opts.state.shop(input.shop);

    const results: DeliveryResult[] = [];
    let firstWebhookId = "";
    await Promise.all(
      subs.map(async (sub, subIndex) => {
        // one delivery id per subscription; repeats of a delivery reuse it
        const webhookId = subIndex === 0 && input.webhookId ? input.webhookId : randomUUID();
        if (subIndex === 0) firstWebhookId = webhookId;
        const body = JSON.stringify(applyIncludeFields(input.payload, sub.includeFields));
        const headers: Record<string, string> = {
          "Content-Type": "application/json",
          "User-Agent": "Shopify-Captain-Hook",
          "X-Shopify-Topic": input.topic,
          "X-Shopify-Hmac-Sha256": signWebhookBody(body, this.opts.apiSecret),
          "X-Shopify-Shop-Domain": input.shop,
          "X-Shopify-API-Version": apiVersion,
          "X-Shopify-Webhook-Id": webhookId,
          "X-Shopify-Event-Id": eventId,
          "X-Shopify-Triggered-At": triggeredAt,
        };
        if (sub.name) headers["X-Shopify-Name"] = sub.name;
        const one = await Promise.all(Array.from({ length: copies }, () => deliverOnce(this.targetUrl(sub), body, headers)));
        for (const r of one) {
          results.push({ ...r, uri: sub.uri, webhookId });
          shopState.deliveries.push({
            topic: input.topic,
            uri: sub.uri,
            webhookId,
            eventId,
            status: r.status,
            ms: r.ms,
            at: new Date().toISOString(),
            source: input.source,
          });
          this.opts.state.stats.webhooksSent += 1;
        }
      }),
    );
    return { deliveries: results, webhookId: firstWebhookId, eventId };
  }
}

async function deliverOnce(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status, ms: Math.round(performance.now() - started) };
  } catch {
    return { status: 0, ms: Math.round(performance.now() - started) };
  }
}
