import { generateOrders } from "../../../test/fixtures/shopify/orders";
import { freePort, startChild, startRedis, waitFor, type Child, type RedisServer } from "../../../test/helpers/services";
import { bin, type Stack } from "../../../test/helpers/stack";
import type { SecurityCheck } from "../types";
import { seedFromEnv, webhookHeaders } from "./support";

// Bull keeps the queued jobs in Redis, and a Redis whose maxmemory-policy is anything but
// noeviction drops keys once it is full: queued jobs vanish without a trace. The worker must
// refuse to start on such a Redis, saying which setting to change; the web process must go on
// accepting webhooks into the database outbox but put nothing into that Redis (see enqueue in
// app/queue/queues.server.ts for why it does not refuse to start). Controls: on noeviction the
// web process does enqueue (so "nothing in Redis" above is not a web process that never
// enqueues) and a worker does start; and the webhooks accepted while Redis evicted are booked
// once a worker on a safe Redis sweeps the outbox, so none was lost.
//
// Each worker and web process here is started as the stack starts its own (same build, same
// environment, same database), with REDIS_URL pointed at a Redis of its own.

const SHOP = "sec-redis-policy.myshopify.com";
/** The policies that evict; CI tries the first three (an allkeys, a volatile and a random one). */
const EVICTING = ["allkeys-lru", "volatile-lru", "allkeys-random", "allkeys-lfu", "volatile-lfu", "volatile-random", "volatile-ttl"];
const EXIT_WAIT_MS = 30_000;

const exited = (child: Child) => new Promise<number | string>((resolve) => {
  if (child.proc.exitCode !== null) resolve(child.proc.exitCode);
  child.proc.once("exit", (code, signal) => resolve(code ?? `signal ${signal}`));
});

const bullKeys = async (r: RedisServer) => (await r.client.keys("bull:*")).length;

/** The worker, as the stack starts it, on a Redis with this policy: it must exit non-zero and say why. */
async function workerRefuses(stack: Stack, policy: string): Promise<string[]> {
  const redis = await startRedis({ args: ["--maxmemory-policy", policy] });
  const worker = startChild(process.execPath, ["--import", "tsx", "app/queue/worker.ts"], { ...stack.env, REDIS_URL: redis.url }, `worker on ${policy}`);
  try {
    const code = await Promise.race([exited(worker), new Promise<string>((r) => setTimeout(() => r("still running"), EXIT_WAIT_MS))]);
    const out = worker.output();
    const said = out.includes("maxmemory-policy") && out.includes("noeviction") && out.includes(policy);
    const failures: string[] = [];
    if (code === 0 || code === "still running") failures.push(`worker on a Redis with maxmemory-policy ${policy}: ${code === 0 ? "exited 0" : `${code} after ${EXIT_WAIT_MS / 1000} s`}, it must refuse to start`);
    if (!said) failures.push(`worker on a Redis with maxmemory-policy ${policy}: its output does not name maxmemory-policy, ${policy} and noeviction: ${out.slice(-300).replace(/\s+/g, " ")}`);
    if (await bullKeys(redis)) failures.push(`worker on a Redis with maxmemory-policy ${policy}: it wrote Bull keys before refusing`);
    return failures;
  } finally {
    await worker.kill("SIGKILL");
    await redis.stop();
  }
}

/**
 * The control for the workers: on a noeviction Redis a worker starts. An empty Redis of its own
 * and a sweeper that finds nothing stale, so it runs nothing of the stack's (the stack's worker
 * locks in another Redis).
 */
async function workerStartsOnNoeviction(stack: Stack): Promise<string[]> {
  const redis = await startRedis();
  const worker = startChild(process.execPath, ["--import", "tsx", "app/queue/worker.ts"], { ...stack.env, REDIS_URL: redis.url, LOG_LEVEL: "info", SWEEPER_STALE_MS: String(24 * 3600_000) }, "worker on noeviction");
  try {
    const started = await waitFor("the worker to start", async () => worker.output().includes("worker started") || worker.proc.exitCode !== null, EXIT_WAIT_MS, 100).catch(() => false);
    return started && worker.proc.exitCode === null ? [] : [`control: a worker on a noeviction Redis did not start (exit ${worker.proc.exitCode}): ${worker.output().slice(-300).replace(/\s+/g, " ")}`];
  } finally {
    await worker.kill("SIGKILL");
    await redis.stop();
  }
}

export const check: SecurityCheck = {
  name: "redis-policy: on a Redis that evicts, the worker refuses to start and the web process keeps webhooks in the outbox but enqueues nothing",
  // Per evicting policy a worker and a webhook; then the two controls on noeviction.
  cases: { ci: 3 * 2 + 2, full: EVICTING.length * 2 + 2 },
  async run(stack, count) {
    const failures: string[] = [];
    const policies = EVICTING.slice(0, Math.max(1, Math.floor((count - 2) / 2)));
    const seed = seedFromEnv();
    const db = stack.db.client;
    let cases = 0;

    // The shop is connected, so its orders become jobs to enqueue (a shop without a connection's
    // jobs wait paused and are never enqueued, which would make "nothing enqueued" hollow).
    await stack.installAndConnect(SHOP);
    const orders = generateOrders(policies.length + 1, { seed, startOrderNumber: 88_701, shop: SHOP }).map((o, i) => {
      const id = 7_840_000_000_000 + i;
      return { ...o, id, admin_graphql_api_id: `gid://shopify/Order/${id}` };
    });

    const redis = await startRedis({ args: ["--maxmemory-policy", policies[0]] });
    const port = await freePort();
    const web = startChild(bin("remix-serve"), ["build/server/index.js"], { ...stack.env, REDIS_URL: redis.url, PORT: String(port), HOST: "127.0.0.1" }, "web on a Redis of its own");
    const webUrl = `http://127.0.0.1:${port}`;
    try {
      // 1. Workers, one per policy, and the control worker on noeviction, side by side while the
      //    web process starts.
      const refusals = async () => {
        // Three at a time: seven tsx start-ups at once on two cores would outlast EXIT_WAIT_MS.
        const out: string[] = [];
        for (let i = 0; i < policies.length; i += 3) out.push(...(await Promise.all(policies.slice(i, i + 3).map((p) => workerRefuses(stack, p)))).flat());
        return out;
      };
      const [workerFailures, workerStarts] = await Promise.all([
        refusals(),
        workerStartsOnNoeviction(stack),
        waitFor("the web process to answer /healthz", async () => (await fetch(`${webUrl}/healthz`).catch(() => null))?.ok, 60_000),
      ]);
      cases += policies.length + 1;
      failures.push(...workerFailures, ...workerStarts);

      /** One order delivered to the web process; returns its status and the job the outbox holds for it. */
      const deliver = async (order: (typeof orders)[number], eventId: string) => {
        const body = JSON.stringify(order);
        const res = await fetch(`${webUrl}/webhooks/orders`, { method: "POST", headers: webhookHeaders(body, stack.env.SHOPIFY_API_SECRET, SHOP, "orders/paid", eventId), body, signal: AbortSignal.timeout(15_000) });
        await res.text();
        const event = await db.webhookEvent.findFirst({ where: { shop: SHOP, eventId } });
        const job = await db.syncJob.findFirst({ where: { shop: SHOP, kind: "invoice", subjectId: order.admin_graphql_api_id } });
        return { status: res.status, event, job };
      };

      // 2. Web process: the policy changed at run time (it checks before every add), a webhook per policy.
      const kept: string[] = [];
      for (const [i, policy] of policies.entries()) {
        cases++;
        await redis.client.config("SET", "maxmemory-policy", policy);
        const seen = web.output().length;
        const { status, event, job } = await deliver(orders[i], `redis-policy-${seed}-${i}`);
        // The enqueue is awaited before the answer (up to 1 s); a moment more for a late add.
        await new Promise((r) => setTimeout(r, 300));
        if (status !== 200) failures.push(`web on ${policy}: the webhook answered ${status}; it must still be accepted into the outbox`);
        if (!event || !job) failures.push(`web on ${policy}: the accepted webhook left ${event ? "no job" : "no WebhookEvent"} in the database`);
        if (job) kept.push(job.id);
        if (await bullKeys(redis)) failures.push(`web on ${policy}: Bull keys were written to the evicting Redis: ${(await redis.client.keys("bull:*")).slice(0, 3).join(", ")}`);
        const said = web.output().slice(seen);
        if (!(said.includes("maxmemory-policy") && said.includes("noeviction") && said.includes(policy))) failures.push(`web on ${policy}: no log line names maxmemory-policy, ${policy} and noeviction`);
      }

      // 3. The control on noeviction: the web process enqueues into the same Redis.
      cases++;
      await redis.client.config("SET", "maxmemory-policy", "noeviction");
      const control = await deliver(orders[policies.length], `redis-policy-${seed}-control`);
      const enqueued = control.job && (await waitFor("the control job in Bull", async () => (await redis.client.exists(`bull:kontera-sync:${control.job!.id}`)) === 1, 3_000, 100).catch(() => false));
      if (control.status !== 200 || !enqueued) failures.push(`control: on noeviction the web process answered ${control.status} and ${enqueued ? "enqueued" : "did not enqueue"} the job: "nothing in Redis" above proves nothing`);

      // 4. Not lost: what the web process kept out of the evicting Redis is in the outbox, and the
      //    stack's worker (on its own, safe Redis) sweeps it up and books it.
      await waitFor("the jobs accepted while Redis evicted to be booked", async () =>
        (await db.syncJob.count({ where: { id: { in: kept }, status: "succeeded" } })) === kept.length, 60_000, 250)
        .catch(async () => {
          const left = await db.syncJob.findMany({ where: { id: { in: kept }, status: { not: "succeeded" } }, select: { status: true, lastError: true } });
          failures.push(`${left.length} of the ${kept.length} jobs accepted while Redis evicted were not booked after a worker on a safe Redis swept: ${left.map((j) => `${j.status} ${j.lastError ?? ""}`).join("; ")}`);
        });
    } finally {
      await web.kill("SIGKILL");
      await redis.stop();
    }
    return { cases, failures };
  },
};
