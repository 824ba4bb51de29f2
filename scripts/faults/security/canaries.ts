import { generateOrders } from "../../../test/fixtures/shopify/orders";
import { FORTNOX_TENANT } from "../../../test/helpers/orders";
import { waitFor } from "../../../test/helpers/services";
import { waitSettled, type Stack } from "../../../test/helpers/stack";
import type { SecurityCheck } from "../types";
import { prng } from "../../../test/fixtures/shopify/orders";
import { around, contains, dumpDatabase, dumpRedis, randomHex, seedFromEnv } from "./support";

// Buyers' names, e-mail addresses and street addresses go through Kontera on their way to the
// books. They must never be written to a log or left in Redis; after customers/redact our copies
// of them are gone (the booked document in Fortnox keeps them: that is the merchant's
// bookkeeping, not ours); after shop/redact nothing of the shop is left in any table.
//
// Each run plants fresh canaries (unique strings) in those fields and searches every log line,
// every Redis key and every row of every table for them.

const SHOP = "sec-canaries.myshopify.com";

interface Canaries {
  name: string;
  email: string;
  address: string;
}

function plant(order: any, c: Canaries, i: number): any {
  const first = `Kari-${c.name}`;
  const last = `Lind-${c.name}-${i}`;
  const email = `${c.email}.${i}@example.com`;
  const street = `${c.address} vägen ${i + 1}`;
  const person = (a: any) => a && Object.assign(a, { first_name: first, last_name: last, name: `${first} ${last}`, address1: street });
  order.email = email;
  if ("contact_email" in order) order.contact_email = email;
  if (order.customer) {
    Object.assign(order.customer, { email, first_name: first, last_name: last });
    person(order.customer.default_address);
  }
  person(order.billing_address);
  person(order.shipping_address);
  return order;
}

function findIn(where: string, text: string, canaries: Canaries): string[] {
  return (Object.entries(canaries) as [keyof Canaries, string][])
    .filter(([, v]) => contains(text, v))
    .map(([field, v]) => `${field} canary in ${where}: …${around(text, v, 60)}…`);
}

async function searchDatabase(stack: Stack, canaries: Canaries): Promise<string[]> {
  const hits: string[] = [];
  for (const r of await dumpDatabase(stack)) hits.push(...findIn(`table ${r.table}`, r.text, canaries));
  return hits;
}

async function searchRedis(stack: Stack, canaries: Canaries): Promise<string[]> {
  const hits: string[] = [];
  for (const k of await dumpRedis(stack)) hits.push(...findIn(`Redis key ${k.key} (${k.type})`, `${k.key} ${k.text}`, canaries));
  return hits;
}

const searchLogs = (stack: Stack, canaries: Canaries) => findIn("the app and worker logs", stack.output(), canaries);

/** Ids of every row that belongs to the shop, and of their children (SyncAttempt has no shop column). */
async function rowIdsOf(stack: Stack, shop: string): Promise<string[]> {
  const db = stack.db.client;
  const where = { where: { shop }, select: { id: true } } as const;
  const [jobs, links, maps, conns, events, sessions, states] = await Promise.all([
    db.syncJob.findMany({ where: { shop }, select: { id: true, history: { select: { id: true } } } }),
    db.documentLink.findMany(where), db.entityMap.findMany(where), db.connection.findMany(where),
    db.webhookEvent.findMany(where), db.session.findMany(where), db.oAuthState.findMany({ where: { shop }, select: { state: true } }),
  ]);
  return [
    ...jobs.flatMap((j) => [j.id, ...j.history.map((h) => h.id)]),
    ...[links, maps, conns, events, sessions].flat().map((r) => r.id),
    ...states.map((s) => s.state),
  ];
}

export const check: SecurityCheck = {
  name: "canary values in customer names and e-mails never appear in logs or Redis; after customers/redact and shop/redact they are gone from the database too",
  cases: { ci: 4, full: 12 },
  async run(stack, count) {
    const failures: string[] = [];
    const seed = seedFromEnv();
    const rnd = prng(seed);
    const canaries: Canaries = { name: `canary-${randomHex(rnd, 10)}`, email: `canary-${randomHex(rnd, 10)}`, address: `canary-${randomHex(rnd, 10)}` };
    const db = stack.db.client;

    await stack.installAndConnect(SHOP);
    // The customer register sync is on: a customer's change is a job holding the customer as sent.
    const synced = await stack.adminFetch(SHOP, "/app/settings?_data=routes%2Fapp.settings", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ customers: { sync: true } }),
    });
    if (synced.status !== 200) failures.push(`control: turning the customer sync on answered ${synced.status}`);
    const orders = generateOrders(count, { seed, startOrderNumber: 88_001, shop: SHOP }).map((o, i) => {
      const id = 7_820_000_000_000 + i;
      const order: any = plant({ ...o, id, admin_graphql_api_id: `gid://shopify/Order/${id}` }, canaries, i);
      // One order Fortnox refuses (a currency it does not have): the error path logs and stores too.
      if (i === count - 1 && count > 1) { order.currency = "PLN"; order.presentment_currency = "PLN"; }
      return order;
    });
    for (const o of orders) {
      const sent = await stack.sendWebhook(SHOP, "orders/paid", o);
      if (sent.deliveries[0]?.status !== 200) failures.push(`order ${o.name} was not accepted (${sent.deliveries[0]?.status})`);
    }
    await waitSettled(stack, SHOP, count);
    const buyer = orders.find((o) => o.customer)?.customer;
    if (buyer) {
      await stack.sendWebhook(SHOP, "customers/update", { ...buyer, admin_graphql_api_id: `gid://shopify/Customer/${buyer.id}`, updated_at: new Date().toISOString() });
      const job = await waitFor("the customer job to settle", () => db.syncJob.findFirst({ where: { shop: SHOP, kind: "customer", status: { notIn: ["pending", "running", "retrying"] } } }), 60_000).catch(() => null);
      if (job?.status !== "succeeded") failures.push(`control: the customer job of ${buyer.id} did not succeed (${job?.status ?? "none"}: ${job?.lastError ?? ""})`);
    } else failures.push("control: no generated order has a customer to sync");
    // The merchant saved the first order as a mapping test: a whole copy of it, canaries included.
    const saved = await stack.adminFetch(SHOP, "/app/mapping?_data=routes%2Fapp.mapping", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ intent: "saveTest", order: orders[0].name, rules: [] }),
    });
    const savedTest = await saved.json().catch(() => null);
    if (!savedTest?.test?.ok) failures.push(`control: the mapping test of ${orders[0].name} was not saved (${saved.status} ${JSON.stringify(savedTest)})`);

    // Controls: the canaries did travel (our database holds them before redaction, and Fortnox
    // got the name), so not finding them later means they were removed, not never there.
    const before = await searchDatabase(stack, canaries);
    for (const field of ["name", "email"] as const) {
      if (!before.some((h) => h.startsWith(`${field} canary`))) failures.push(`control: the ${field} canary is not in the database before redaction: the search cannot see it, or the orders never arrived`);
    }
    const fortnoxCustomers = await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/customers`)).text();
    if (!contains(fortnoxCustomers, canaries.name)) failures.push("control: no Fortnox customer carries the name canary: the orders were not booked, so the logs saw no booking");

    // The logs are only worth searching if they saw this work (LOG_LEVEL=warn or above keeps
    // the routine lines out; the refused PLN order still leaves its warning).
    if (!stack.output().includes(SHOP)) failures.push(`control: no log line mentions ${SHOP} (LOG_LEVEL=${stack.env.LOG_LEVEL}): searching the logs proves nothing`);

    // 1. Not in the logs, not in Redis, while the orders were booked. (Repeated searches report a
    //    hit once: the list is deduplicated at the end.)
    failures.push(...searchLogs(stack, canaries), ...(await searchRedis(stack, canaries)));

    // 2. customers/redact for each order's buyer: our copies go.
    for (const o of orders) {
      const payload = { shop_id: 1, shop_domain: SHOP, customer: { id: o.customer?.id ?? null, email: o.email, phone: null }, orders_to_redact: [o.id] };
      const sent = await stack.sendWebhook(SHOP, "customers/redact", payload);
      if (sent.deliveries[0]?.status !== 200) failures.push(`customers/redact for ${o.name} answered ${sent.deliveries[0]?.status}`);
    }
    failures.push(...(await searchDatabase(stack, canaries)).map((h) => `after customers/redact: ${h}`));
    failures.push(...searchLogs(stack, canaries), ...(await searchRedis(stack, canaries)));

    // 3. Uninstall, then shop/redact (Shopify sends it 48 h later): nothing of the shop is left.
    const ids = await rowIdsOf(stack, SHOP);
    if (!ids.length) failures.push("control: the shop had no rows before shop/redact");
    for (const [topic, payload] of [["app/uninstalled", { id: 1, domain: SHOP }], ["shop/redact", { shop_id: 1, shop_domain: SHOP }]] as const) {
      const sent = await stack.sendWebhook(SHOP, topic, payload);
      if (sent.deliveries[0]?.status !== 200) failures.push(`${topic} answered ${sent.deliveries[0]?.status}`);
    }
    for (const r of await dumpDatabase(stack)) {
      if (contains(r.text, SHOP)) failures.push(`after shop/redact: table ${r.table} still has a row of the shop: ${r.text.slice(0, 200)}`);
      else {
        const id = ids.find((i) => r.text.includes(i));
        if (id) failures.push(`after shop/redact: table ${r.table} still has a row that belonged to the shop (id ${id}): ${r.text.slice(0, 200)}`);
      }
      failures.push(...findIn(`table ${r.table}`, r.text, canaries).map((h) => `after shop/redact: ${h}`));
    }
    // The logs once more (they keep only their tail, so they were also searched along the way).
    failures.push(...searchLogs(stack, canaries), ...(await searchRedis(stack, canaries)));
    return { cases: orders.length, failures: [...new Set(failures)] };
  },
};
