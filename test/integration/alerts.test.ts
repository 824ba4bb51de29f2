import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORTNOX_TENANT, fixtureOrder, withIdentity } from "../helpers/orders";
import { waitFor } from "../helpers/services";
import { postJson, startStack, waitSettled, type Stack } from "../helpers/stack";

// Alerts on the real stack: orders that fail for good raise one alert per cause, the opted-in
// shop gets exactly one e-mail naming them (the outbox transport), a shop that did not opt in
// gets none, and a revoked Fortnox authorisation raises "connection lost" until reconnecting.

const OPTED = "alerts-opted.myshopify.com";
const QUIET = "alerts-quiet.myshopify.com";
const outbox = mkdtempSync(path.join(tmpdir(), "kontera-outbox-"));
let stack: Stack;

const mails = () =>
  readdirSync(outbox).filter((f) => f.endsWith(".json")).map((f) => ({ file: f, ...JSON.parse(readFileSync(path.join(outbox, f), "utf8")) }));
const alerts = (shop: string) => stack.db.client.alert.findMany({ where: { shop } });

/** Fortnox does not know PLN: the invoice needs action (a permanent failure, not a retry). */
const plnOrder = (id: number, number: number) => {
  const order = withIdentity(fixtureOrder("simple-1001.json"), id, number);
  order.currency = "PLN";
  order.presentment_currency = "PLN";
  return order;
};

beforeAll(async () => {
  // A short gathering delay: both failures land in the first e-mail, seconds instead of a minute.
  stack = await startStack({ env: { MAIL_OUTBOX_DIR: outbox, ALERT_EMAIL_DELAY_MS: "4000" } });
  await stack.installAndConnect(OPTED);
  await stack.installAndConnect(QUIET);
  await stack.db.client.shop.update({ where: { shop: OPTED }, data: { settings: JSON.stringify({ alerts: { email: true }, language: "en" }) } });
});
afterAll(async () => { await stack?.stop(); });

describe("alerts", () => {
  it("raises one alert per cause for orders that fail for good, and e-mails only the shop that opted in, once", async () => {
    for (const [shop, base] of [[OPTED, 7300000000000], [QUIET, 7400000000000]] as const) {
      await stack.sendWebhook(shop, "orders/paid", plnOrder(base + 1, 3001));
      await stack.sendWebhook(shop, "orders/paid", plnOrder(base + 2, 3002));
    }
    for (const shop of [OPTED, QUIET]) {
      await waitSettled(stack, shop, 2);
      const open = await waitFor("the alert to count both orders", async () => {
        const a = await alerts(shop);
        return a.length === 1 && a[0].orderCount === 2 ? a : null;
      }, 20_000);
      expect(open[0]).toMatchObject({ kind: "job_failed", provider: "fortnox", jobStatus: "needs_action", resolvedAt: null, lastOrder: expect.stringMatching(/^#300[12]$/) });
      const codes = await stack.db.client.syncJob.findMany({ where: { shop, kind: "invoice" }, select: { lastErrorCode: true, status: true } });
      expect(codes.map((c) => c.status)).toEqual(["needs_action", "needs_action"]);
      expect(open[0].cause).toBe(codes[0].lastErrorCode);
    }

    const [mail] = await waitFor("the opted-in shop's e-mail", async () => (mails().length ? mails() : null), 20_000);
    expect(mail.to).toBe(`contact@${OPTED}`);
    expect(mail.shop).toBe(OPTED);
    expect(mail.subject).toBe("Kontera: 1 problem(s) booking alerts-opted's orders");
    expect(mail.text).toMatch(/2 order\(s\) could not be booked in Fortnox \(cause: \w+/);
    expect(mail.text).toMatch(/Orders: #300[12], #300[12]/);
    expect(mail.text).toContain(`/store/alerts-opted/apps/`);
    expect(mail.text).toContain(`/app/failures`);
    const eml = readFileSync(path.join(outbox, mail.file.replace(/\.json$/, ".eml")), "utf8");
    expect(eml).toMatch(/^From: Kontera <alerts@kontera\.invalid>\r\nTo: contact@alerts-opted\.myshopify\.com\r\n/);
    const body = Buffer.from(eml.split("\r\n\r\n")[1], "base64").toString("utf8");
    expect(body).toBe(mail.text.replace(/\n/g, "\r\n"));
    // Nothing of the buyer: the fixture's customer e-mail appears nowhere in the message.
    const buyer = fixtureOrder("simple-1001.json");
    expect(eml + body).not.toContain(buyer.email ?? buyer.customer?.email);
    expect((await alerts(OPTED))[0].emailedTo).toBe(`contact@${OPTED}`);

    // A sweep tick later (every 2 s here), still exactly that one: the alert went out, and the
    // quiet shop never opted in.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(mails()).toHaveLength(1);
    expect((await alerts(QUIET))[0].emailedAt).toBeNull();
  });

  it("raises connection_lost when Fortnox refuses the refresh token, and resolves it on reconnect", async () => {
    await postJson(`${stack.fortnoxSim!.url}/__sim/revoke-refresh-tokens`, {});
    await postJson(`${stack.fortnoxSim!.url}/__sim/expire-tokens`, {});
    const order = withIdentity(fixtureOrder("simple-1001.json"), 7300000000010, 3010);
    await stack.sendWebhook(OPTED, "orders/paid", order);
    const lost = await waitFor("connection_lost with the paused order", async () => {
      const a = (await alerts(OPTED)).find((x) => x.kind === "connection_lost");
      return a?.orderCount === 1 ? a : null;
    }, 20_000);
    expect(lost).toMatchObject({ provider: "fortnox", cause: "reauth_required", resolvedAt: null, lastOrder: "#3010" });
    expect((await stack.db.client.connection.findFirstOrThrow({ where: { shop: OPTED } })).status).toBe("reauth_required");

    await stack.installAndConnect(OPTED);
    const after = await stack.db.client.alert.findUniqueOrThrow({ where: { id: lost.id } });
    expect(after.resolvedAt).not.toBeNull();
    await waitFor("the paused order to be booked", () => stack.db.client.syncJob.findFirst({ where: { subjectId: order.admin_graphql_api_id, status: "succeeded" } }), 30_000);
    // The job alert is untouched by the reconnect: its orders still need action.
    expect((await alerts(OPTED)).find((x) => x.kind === "job_failed")?.resolvedAt).toBeNull();
    // Within the shop's 15 minutes, the new alert waits: still one e-mail.
    expect(mails()).toHaveLength(1);
  });

  it("resolves the job alert once no order is left failing with its cause (fixed in Fortnox, replayed)", async () => {
    await postJson(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/currencies`, { Code: "PLN", BuyRate: 2.6, SellRate: 2.7 });
    const failing = await stack.db.client.syncJob.findMany({ where: { shop: OPTED, kind: "invoice", status: "needs_action" } });
    expect(failing).toHaveLength(2);
    const [first, second] = failing;
    expect((await stack.adminFetch(OPTED, `/app/jobs/${first.id}/replay`, { method: "POST" })).status).toBe(200);
    await waitFor("one order booked, the alert counting the other", async () => {
      const a = (await alerts(OPTED)).find((x) => x.kind === "job_failed");
      return a?.orderCount === 1 && !a.resolvedAt ? a : null;
    }, 30_000);
    expect((await stack.adminFetch(OPTED, `/app/jobs/${second.id}/replay`, { method: "POST" })).status).toBe(200);
    await waitFor("the alert to resolve", async () => (await alerts(OPTED)).find((x) => x.kind === "job_failed" && x.resolvedAt), 30_000);
  });
});
