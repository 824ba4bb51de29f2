// `npm run import:scale`: the initial import at scale. 5,000 customers and 5,000 products (flags
// --customers N --products N) in the Shopify simulator, imported into the Fortnox simulator
// through the app's own page and worker, with the worker killed half-way through the writes and
// started again. Fortnox's limit (25 requests per 5 s) is multiplied by --scale K in both the
// simulator and Kontera's limiter (FORTNOX_LIMIT_SCALE), so the run takes minutes instead of the
// hours the real limit means; the report gives the time at the real limit from the calls made.
// Prints what it measured: time, calls per object, the most requests in any window, 429s, and
// duplicates (Fortnox customers per e-mail, articles per number).
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { generateCustomers, generateProducts } from "../test/fixtures/shopify/catalog";
import { waitFor, ROOT } from "../test/helpers/services";
import { FORTNOX_TENANT } from "../test/helpers/orders";
import { bin, postJson, startStack, type Stack } from "../test/helpers/stack";

const SHOP = "import-scale.myshopify.com";
const { values: args } = parseArgs({
  options: { customers: { type: "string", default: "5000" }, products: { type: "string", default: "5000" }, scale: { type: "string", default: "20" }, "no-build": { type: "boolean", default: false } },
});
const whole = (name: string, v: string | undefined, max: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) { console.error(`import-scale: --${name} must be a whole number from 1 to ${max}, not ${v}`); process.exit(1); }
  return n;
};
const CUSTOMERS = whole("customers", args.customers, 20_000);
const PRODUCTS = whole("products", args.products, 20_000);
const SCALE = whole("scale", args.scale, 100);

async function admin(stack: Stack, path: string, init?: RequestInit): Promise<any> {
  const res = await stack.adminFetch(SHOP, path, init);
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}
const form = (fields: Record<string, string>): RequestInit => ({ method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields) });

async function main() {
  if (!args["no-build"]) {
    const build = spawnSync(bin("remix"), ["vite:build"], { cwd: ROOT, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`the build failed:\n${build.stdout}\n${build.stderr}`);
  }
  const customers = generateCustomers(CUSTOMERS, { seed: 5001, startId: 8_500_000_000_001 });
  const products = generateProducts(PRODUCTS, { seed: 5002, startId: 9_500_000_000_001 });
  const variants = products.flatMap((p) => p.variants);
  const keyed = new Set(variants.filter((v) => v.sku?.trim()).map((v) => v.sku!));
  const stack = await startStack({
    fortnoxRateLimit: { max: 25 * SCALE, windowMs: 5000 },
    env: { FORTNOX_LIMIT_SCALE: String(SCALE), SYNC_CONCURRENCY: "8", LOG_LEVEL: "warn", SYNC_LOCK_MS: "5000" },
  });
  try {
    await stack.installAndConnect(SHOP);
    for (let i = 0; i < customers.length; i += 2500) await postJson(`${stack.shopifySim.url}/__sim/customers`, { shop: SHOP, customers: customers.slice(i, i + 2500) });
    for (let i = 0; i < products.length; i += 2500) await postJson(`${stack.shopifySim.url}/__sim/products`, { shop: SHOP, products: products.slice(i, i + 2500) });
    await admin(stack, `/app/settings?_data=${encodeURIComponent("routes/app.settings")}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ customers: { sync: true }, products: { sync: true } }) });

    const started = Date.now();
    for (const subject of ["customers", "products"]) await admin(stack, "/app/backfill?_data=routes%2Fapp.backfill", form({ intent: "import", subject }));
    const objects = CUSTOMERS + PRODUCTS;
    let killedAt: number | null = null;
    const progress = async () => (await admin(stack, "/app/backfill?_data=routes%2Fapp.backfill")).imports;
    let lastLine = 0;
    await waitFor("both imports written", async () => {
      const { customers: c, products: p } = await progress();
      const done = (c?.written?.done ?? 0) + (c?.written?.problems ?? 0) + (p?.written?.done ?? 0) + (p?.written?.problems ?? 0);
      if (Date.now() - lastLine > 10_000) {
        lastLine = Date.now();
        console.log(`${Math.round((Date.now() - started) / 1000)} s: customers read ${c?.seen ?? 0}/${c?.total ?? "?"} written ${c?.written?.done ?? 0}; products read ${p?.seen ?? 0}/${p?.total ?? "?"} written ${p?.written?.done ?? 0}, need action ${p?.written?.problems ?? 0}`);
      }
      if (killedAt === null && done >= objects / 2) {
        killedAt = done;
        console.log(`killing the worker at ${done} of ${objects} written, and starting it again`);
        await stack.stopWorker("SIGKILL");
        await stack.startWorker();
      }
      const finished = c?.status === "completed" && p?.status === "completed" && c.written.waiting === 0 && p.written.waiting === 0;
      return finished ? true : null;
    }, 4 * 3600_000, 1000);
    const seconds = (Date.now() - started) / 1000;

    const stats = await (await fetch(`${stack.fortnoxSim!.url}/__sim/stats`)).json();
    const tenant = (what: string) => fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/${what}`).then((r) => r.json());
    const perEmail = new Map<string, number>();
    for (const c of (await tenant("customers")).Customers) perEmail.set(String(c.Email).toLowerCase(), (perEmail.get(String(c.Email).toLowerCase()) ?? 0) + 1);
    const articles = (await tenant("articles")).Articles.map((a: any) => a.ArticleNumber as string);
    const jobs = await stack.db.client.syncJob.groupBy({ by: ["kind", "status"], where: { shop: SHOP }, _count: { _all: true } });
    const report = {
      customers: CUSTOMERS, products: PRODUCTS, variants: variants.length, keyedVariants: keyed.size,
      scale: SCALE, seconds: Math.round(seconds), killedAtWritten: killedAt,
      jobs: Object.fromEntries(jobs.map((j) => [`${j.kind}:${j.status}`, j._count._all])),
      fortnoxRequests: stats.requests, callsPerObject: +(stats.requests / objects).toFixed(2), rateLimited: stats.rateLimited,
      maxInAnyWindow: stats.maxInWindow, limitPerWindow: 25 * SCALE,
      secondsAtTheRealLimit: Math.round(stats.requests / 5),
      duplicateCustomers: [...perEmail.values()].reduce((n, k) => n + Math.max(0, k - 1), 0),
      customersMissing: customers.filter((c) => !perEmail.has(c.email!.toLowerCase())).length,
      articlesMissing: [...keyed].filter((s) => !articles.includes(s)).length,
    };
    console.log(JSON.stringify(report, null, 2));
    if (report.duplicateCustomers || report.customersMissing || report.articlesMissing || report.rateLimited) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
