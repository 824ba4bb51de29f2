import { generateOrders } from "../../../test/fixtures/shopify/orders";
import type { Stack } from "../../../test/helpers/stack";
import { countInvoices, settle } from "../count";
import type { FaultTarget } from "../target";
import type { Figures, Scenario } from "../types";
import { deliver, lightShop, sleep, untilBooked } from "./support";

// Redis loses the queue while orders are in flight: flushed, or killed and restarted empty (no
// AOF). The database is the outbox: the sweeper puts back what Redis lost, nothing twice.

interface RedisFault {
  /** Takes Redis away (or empties it); half the orders then arrive. */
  down(): Promise<void>;
  up(): Promise<void>;
}

async function inFlight(stack: Stack, target: FaultTarget, shop: string, start: number, count: number, fault: RedisFault): Promise<Figures & { refused: number }> {
  await lightShop(stack, target, shop);
  const orders = generateOrders(count, { seed: (Date.now() + start) % 100_000, startOrderNumber: start, shop });
  let refused = 0;
  const send = async (batch: typeof orders) => {
    for (let i = 0; i < batch.length; i += 25) {
      const results = await Promise.all(batch.slice(i, i + 25).map((o) => deliver(stack, shop, "orders/paid", o)));
      // Shopify gives up on a delivery after 5 s and retries it: too slow is refused too.
      refused += results.filter((r) => r.deliveries.some((d: { status: number; ms: number }) => d.status !== 200 || d.ms > 5_000)).length;
    }
  };
  const half = Math.floor(count / 2);
  await send(orders.slice(0, half));
  // The fault lands once some orders are booked and most are still queued.
  await untilBooked(stack, shop, Math.ceil(count / 10));
  await fault.down();
  await send(orders.slice(half));
  await fault.up();
  await settle(stack, shop, 120_000 + count * 1_000);
  return { ...(await countInvoices(stack, target, shop, count, orders.map((o) => o.admin_graphql_api_id))), refused };
}

/** A webhook answered with an error is one Shopify retries; none should be, Redis or not. */
function strict({ refused, ...figures }: Figures & { refused: number }): Figures {
  if (refused) throw new Error(`${refused} webhook deliveries were refused while Redis was away`);
  return figures;
}

export const redisFlushed: Scenario = {
  name: "Redis FLUSHALL with orders in flight",
  runs: { ci: 30, full: 1000 },
  async run(stack, runs, target) {
    return strict(await inFlight(stack, target, "faults-flush.myshopify.com", 40_001, runs, {
      down: async () => { await stack.redis.client.flushall(); },
      up: async () => undefined,
    }));
  },
};

export const redisRestarted: Scenario = {
  name: "Redis killed (SIGKILL), webhooks arriving while it is down, restarted empty",
  runs: { ci: 30, full: 1000 },
  async run(stack, runs, target) {
    return strict(await inFlight(stack, target, "faults-redis-kill.myshopify.com", 42_001, runs, {
      down: () => stack.redis.kill(),
      up: async () => {
        await sleep(2_000);
        await stack.redis.restart();
      },
    }));
  },
};
