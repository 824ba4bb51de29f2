import { createHmac } from "node:crypto";
import http from "node:http";
import { generateOrders } from "../../../test/fixtures/shopify/orders";
import type { Stack } from "../../../test/helpers/stack";
import type { SecurityCheck } from "../types";
import { prng } from "../../../test/fixtures/shopify/orders";
import { randomHex, seedFromEnv, webhookHeaders } from "./support";

// Anyone on the internet can POST to /webhooks/orders. Only a delivery signed with the app secret
// over exactly these bytes, with the headers Shopify sends and an order we can read, may become a
// WebhookEvent or a SyncJob; everything else must be refused with 401 (bad or missing signature),
// 400 (signed but unusable) or 413 (too large), never 200 and never a 5xx (a 5xx makes Shopify
// retry, and means the app choked on input it should have refused). The cases are drawn from a
// seeded PRNG, so a failure line's seed and case number replay it (FAULTS_SEED=<seed>).

const SHOP = "sec-webhook-bodies.myshopify.com";
const CONTROL_SHOP = "sec-webhook-control.myshopify.com";
const ORDER_TOPICS = ["orders/create", "orders/paid", "orders/updated", "orders/cancelled", "refunds/create"];
const INVOICE_TOPICS = ["orders/create", "orders/paid", "orders/updated", "orders/cancelled"];
const MAX_BODY_BYTES = 2 * 1024 * 1024;
const OVERSIZED_PER_RUN = 4;
const CONCURRENCY = 20;
const REQUEST_TIMEOUT_MS = 15_000;

type Kind =
  | "forged-hmac" | "missing-hmac" | "flipped-hmac" | "other-secret" | "truncated" | "bit-flip" | "reserialized"
  | "garbage-forged" | "garbage-signed" | "broken-json" | "wrong-shape" | "missing-headers" | "bad-shop" | "wrong-topic"
  | "oversized";

const WEIGHTS: [Kind, number][] = [
  ["forged-hmac", 10], ["missing-hmac", 3], ["flipped-hmac", 5], ["other-secret", 8], ["truncated", 8], ["bit-flip", 10],
  ["reserialized", 4], ["garbage-forged", 5], ["garbage-signed", 6], ["broken-json", 10], ["wrong-shape", 14],
  ["missing-headers", 8], ["bad-shop", 5], ["wrong-topic", 4], ["oversized", 1],
];

interface Case {
  kind: Kind;
  detail: string;
  body: Buffer;
  headers: Record<string, string>;
  /** Send without Content-Length (chunked), so only the check on the bytes read can stop it. */
  streamed?: boolean;
  expect: 400 | 401 | 413;
}

const sign = (body: Buffer | string, secret: string) => createHmac("sha256", secret).update(body).digest("base64");

function isJson(body: Buffer): boolean {
  try { JSON.parse(body.toString("utf8")); return true; } catch { return false; }
}

/** The first line to break (an earlier mutation may have taken the lines away: the order is broken already). */
const firstLine = (o: any): any => (Array.isArray(o.line_items) && o.line_items[0] && typeof o.line_items[0] === "object" ? o.line_items[0] : {});

/** Mutations of an order that no reading of Shopify's order contract accepts. */
const SHAPE_BREAKERS: [string, (o: any) => unknown][] = [
  ["id missing", (o) => { delete o.id; return o; }],
  ["id a string", (o) => { o.id = String(o.id); return o; }],
  ["id negative", (o) => { o.id = -o.id; return o; }],
  ["id fractional", (o) => { o.id = o.id + 0.5; return o; }],
  ["gid of a customer", (o) => { o.admin_graphql_api_id = "gid://shopify/Customer/1"; return o; }],
  ["gid missing", (o) => { delete o.admin_graphql_api_id; return o; }],
  ["name missing", (o) => { delete o.name; return o; }],
  ["name empty", (o) => { o.name = ""; return o; }],
  ["currency lowercase", (o) => { o.currency = "sek"; return o; }],
  ["currency missing", (o) => { delete o.currency; return o; }],
  ["taxes_included a string", (o) => { o.taxes_included = "true"; return o; }],
  ["created_at missing", (o) => { delete o.created_at; return o; }],
  ["total_price a number", (o) => { o.total_price = Number(o.total_price); return o; }],
  ["total_price 3 decimals", (o) => { o.total_price = "100.001"; return o; }],
  ["total_price not money", (o) => { o.total_price = "NaN"; return o; }],
  ["line_items empty", (o) => { o.line_items = []; return o; }],
  ["line_items missing", (o) => { delete o.line_items; return o; }],
  ["line_items an object", (o) => { o.line_items = { 0: firstLine(o) }; return o; }],
  ["line quantity 0", (o) => { firstLine(o).quantity = 0; return o; }],
  ["line price not money", (o) => { firstLine(o).price = "12,50"; return o; }],
  ["tax rate 25 (not 0.25)", (o) => { firstLine(o).tax_lines = [{ rate: 25, price: "1.00", title: "Moms" }]; return o; }],
  ["customer id a string", (o) => { o.customer = { ...(o.customer ?? {}), id: "abc" }; return o; }],
  ["body an array", (o) => [o]],
  ["body null", () => null],
  ["body a number", () => 42],
  ["body a string", (o) => JSON.stringify(o)],
  ["body true", () => true],
  ["body an empty object", () => ({})],
];

const BAD_SHOPS = [
  "evil.com", "sec-webhook-bodies.myshopify.com.evil.test", "Sec-Webhook-Bodies.myshopify.com", "127.0.0.1",
  "sec-webhook-bodies.myshopify.com/../admin", "evil.com/x.myshopify.com", "-x.myshopify.com", "x.myshopify.co",
  "sec webhook.myshopify.com", "xn--sc-webhook.myshopify.com.", "a.b.myshopify.com", "myshopify.com",
];
const WRONG_TOPICS = ["shop/redact", "customers/redact", "customers/data_request", "app/uninstalled", "products/update", "orders/delete", "ORDERS/PAID", "orders/paid/x", "orders"];
const REQUIRED_HEADERS = ["X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-Webhook-Id", "X-Shopify-API-Version"];

/** The cases, drawn one at a time (building 10,000 bodies up front would cost seconds and 100 MB). */
export function* generateCases(count: number, seed: number, secret: string, apiKey: string): Generator<Case> {
  const rnd = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const bytes = (n: number) => { const b = Buffer.allocUnsafe(n); for (let j = 0; j < n; j++) b[j] = (rnd() * 256) | 0; return b; };
  const uuid = () => `${randomHex(rnd, 8)}-${randomHex(rnd, 4)}-4${randomHex(rnd, 3)}-a${randomHex(rnd, 3)}-${randomHex(rnd, 12)}`;
  const total = WEIGHTS.reduce((a, [, w]) => a + w, 0);
  const drawKind = (): Kind => {
    let x = rnd() * total;
    for (const [k, w] of WEIGHTS) if ((x -= w) < 0) return k;
    return WEIGHTS[0][0];
  };
  // A pool of realistic orders; every case gets its own order id and event id, so anything that
  // got through would be a new row, never a duplicate swallowed by a unique key.
  // (Kept as JSON with placeholder identities that a string replace fills in: parsing and
  // serialising 10,000 orders would cost more than sending them.)
  const PLACEHOLDER = 1_999_999_999_900;
  const pool = generateOrders(25, { seed, startOrderNumber: 70_001, shop: SHOP }).map((o, k) =>
    JSON.stringify({ ...o, id: PLACEHOLDER + k, admin_graphql_api_id: `gid://shopify/Order/${PLACEHOLDER + k}`, name: "#S-PLACEHOLDER" }));
  const validText = (i: number) => pool[i % pool.length].replaceAll(String(PLACEHOLDER + (i % pool.length)), String(7_900_000_000_000 + i)).replace('"#S-PLACEHOLDER"', `"#S${i}"`);
  const order = (i: number): any => JSON.parse(validText(i));
  const headersFor = (body: Buffer, topic = pick(ORDER_TOPICS)): Record<string, string> => ({
    "Content-Type": "application/json",
    "User-Agent": "Shopify-Captain-Hook",
    "X-Shopify-Hmac-Sha256": sign(body, secret),
    "X-Shopify-Topic": topic,
    "X-Shopify-Shop-Domain": SHOP,
    "X-Shopify-Webhook-Id": uuid(),
    "X-Shopify-Event-Id": uuid(),
    "X-Shopify-Triggered-At": new Date().toISOString(),
    "X-Shopify-API-Version": "2026-07",
  });

  let oversized = 0;
  for (let i = 0; i < count; i++) {
    let kind = drawKind();
    while (kind === "oversized" && oversized >= OVERSIZED_PER_RUN) kind = drawKind();
    const valid = Buffer.from(validText(i));
    const h = headersFor(valid);
    switch (kind) {
      case "forged-hmac": {
        const variant = int(0, 3);
        const forged = [bytes(32).toString("base64"), bytes(int(0, 64)).toString("base64"), randomHex(rnd, 64), `${sign(valid, secret).slice(0, -4)}AAA=`][variant];
        yield ({ kind, detail: ["random 32 bytes", "random length", "hex garbage", "right prefix, wrong tail"][variant], body: valid, headers: { ...h, "X-Shopify-Hmac-Sha256": forged }, expect: 401 });
        break;
      }
      case "missing-hmac": {
        const variant = int(0, 2);
        const headers = { ...h };
        if (variant === 0) delete (headers as Record<string, string>)["X-Shopify-Hmac-Sha256"];
        else headers["X-Shopify-Hmac-Sha256"] = variant === 1 ? "" : "   ";
        yield ({ kind, detail: ["header absent", "header empty", "header blank"][variant], body: valid, headers, expect: 401 });
        break;
      }
      case "flipped-hmac": {
        const mac = Buffer.from(h["X-Shopify-Hmac-Sha256"], "base64");
        const bit = int(0, mac.length * 8 - 1);
        mac[bit >> 3] ^= 1 << (bit & 7);
        yield ({ kind, detail: `bit ${bit} of the signature`, body: valid, headers: { ...h, "X-Shopify-Hmac-Sha256": mac.toString("base64") }, expect: 401 });
        break;
      }
      case "other-secret": {
        const variant = int(0, 5);
        const other = [
          () => sign(valid, `old-${secret.slice(4)}`), // a rotated-out secret
          () => sign(valid, apiKey), // the public client id
          () => sign(valid, ""),
          () => sign(valid, secret.slice(0, -1) + (secret.endsWith("0") ? "1" : "0")),
          () => createHmac("sha256", secret).update(valid).digest("hex"), // right key, hex instead of base64
          () => createHmac("sha1", secret).update(valid).digest("base64"),
        ][variant]();
        yield ({ kind, detail: ["old secret", "api key as secret", "empty secret", "secret off by one char", "hex digest", "HMAC-SHA1"][variant], body: valid, headers: { ...h, "X-Shopify-Hmac-Sha256": other }, expect: 401 });
        break;
      }
      case "truncated": {
        const cut = int(0, valid.length - 1);
        yield ({ kind, detail: `signed ${valid.length} bytes, sent ${cut}`, body: valid.subarray(0, cut), headers: h, expect: 401 });
        break;
      }
      case "bit-flip": {
        const body = Buffer.from(valid);
        const flips = int(1, 3);
        const at: number[] = [];
        for (let f = 0; f < flips; f++) { const bit = int(0, body.length * 8 - 1); at.push(bit); body[bit >> 3] ^= 1 << (bit & 7); }
        if (body.equals(valid)) body[0] ^= 1; // two flips of one bit cancel: flip another
        yield ({ kind, detail: `bits ${at.join(",")} flipped after signing`, body, headers: h, expect: 401 });
        break;
      }
      case "reserialized": {
        const variant = int(0, 2);
        const parsed = JSON.parse(valid.toString());
        const again = Buffer.from([JSON.stringify(parsed, null, 2), JSON.stringify(parsed) + "\n", JSON.stringify(Object.fromEntries(Object.entries(parsed).reverse()))][variant]);
        yield ({ kind, detail: ["pretty-printed after signing", "newline added after signing", "keys reordered after signing"][variant], body: again, headers: h, expect: 401 });
        break;
      }
      case "garbage-forged": {
        const body = bytes(int(0, 4096));
        yield ({ kind, detail: `${body.length} random bytes, random signature`, body, headers: { ...headersFor(body), "X-Shopify-Hmac-Sha256": bytes(32).toString("base64") }, expect: 401 });
        break;
      }
      case "garbage-signed": {
        let body = bytes(int(0, 4096));
        while (isJson(body)) body = bytes(int(1, 4096)); // "7" is JSON; it would be a wrong-shape case
        yield ({ kind, detail: `${body.length} random bytes, correctly signed`, body, headers: headersFor(body), expect: 400 });
        break;
      }
      case "broken-json": {
        const text = valid.toString();
        let broken = text;
        let how = "";
        for (let tries = 0; isJson(Buffer.from(broken)) && tries < 50; tries++) {
          const at = int(0, text.length - 1);
          const variant = int(0, 5);
          how = ["truncated", "char deleted", "brace inserted", "quote deleted", "trailing comma", "NaN value"][variant] + ` at ${at}`;
          broken = [
            () => text.slice(0, at),
            () => text.slice(0, at) + text.slice(at + 1),
            () => text.slice(0, at) + "{" + text.slice(at),
            () => { const q = text.indexOf('"', at); return q < 0 ? text.slice(0, -1) : text.slice(0, q) + text.slice(q + 1); },
            () => text.slice(0, -1) + ",}",
            () => text.replace(/"total_price":"[^"]*"/, '"total_price":NaN'),
          ][variant]();
        }
        if (isJson(Buffer.from(broken))) { broken = text.slice(0, -1); how = "last brace dropped"; }
        const body = Buffer.from(broken);
        yield ({ kind, detail: `${how}, correctly signed`, body, headers: headersFor(body, pick(INVOICE_TOPICS)), expect: 400 });
        break;
      }
      case "wrong-shape": {
        const n = int(1, 2);
        let payload: unknown = order(i);
        const what: string[] = [];
        for (let m = 0; m < n; m++) {
          const [name, mutate] = pick(SHAPE_BREAKERS);
          if (what.includes(name)) continue; // "id fractional" twice would be whole again
          if (!payload || typeof payload !== "object" || Array.isArray(payload)) break;
          what.push(name);
          payload = mutate(payload);
        }
        const body = Buffer.from(JSON.stringify(payload));
        const topic = pick(INVOICE_TOPICS);
        yield ({ kind, detail: `${what.join(" + ")} (${topic}), correctly signed`, body, headers: headersFor(body, topic), expect: 400 });
        break;
      }
      case "missing-headers": {
        const headers = { ...h };
        const gone = REQUIRED_HEADERS.filter(() => rnd() < 0.4);
        if (!gone.length) gone.push(pick(REQUIRED_HEADERS));
        const blank = rnd() < 0.3;
        for (const name of gone) { if (blank) headers[name] = " "; else delete headers[name]; }
        yield ({ kind, detail: `${gone.join(", ")} ${blank ? "blank" : "absent"}`, body: valid, headers, expect: 400 });
        break;
      }
      case "bad-shop": {
        const shop = pick(BAD_SHOPS);
        yield ({ kind, detail: `shop domain ${JSON.stringify(shop)}`, body: valid, headers: { ...h, "X-Shopify-Shop-Domain": shop }, expect: 400 });
        break;
      }
      case "wrong-topic": {
        const topic = pick(WRONG_TOPICS);
        yield ({ kind, detail: `topic ${topic} sent to the orders address`, body: valid, headers: { ...h, "X-Shopify-Topic": topic }, expect: 400 });
        break;
      }
      case "oversized": {
        oversized++;
        const o: any = order(i);
        o.note = "x".repeat(MAX_BODY_BYTES + int(1, 64 * 1024));
        const body = Buffer.from(JSON.stringify(o));
        const streamed = oversized % 2 === 0;
        yield ({ kind, detail: `${body.length} bytes, correctly signed, ${streamed ? "chunked (no Content-Length)" : "with Content-Length"}`, body, headers: headersFor(body, "orders/paid"), streamed, expect: 413 });
        break;
      }
    }
  }
}

async function send(url: string, c: Pick<Case, "body" | "headers">): Promise<number | string> {
  try {
    const res = await fetch(url, { method: "POST", headers: c.headers, body: new Uint8Array(c.body), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await res.arrayBuffer().catch(() => undefined);
    return res.status;
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    return `no answer (${err.cause?.code ?? err.cause?.message ?? err.message})`;
  }
}

/**
 * Oversized deliveries go on a connection of their own (node:http, one kept-alive socket), and a
 * small forged delivery follows on that same connection: Shopify reuses connections, so a refusal
 * that breaks the connection breaks the next delivery too. Returns both answers.
 */
function sendOnOwnConnection(url: string, c: Case): Promise<[number | string, number | string]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const u = new URL(url);
  const one = (body: Buffer, headers: Record<string, string>, streamed: boolean) => new Promise<number | string>((resolve) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname, method: "POST", agent, timeout: REQUEST_TIMEOUT_MS, headers: streamed ? headers : { ...headers, "Content-Length": String(body.length) } },
      (res) => { res.resume(); res.on("end", () => resolve(res.statusCode ?? "no status")); res.on("error", (e) => resolve(`no answer (${(e as NodeJS.ErrnoException).code ?? e.message})`)); },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve(`no answer (${(e as NodeJS.ErrnoException).code ?? e.message})`));
    if (!streamed) { req.end(body); return; }
    for (let at = 0; at < body.length; at += 64 * 1024) req.write(body.subarray(at, at + 64 * 1024));
    req.end();
  });
  return (async () => {
    try {
      const first = await one(c.body, c.headers, Boolean(c.streamed));
      const next = Buffer.from('{"id":1}');
      const second = await one(next, { ...c.headers, "X-Shopify-Hmac-Sha256": Buffer.alloc(32).toString("base64") }, false);
      return [first, second] as [number | string, number | string];
    } finally {
      agent.destroy();
    }
  })();
}

/** Every case's order id starts with this (7 900 000 000 000 + case number), whatever shop it names. */
const CASE_ORDER_PREFIX = "gid://shopify/Order/79";

async function rowCounts(stack: Stack, shops: string[]) {
  const db = stack.db.client;
  const [events, jobs, eventsForOrders, jobsForOrders] = await Promise.all([
    db.webhookEvent.count({ where: { shop: { in: shops } } }),
    db.syncJob.count({ where: { shop: { in: shops } } }),
    db.webhookEvent.count({ where: { subjectId: { startsWith: CASE_ORDER_PREFIX } } }),
    db.syncJob.count({ where: { OR: [{ subjectId: { startsWith: CASE_ORDER_PREFIX } }, { orderId: { startsWith: CASE_ORDER_PREFIX } }] } }),
  ]);
  return { events, jobs, eventsForOrders, jobsForOrders };
}

export const check: SecurityCheck = {
  name: "forged, truncated, re-signed-with-old-secret, oversized and fuzzed webhook bodies",
  cases: { ci: 2000, full: 10000 },
  async run(stack, count) {
    const seed = seedFromEnv();
    const secret = stack.env.SHOPIFY_API_SECRET;
    const url = `${stack.appUrl}/webhooks/orders`;
    // Every shop domain a case can name: the target, and the malformed ones (refused by pattern).
    const shops = [SHOP, ...BAD_SHOPS];
    const before = await rowCounts(stack, shops);

    const failures: string[] = [];
    const cases = generateCases(count, seed, secret, stack.env.SHOPIFY_API_KEY);
    let sent = 0;
    const report = (i: number, c: Case, got: number | string, next?: number | string) => {
      if (next !== undefined && next !== 401) {
        failures.push(`seed ${seed} case ${i} ${c.kind} (${c.detail}): the next delivery on the same kept-alive connection (forged, should be 401) got ${next}: the refusal left the connection unusable without saying Connection: close`);
      }
      if (got === c.expect) return;
      const verdict = got === 200 ? "ACCEPTED" : typeof got === "number" && got >= 500 ? "server error" : "wrong refusal";
      failures.push(`seed ${seed} case ${i} ${c.kind} (${c.detail}): expected ${c.expect}, got ${got} [${verdict}]`);
    };
    // CONCURRENCY senders pull the next case in turn, so the draw order (and so each case) is
    // the same on every run with this seed.
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const next = cases.next();
        if (next.done) return;
        const i = sent++;
        const c = next.value;
        if (c.kind !== "oversized") { report(i, c, await send(url, c)); continue; }
        const [first, after] = await sendOnOwnConnection(url, c);
        report(i, c, first, after);
      }
    }));

    // Anything accepted would have committed before its answer; a moment for stragglers anyway.
    await new Promise((r) => setTimeout(r, 500));
    const after = await rowCounts(stack, shops);
    for (const k of Object.keys(before) as (keyof typeof before)[]) {
      if (after[k] !== before[k]) failures.push(`seed ${seed}: ${k} went from ${before[k]} to ${after[k]} (rows recorded for refused deliveries)`);
    }

    // Controls: the same signing and the same counting let a genuine delivery through, also one
    // just under the size limit. Without them every 400 above could be the harness signing wrong.
    const controls: { name: string; size: number }[] = [{ name: "a genuine delivery", size: 0 }, { name: "a genuine delivery just under 2 MB", size: MAX_BODY_BYTES - 64 * 1024 }];
    for (const [n, ctl] of controls.entries()) {
      const gid = 6_999_000_000_000 + n;
      const o: any = { ...generateOrders(1, { seed, startOrderNumber: 79_001 + n, shop: CONTROL_SHOP })[0], id: gid, admin_graphql_api_id: `gid://shopify/Order/${gid}` };
      const body0 = Buffer.from(JSON.stringify(o));
      if (ctl.size) o.note = "y".repeat(ctl.size - body0.length);
      const body = Buffer.from(JSON.stringify(o));
      const eventId = `control-${seed}-${n}`;
      const status = await send(url, { body, headers: webhookHeaders(body, secret, CONTROL_SHOP, "orders/paid", eventId) });
      const recorded = await stack.db.client.webhookEvent.count({ where: { shop: CONTROL_SHOP, eventId } });
      if (status !== 200 || recorded !== 1) failures.push(`control: ${n === 0 ? "" : `${body.length} bytes, `}${ctl.name} answered ${status} and recorded ${recorded} events (expected 200 and 1): the check's own signing or counting is off, or the app refuses good deliveries`);
    }
    return { cases: sent, failures };
  },
};
