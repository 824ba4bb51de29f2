// `npm run demo`: the main job on a fresh machine. Starts redis-server, a SQLite database, the
// Fortnox, Visma and Shopify simulators, the app and the worker; installs a demo shop, connects
// Fortnox (or Visma, --target visma) through OAuth, sends a burst of signed order webhooks (some
// delivered twice), waits until every order is settled, shows the order page's Replay on one
// order that stops, and prints a summary.
// Flags: --target fortnox|visma, --orders DIR, --count N, --json, --serve, --no-build.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { generateOrders } from "../test/fixtures/shopify/orders";
import { ROOT } from "../test/helpers/services";
import { bin, startStack, waitSettled, type Stack } from "../test/helpers/stack";
import { orderPageStep } from "./demo-order-page";

const SHOP = "kontera-demo.myshopify.com";
const { values: args } = parseArgs({
  options: { target: { type: "string", default: "fortnox" }, orders: { type: "string" }, count: { type: "string", default: "60" }, json: { type: "boolean", default: false }, serve: { type: "boolean", default: false }, "no-build": { type: "boolean", default: false } },
});
if (args.target !== "fortnox" && args.target !== "visma") {
  console.error(`demo: --target must be fortnox or visma, not ${args.target}`);
  process.exit(1);
}
const TARGET = args.target;
const COUNT = Number(args.count);
if (!Number.isInteger(COUNT) || COUNT < 1 || COUNT > 500) {
  console.error(`demo: --count must be a whole number from 1 to 500, not ${args.count}`);
  process.exit(1);
}
const TARGET_NAME = TARGET === "visma" ? "Visma" : "Fortnox";
const say = (msg: string) => { if (!args.json) console.log(msg); else console.error(msg); };

function fail(message: string): never {
  console.error(`demo: ${message}`);
  process.exit(1);
}

function loadOrders(): { payload: any; deliveries: number }[] {
  if (!args.orders) {
    // Realistic Swedish orders (60 unless --count); every fifth is delivered twice at once, as Shopify may.
    return generateOrders(COUNT, { seed: 2026, startOrderNumber: 1001, shop: SHOP }).map((payload, i) => ({ payload, deliveries: i % 5 === 0 ? 2 : 1 }));
  }
  const dir = path.resolve(args.orders);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) fail(`--orders ${args.orders} is not a folder`);
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  if (!files.length) fail(`--orders ${args.orders} has no .json files (one orders/paid payload per file)`);
  return files.map((f) => {
    try { return { payload: JSON.parse(readFileSync(path.join(dir, f), "utf8")), deliveries: 1 }; }
    catch (e) { fail(`${f} is not valid JSON: ${(e as Error).message}`); }
  });
}

function preflight() {
  if (spawnSync("redis-server", ["--version"]).error) {
    fail("redis-server is not installed. Install it with: sudo apt-get install -y redis-server (Debian/Ubuntu) or brew install redis (macOS)");
  }
  const external = process.env.FORTNOX_API_URL || process.env.FORTNOX_AUTH_URL;
  if (external && !(process.env.FORTNOX_API_URL && process.env.FORTNOX_AUTH_URL && process.env.FORTNOX_CLIENT_ID && process.env.FORTNOX_CLIENT_SECRET)) {
    fail("to use your own Fortnox set FORTNOX_API_URL, FORTNOX_AUTH_URL, FORTNOX_CLIENT_ID and FORTNOX_CLIENT_SECRET together");
  }
  // --no-build: the caller has just built (the test suite builds once for all its runs).
  if (args["no-build"]) return;
  say("building the app…");
  const build = spawnSync(bin("remix"), ["vite:build"], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) fail(`the build failed:\n${build.stdout}\n${build.stderr}`);
}

/** Counts, through the accounting system's API itself, the invoices that carry each order's reference. */
async function countDocuments(stack: Stack, refs: string[]): Promise<Map<string, number>> {
  Object.assign(process.env, stack.env);
  const { loadConnection } = await import("~/connectors/connection.server");
  const { connectorFor } = await import("~/connectors/registry.server");
  const connection = await loadConnection(SHOP, TARGET);
  if (!connection) throw new Error(`the demo shop has no ${TARGET_NAME} connection`);
  const connector = connectorFor(connection, { calls: 0 });
  const counts = new Map<string, number>();
  for (const ref of refs) counts.set(ref, (await connector.findDocuments(ref, "invoice")).length);
  // Let go of the demo's own connections before the services they point at are stopped.
  const [{ redis }, { db }] = await Promise.all([import("~/lib/redis.server"), import("~/db.server")]);
  redis().disconnect();
  await db().$disconnect();
  return counts;
}

async function main() {
  const orders = loadOrders(); // bad input is reported before anything is built or started
  preflight();
  const external = process.env.FORTNOX_API_URL
    ? { apiUrl: process.env.FORTNOX_API_URL, authUrl: process.env.FORTNOX_AUTH_URL!, clientId: process.env.FORTNOX_CLIENT_ID!, clientSecret: process.env.FORTNOX_CLIENT_SECRET! }
    : undefined;
  say("starting redis-server, SQLite, simulators, app and worker…");
  const stack = await startStack({ db: "sqlite", fortnox: external, env: { LOG_LEVEL: "warn" } });
  const stop = async () => { await stack.stop(); process.exit(0); };
  // Ctrl-C at any point stops every process the demo started.
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
  try {
    say(`installing ${SHOP} and connecting ${TARGET_NAME} (${external && TARGET === "fortnox" ? external.authUrl : "simulator"})…`);
    await stack.installAndConnect(SHOP, { provider: TARGET });

    say(`sending ${orders.length} orders/paid webhooks (${orders.filter((o) => o.deliveries > 1).length} delivered twice)…`);
    const started = Date.now();
    const rejected: string[] = [];
    for (let i = 0; i < orders.length; i += 10) {
      await Promise.all(orders.slice(i, i + 10).map(async (o) => {
        const { deliveries } = await stack.sendWebhook(SHOP, "orders/paid", o.payload, { deliveries: o.deliveries });
        if (deliveries.some((d) => d.status !== 200)) rejected.push(`${o.payload?.name ?? "?"}: HTTP ${deliveries.map((d) => d.status).join("/")}`);
      }));
    }
    const accepted = orders.length - rejected.length;
    const jobs = await waitSettled(stack, SHOP, accepted, 600_000);
    const elapsedMs = Date.now() - started;

    const refs = jobs.map((j) => j.subjectId);
    const counts = await countDocuments(stack, refs);
    const attempts = await stack.db.client.syncAttempt.aggregate({ _sum: { apiCalls: true }, where: { job: { shop: SHOP } } });
    // Every job of the demo shop, not only the invoices: a payment that failed is a failure too.
    const all = await stack.db.client.syncJob.findMany({ where: { shop: SHOP } });
    const byStatus = (s: string) => all.filter((j) => j.status === s);
    const summary = {
      target: TARGET,
      orders: orders.length,
      webhooksRejected: rejected.length,
      documents: [...counts.values()].filter((n) => n > 0).length,
      duplicates: [...counts.values()].reduce((a, n) => a + Math.max(0, n - 1), 0),
      failed: byStatus("failed").length,
      needsAction: byStatus("needs_action").length,
      needsReview: byStatus("needs_review").length,
      paymentsRegistered: all.filter((j) => j.kind === "payment" && j.status === "succeeded").length,
      apiCallsPerOrder: jobs.length ? Number(((attempts._sum.apiCalls ?? 0) / jobs.length).toFixed(2)) : 0,
      elapsedMs,
      adminUrl: `${stack.shopifySim.url}/store/${SHOP.replace(".myshopify.com", "")}/apps/kontera`,
      failures: [...all.filter((j) => j.status !== "succeeded").map((j) => ({ order: j.subjectName, kind: j.kind, status: j.status, reason: j.lastError })),
        ...rejected.map((r) => ({ order: r, status: "rejected", reason: "the app refused the webhook" }))],
    };

    // The order page (Fortnox simulator only: the step adds a currency to the company as the fix).
    let orderPage = null;
    if (TARGET === "fortnox" && !external) {
      say("the order page: an order Fortnox refuses, its block's data, Replay…");
      orderPage = await orderPageStep(stack, SHOP, orders[0].payload);
    }

    if (!args.json) {
      console.log("\nKontera demo summary");
      console.log(`  orders sent          ${summary.orders}`);
      console.log(`  invoices in ${TARGET_NAME.padEnd(8)} ${summary.documents}`);
      console.log(`  duplicates           ${summary.duplicates}`);
      console.log(`  payments registered  ${summary.paymentsRegistered}`);
      console.log(`  failed               ${summary.failed}`);
      console.log(`  needs action         ${summary.needsAction}`);
      console.log(`  needs review         ${summary.needsReview}`);
      console.log(`  API calls per order  ${summary.apiCallsPerOrder}`);
      console.log(`  elapsed              ${(elapsedMs / 1000).toFixed(1)} s`);
      for (const f of summary.failures) console.log(`  ! ${f.order}: ${f.status} — ${f.reason}`);
      if (orderPage) {
        console.log(`  order page           ${orderPage.order}: ${orderPage.before} (${orderPage.why}), tags ${orderPage.tagsBefore.join(" ")}`);
        console.log(`                       Replay → ${orderPage.replay} → ${orderPage.after}, ${orderPage.document}, tags ${orderPage.tagsAfter.join(" ")}, metafield ${orderPage.metafield}`);
      }
      console.log(`  admin                ${summary.adminUrl}`);
    }
    if (args.json) console.log(JSON.stringify({ ...summary, orderPage }));
    if (args.serve) {
      say(`\nserving: app ${stack.appUrl}, admin ${summary.adminUrl}; Ctrl-C stops everything`);
      return;
    }
    await stack.stop();
    process.exit(summary.duplicates === 0 ? 0 : 2);
  } catch (e) {
    console.error(`demo failed: ${(e as Error).message}`);
    await stack.stop();
    process.exit(1);
  }
}

void main();
