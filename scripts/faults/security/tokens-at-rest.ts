import { decodeKey } from "~/env.server";
import { decrypt } from "~/lib/crypto.server";
import { FORTNOX_TENANT, fixtureOrder, withIdentity } from "../../../test/helpers/orders";
import { waitFor } from "../../../test/helpers/services";
import { postJson, waitSettled, type Stack } from "../../../test/helpers/stack";
import type { SecurityCheck } from "../types";
import { around, contains, dumpDatabase, dumpRedis } from "./support";

// Whoever gets a copy of the database (a backup, a leaked dump, a read-only SQL injection) must
// not get the merchants' keys to Fortnox and Shopify with it: every OAuth token is stored sealed
// (AES-256-GCM), and a sealed token is bound to its shop and provider, so copying one shop's
// token row onto another shop's row does not let the other shop use it.
//
// The simulators do not list the tokens they issued, so the plaintexts are recovered the way the
// app itself would: by opening the stored values with the app's own crypto and ENCRYPTION_KEY.
// That proves what the plaintext is; the dump is then searched for it (and for its encodings).

const SHOP_A = "sec-tokens-a.myshopify.com";
const SHOP_B = "sec-tokens-b.myshopify.com";

interface Sealed {
  where: string; // e.g. Connection(sec-tokens-a…, fortnox).accessTokenEnc
  sealed: string;
  context: string; // shop|provider, the binding the app uses
  shop: string;
}

async function sealedValues(stack: Stack): Promise<Sealed[]> {
  const db = stack.db.client;
  const out: Sealed[] = [];
  for (const c of await db.connection.findMany({ where: { shop: { in: [SHOP_A, SHOP_B] } } })) {
    for (const col of ["accessTokenEnc", "refreshTokenEnc"] as const) {
      const v = c[col];
      if (v) out.push({ where: `Connection(${c.shop}, ${c.provider}).${col}`, sealed: v, context: `${c.shop}|${c.provider}`, shop: c.shop });
    }
  }
  for (const s of await db.session.findMany({ where: { shop: { in: [SHOP_A, SHOP_B] } } })) {
    for (const col of ["accessToken", "refreshToken"] as const) {
      const v = s[col];
      if (v) out.push({ where: `Session(${s.id}).${col}`, sealed: v, context: `${s.shop}|shopify`, shop: s.shop });
    }
  }
  return out;
}

/** The token and the forms it could leak in: base64 of it, and its unguessable parts. */
function needles(token: string): string[] {
  const forms = new Set([token, Buffer.from(token).toString("base64"), Buffer.from(token).toString("base64url"), encodeURIComponent(token)]);
  const parts = token.split(".");
  // A JWT's header ({"alg":…}) is the same for every token; its payload and signature are not.
  if (parts.length === 3) for (const p of parts.slice(1)) if (p.length >= 20) forms.add(p);
  const tail = token.split("_").pop()!;
  if (tail !== token && tail.length >= 16) forms.add(tail);
  return [...forms];
}

const flipBit = (sealed: string, part: 2 | 3): string => {
  const pieces = sealed.split(":");
  const raw = Buffer.from(pieces[part], "base64");
  if (!raw.length) return sealed;
  raw[raw.length - 1] ^= 1;
  pieces[part] = raw.toString("base64");
  return pieces.join(":");
};

const opens = (sealed: string, context: string, key: Buffer): boolean => {
  try { decrypt(sealed, context, key); return true; } catch { return false; }
};

async function invoicesFor(stack: Stack, gid: string): Promise<unknown[]> {
  const body = await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/invoices`)).json() as { Invoices: { ExternalInvoiceReference1?: string }[] };
  return body.Invoices.filter((i) => i.ExternalInvoiceReference1 === gid);
}

export const check: SecurityCheck = {
  name: "a dump of the database contains no plaintext access or refresh token; a token row copied to another shop does not decrypt",
  // The tokens there are to check: 2 shops × (Fortnox + Shopify) × (access + refresh), and the
  // refreshed Fortnox and Shopify pairs of shop A. The count does not scale.
  cases: { ci: 12, full: 12 },
  async run(stack) {
    const failures: string[] = [];
    const key = decodeKey(stack.env.ENCRYPTION_KEY);
    if (!key) return { cases: 0, failures: ["stack.env.ENCRYPTION_KEY is not a key the app accepts"] };
    const db = stack.db.client;

    await stack.installAndConnect(SHOP_A);
    await stack.installAndConnect(SHOP_B);

    // Every token the product holds, from connecting and from refreshing: both get sealed.
    const plaintexts = new Map<string, string>(); // token -> where it was found
    const collect = async () => {
      for (const s of await sealedValues(stack)) {
        if (!s.sealed.startsWith("v1:")) { failures.push(`${s.where} is not a sealed value (starts ${JSON.stringify(s.sealed.slice(0, 6))}): a token stored in clear`); continue; }
        try {
          plaintexts.set(decrypt(s.sealed, s.context, key), s.where);
        } catch (e) {
          failures.push(`${s.where} does not open with its own binding ${s.context}: the check cannot learn its plaintext (${(e as Error).message})`);
        }
      }
    };
    await collect();
    const connected = plaintexts.size;
    // Expire the Fortnox and Shopify access tokens (Shopify's as the app also knows it, by the
    // stored expiry); booking an order makes the worker refresh both and store the new pairs.
    await postJson(`${stack.fortnoxSim!.url}/__sim/expire-tokens`, {});
    await postJson(`${stack.shopifySim.url}/__sim/expire-tokens`, { shop: SHOP_A });
    await db.session.updateMany({ where: { shop: SHOP_A }, data: { expires: new Date(Date.now() - 1000) } });
    const orderA = withIdentity(fixtureOrder("simple-1001.json"), 7_810_000_000_001, 78_101);
    await stack.sendWebhook(SHOP_A, "orders/paid", orderA);
    await waitSettled(stack, SHOP_A, 1);
    await collect();
    if (plaintexts.size <= connected) failures.push(`no new token after expiring the access tokens and booking an order (${plaintexts.size} tokens): the refresh path was not covered`);

    // 1. No plaintext token (nor its base64, nor its secret parts) anywhere in the database,
    //    nor in Redis or the logs while we are at it.
    const rows = await dumpDatabase(stack);
    const keys = await dumpRedis(stack);
    const logs = stack.output();
    for (const [token, where] of plaintexts) {
      for (const n of needles(token)) {
        const label = n === token ? "the token" : `a form of it (${n.length} chars)`;
        for (const r of rows) if (contains(r.text, n)) failures.push(`plaintext of ${where}: ${label} is in table ${r.table}: …${around(r.text, n, 40)}…`);
        for (const k of keys) if (contains(k.key + k.text, n)) failures.push(`plaintext of ${where}: ${label} is in Redis key ${k.key} (${k.type})`);
        if (contains(logs, n)) failures.push(`plaintext of ${where}: ${label} is in the logs: …${around(logs, n, 60)}…`);
      }
    }

    // 2. A sealed value opens only with its own binding, and not after a bit of it changed.
    const sealed = await sealedValues(stack);
    for (const s of sealed) {
      const other = s.shop === SHOP_A ? s.context.replace(SHOP_A, SHOP_B) : s.context.replace(SHOP_B, SHOP_A);
      if (opens(s.sealed, other, key)) failures.push(`${s.where} opens with another shop's binding (${other}): a row copied to that shop would work there`);
      const otherProvider = s.context.endsWith("|shopify") ? s.context.replace(/\|shopify$/, "|fortnox") : s.context.replace(/\|[^|]+$/, "|shopify");
      if (opens(s.sealed, otherProvider, key)) failures.push(`${s.where} opens with another provider's binding (${otherProvider})`);
      for (const part of [2, 3] as const) if (opens(flipBit(s.sealed, part), s.context, key)) failures.push(`${s.where} still opens with one bit of its ${part === 2 ? "tag" : "ciphertext"} flipped`);
    }

    // 3. The attack itself, through the product: shop A's sealed Fortnox tokens copied onto shop
    //    B's connection row. If the app opened them, B's next order would be booked with A's keys.
    const a = await db.connection.findUniqueOrThrow({ where: { shop_provider: { shop: SHOP_A, provider: "fortnox" } } });
    const b = await db.connection.findUniqueOrThrow({ where: { shop_provider: { shop: SHOP_B, provider: "fortnox" } } });
    const orderB = withIdentity(fixtureOrder("simple-1001.json"), 7_810_000_000_002, 78_102);
    await db.connection.update({ where: { id: b.id }, data: { accessTokenEnc: a.accessTokenEnc, refreshTokenEnc: a.refreshTokenEnc, expiresAt: a.expiresAt } });
    try {
      const sent = await stack.sendWebhook(SHOP_B, "orders/paid", orderB);
      if (sent.deliveries[0]?.status !== 200) failures.push(`shop B's order was not accepted (${sent.deliveries[0]?.status}): the copied-row attack was not exercised`);
      // Wait for the worker's first finished attempt at B's invoice with the copied tokens.
      const attempt = await waitFor("an attempt at shop B's invoice with shop A's tokens", async () => {
        const job = await db.syncJob.findFirst({ where: { shop: SHOP_B, kind: "invoice", subjectId: orderB.admin_graphql_api_id }, include: { history: true } });
        return job?.history.find((h) => h.status !== "running") ? job : null;
      }, 60_000, 250).catch((e) => { failures.push(`shop B's invoice job never finished an attempt with the copied tokens: ${(e as Error).message}`); return null; });
      if (attempt?.status === "succeeded") failures.push("shop B's order was booked while B's connection row held shop A's sealed tokens: the copied row decrypted and was used");
      if ((await invoicesFor(stack, orderB.admin_graphql_api_id)).length) failures.push("an invoice for shop B's order exists in Fortnox while B's row held A's tokens");
      const logs2 = stack.output();
      for (const [token, where] of plaintexts) if (contains(logs2, token)) failures.push(`plaintext of ${where} is in the logs after the copied-row attempt`);
    } finally {
      // Put B's own tokens back: the stack may serve other checks after this one.
      await db.connection.update({ where: { id: b.id }, data: { accessTokenEnc: b.accessTokenEnc, refreshTokenEnc: b.refreshTokenEnc, expiresAt: b.expiresAt, status: "active", lastError: null } });
    }
    // Control: with its own tokens back, B's job books. Otherwise the refusal above could have
    // had any cause, and would prove nothing about the copied row.
    await waitFor("shop B's invoice to book with B's own tokens", () =>
      db.syncJob.findFirst({ where: { shop: SHOP_B, kind: "invoice", subjectId: orderB.admin_graphql_api_id, status: "succeeded" } }), 60_000, 250)
      .catch(async () => {
        const job = await db.syncJob.findFirst({ where: { shop: SHOP_B, kind: "invoice", subjectId: orderB.admin_graphql_api_id } });
        failures.push(`control: shop B's invoice did not book after its own tokens were put back (${job?.status}: ${job?.lastError}); the refusal with A's tokens proves nothing`);
      });

    // Session rows: the same copy, checked through the app's crypto with B's binding.
    const sa = await db.session.findFirst({ where: { shop: SHOP_A, isOnline: false } });
    if (sa?.accessToken && opens(sa.accessToken, `${SHOP_B}|shopify`, key)) failures.push("shop A's sealed Shopify access token opens as shop B's");
    if (sa?.refreshToken && opens(sa.refreshToken, `${SHOP_B}|shopify`, key)) failures.push("shop A's sealed Shopify refresh token opens as shop B's");

    return { cases: plaintexts.size, failures };
  },
};
