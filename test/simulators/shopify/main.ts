// CLI for the Shopify simulator.
//
//   tsx test/simulators/shopify/main.ts --port 4020 --api-key K --api-secret S --app-url http://127.0.0.1:3000
//       [--app-toml ./shopify.app.toml] [--scopes read_orders,write_orders] [--token-ttl 3600]
//     (env: SHOPIFY_SIM_PORT, SHOPIFY_API_KEY, SHOPIFY_API_SECRET, SHOPIFY_APP_URL, SHOPIFY_APP_TOML, SHOPIFY_SIM_SCOPES)
//
//   tsx test/simulators/shopify/main.ts send --sim http://127.0.0.1:4020 --shop x.myshopify.com \
//       --topic orders/paid --file order.json [--deliveries 2] [--event-id ID] [--webhook-id ID]
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startShopifySimulator } from "./server";

function fail(msg: string): never {
  process.stderr.write(`${msg}\n`);
  process.exit(2);
}

async function serve(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      "api-key": { type: "string" },
      "api-secret": { type: "string" },
      "app-url": { type: "string" },
      "app-toml": { type: "string" },
      scopes: { type: "string" },
      "token-ttl": { type: "string" },
      quiet: { type: "boolean" },
    },
    strict: true,
  });
  const env = process.env;
  const port = Number(values.port ?? env.SHOPIFY_SIM_PORT ?? 4020);
  const apiKey = values["api-key"] ?? env.SHOPIFY_API_KEY;
  const apiSecret = values["api-secret"] ?? env.SHOPIFY_API_SECRET;
  const appUrl = values["app-url"] ?? env.SHOPIFY_APP_URL;
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail("--port must be 0..65535");
  if (!apiKey || !apiSecret || !appUrl) fail("missing --api-key, --api-secret or --app-url (or SHOPIFY_API_KEY, SHOPIFY_API_SECRET, SHOPIFY_APP_URL)");
  const tomlPath = values["app-toml"] ?? env.SHOPIFY_APP_TOML;
  const ttl = values["token-ttl"] ? Number(values["token-ttl"]) : undefined;
  const sim = await startShopifySimulator({
    port,
    apiKey,
    apiSecret,
    appUrl,
    appTomlPath: tomlPath ? resolve(tomlPath) : undefined,
    scopes: values.scopes ?? env.SHOPIFY_SIM_SCOPES,
    accessTokenTtlSeconds: ttl,
    log: values.quiet ? undefined : (line) => process.stdout.write(`[shopify-sim] ${line}\n`),
  });
  process.stdout.write(`shopify simulator listening on ${sim.url}\n`);
  const stop = () => {
    sim.close().finally(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

async function sendWebhook(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sim: { type: "string" },
      shop: { type: "string" },
      topic: { type: "string" },
      file: { type: "string" },
      deliveries: { type: "string" },
      "event-id": { type: "string" },
      "webhook-id": { type: "string" },
      "api-version": { type: "string" },
    },
    strict: true,
  });
  const sim = values.sim ?? `http://127.0.0.1:${process.env.SHOPIFY_SIM_PORT ?? 4020}`;
  if (!values.shop || !values.topic || !values.file) fail("send needs --shop, --topic and --file");
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(resolve(values.file), "utf8"));
  } catch (e) {
    fail(`cannot read ${values.file}: ${(e as Error).message}`);
  }
  const res = await fetch(`${sim.replace(/\/+$/, "")}/__sim/webhooks`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      shop: values.shop,
      topic: values.topic,
      payload,
      deliveries: values.deliveries ? Number(values.deliveries) : undefined,
      eventId: values["event-id"],
      webhookId: values["webhook-id"],
      apiVersion: values["api-version"],
    }),
  });
  const text = await res.text();
  process.stdout.write(`${text}\n`);
  if (!res.ok) process.exit(1);
  const body = JSON.parse(text) as { deliveries: { status: number }[] };
  if (body.deliveries.some((d) => d.status < 200 || d.status > 299)) process.exit(1);
}

const [first, ...rest] = process.argv.slice(2);
const run = first === "send" ? sendWebhook(rest) : serve(process.argv.slice(2));
run.catch((e: unknown) => fail((e as Error).message));
