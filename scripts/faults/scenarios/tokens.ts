import { generateOrders } from "../../../test/fixtures/shopify/orders";
import { waitFor } from "../../../test/helpers/services";
import { postJson, type Stack } from "../../../test/helpers/stack";
import { countInvoices, settle } from "../count";
import type { FaultTarget } from "../target";
import type { Scenario } from "../types";
import { deliver, simFaults, simFaultsUsed, simStats, connect } from "./support";

// Fortnox refresh tokens are single-use. Twenty jobs meeting an expired access token must refresh
// it once; a worker that dies after Fortnox rotated the pair but before we saved it has lost the
// connection for good: the merchant must be asked to reconnect, and nothing may fail meanwhile.

/** Both sides agree the access token is dead: the provider expired it and our copy is past its time. */
async function expireTokens(stack: Stack, target: FaultTarget, shop: string) {
  await postJson(`${target.sim(stack).url}/__sim/expire-tokens`, {});
  await stack.db.client.connection.updateMany({ where: { shop }, data: { expiresAt: new Date(Date.now() - 1000) } });
}

export const tokenRace: Scenario = {
  name: "20 jobs racing an expired access token: one refresh, no invalid_grant",
  runs: { ci: 1, full: 10 },
  async run(stack, runs, target) {
    const shop = "faults-token-race.myshopify.com";
    await connect(stack, target, shop);
    const all: string[] = [];
    for (let run = 0; run < runs; run++) {
      await settle(stack, shop, 60_000);
      const before = await simStats(stack, target);
      await expireTokens(stack, target, shop);
      const orders = generateOrders(20, { seed: (Date.now() + run) % 100_000, startOrderNumber: 26_001 + run * 20, shop });
      all.push(...orders.map((o) => o.admin_graphql_api_id));
      await Promise.all(orders.map((o) => deliver(stack, shop, "orders/paid", o)));
      await settle(stack, shop, 120_000);
      const after = await simStats(stack, target);
      if (after.refreshes - before.refreshes !== 1 || after.invalidGrants !== before.invalidGrants) {
        throw new Error(`run ${run + 1}: ${after.refreshes - before.refreshes} refreshes and ${after.invalidGrants - before.invalidGrants} invalid_grant for one expired token`);
      }
    }
    return countInvoices(stack, target, shop, runs, all);
  },
};

export const tokenLostInCrash: Scenario = {
  name: "worker killed between the token answer and our save: reauth_required, jobs paused, booked after reconnecting",
  runs: { ci: 1, full: 5 },
  async run(stack, runs, target) {
    const shop = "faults-token-crash.myshopify.com";
    await connect(stack, target, shop);
    const all: string[] = [];
    for (let run = 0; run < runs; run++) {
      await settle(stack, shop, 60_000);
      // Fortnox rotates the pair, then holds its answer until the worker is dead (set up first, so
      // whichever job refreshes, it meets the hold).
      await simFaults(stack, target, [{ method: "POST", path: target.paths.token, count: 1, delayMs: 5_000, afterCommit: true }]);
      await expireTokens(stack, target, shop);
      const orders = generateOrders(20, { seed: (Date.now() + run) % 100_000, startOrderNumber: 27_001 + run * 20, shop });
      all.push(...orders.map((o) => o.admin_graphql_api_id));
      await Promise.all(orders.map((o) => deliver(stack, shop, "orders/paid", o)));
      await simFaultsUsed(stack, target).catch(async (e) => {
        const c = await stack.db.client.connection.findFirst({ where: { shop } });
        const jobs = await stack.db.client.syncJob.groupBy({ by: ["status"], where: { shop }, _count: true });
        throw new Error(`${e.message} (run ${run + 1}; connection ${c?.status}, expires ${c?.expiresAt?.toISOString()}; jobs ${JSON.stringify(jobs)})`);
      });
      await stack.stopWorker("SIGKILL");
      await stack.startWorker();

      // The next refresh meets the spent token: the merchant is asked, every job waits for them.
      const refs = new Set(orders.map((o) => o.admin_graphql_api_id));
      await waitFor("the connection to need the merchant and the jobs to pause", async () => {
        const c = await stack.db.client.connection.findFirst({ where: { shop } });
        const jobs = (await stack.db.client.syncJob.findMany({ where: { shop, kind: "invoice" } })).filter((j) => refs.has(j.subjectId));
        return c?.status === "reauth_required" && jobs.length === 20 && jobs.every((j) => j.status === "paused");
      }, 90_000, 250);
      const page = await (await stack.adminFetch(shop, "/app?_data=routes%2Fapp._index")).text();
      if (!page.includes("reauth_required")) throw new Error(`the admin page does not tell the merchant to reconnect: ${page.slice(0, 300)}`);
      const failed = await stack.db.client.syncJob.count({ where: { shop, status: "failed" } });
      if (failed) throw new Error(`${failed} jobs failed instead of waiting for the merchant`);

      await connect(stack, target, shop); // the merchant reconnects
    }
    await settle(stack, shop, 180_000);
    return countInvoices(stack, target, shop, runs, all);
  },
};
