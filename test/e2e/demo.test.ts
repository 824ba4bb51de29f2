import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { startFortnoxSimulator } from "../simulators/fortnox/server";
import { ROOT } from "../helpers/services";

// The README's first command, run as a merchant would: `npm run demo`, end to end.

function runDemo(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn("npm", ["run", "--silent", "demo", "--", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (b) => (stdout += b));
    proc.stderr.on("data", (b) => (stderr += b));
    proc.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

function summaryOf(stdout: string) {
  const last = stdout.trim().split("\n").at(-1)!;
  return JSON.parse(last);
}

describe("npm run demo", () => {
  it("books the built-in burst exactly once and prints its JSON summary", async () => {
    // 24 of the 60: the rest is more of the same at Fortnox's 25 calls / 5 s (the fault suite and
    // the benchmarks carry the volume).
    const { code, stdout, stderr } = await runDemo(["--json", "--count", "24"]);
    expect(code, stderr).toBe(0);
    const s = summaryOf(stdout);
    expect(s.orders).toBe(24);
    expect(s.documents).toBe(s.orders);
    expect(s.duplicates).toBe(0);
    expect(s.failed).toBe(0);
    expect(s.needsAction).toBe(0);
    expect(s.apiCallsPerOrder).toBeGreaterThan(0);
    expect(s.elapsedMs).toBeGreaterThan(0);
    // The order page: the refused order's block data, Replay from it, and Shopify's order following.
    expect(s.orderPage).toMatchObject({
      before: "needs_action", why: "The order's currency is not set up in the accounting system.", tagsBefore: ["kontera:needs-action"],
      replay: "replayed", after: "booked", tagsAfter: ["kontera:synced"], metafield: "synced",
    });
    expect(s.orderPage.document).toMatch(/^Invoice \d+$/);
    expect(s.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/store\/kontera-demo\/apps\/kontera$/);
    console.log(`[figures] demo: ${s.orders} orders, ${s.documents} invoices, ${s.duplicates} duplicates, ${s.apiCallsPerOrder} API calls/order, ${s.elapsedMs} ms`);
  }, 600_000);

  it("sends a folder of orders to the Fortnox named by FORTNOX_API_URL instead of its own simulator", async () => {
    const client = { clientId: "demo-ext", clientSecret: randomBytes(12).toString("hex") };
    const fortnox = await startFortnoxSimulator({ clients: [client] });
    try {
      const { code, stdout, stderr } = await runDemo(["--json", "--no-build", "--orders", "test/fixtures/shopify/orders"], {
        FORTNOX_API_URL: fortnox.apiUrl, FORTNOX_AUTH_URL: fortnox.authUrl,
        FORTNOX_CLIENT_ID: client.clientId, FORTNOX_CLIENT_SECRET: client.clientSecret,
      });
      expect(code, stderr).toBe(0);
      const s = summaryOf(stdout);
      expect(s).toMatchObject({ orders: 3, documents: 3, duplicates: 0, failed: 0, needsAction: 0 });
      const invoices = (await (await fetch(`${fortnox.url}/__sim/tenants/1001/invoices`)).json()).Invoices;
      expect(invoices.map((i: any) => i.YourOrderNumber).sort()).toEqual(["#1001", "#1002", "#1003"]);
    } finally {
      await fortnox.close();
    }
  }, 600_000);

  it("books the same orders into the Visma simulator with --target visma, and refuses a target it does not know", async () => {
    const { code, stdout, stderr } = await runDemo(["--json", "--no-build", "--target", "visma", "--orders", "test/fixtures/shopify/orders"]);
    expect(code, stderr).toBe(0);
    expect(summaryOf(stdout)).toMatchObject({ target: "visma", orders: 3, documents: 3, duplicates: 0, failed: 0, needsAction: 0, paymentsRegistered: 3 });
    const refused = await runDemo(["--target", "sage"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--target must be fortnox or visma");
    const badCount = await runDemo(["--count", "0"]);
    expect(badCount.code).toBe(1);
    expect(badCount.stderr).toContain("--count must be a whole number from 1 to 500");
  }, 600_000);

  it("refuses an --orders folder that does not exist, saying so", async () => {
    const { code, stderr } = await runDemo(["--orders", "/nonexistent-kontera-orders"]);
    expect(code).toBe(1);
    expect(stderr).toContain("is not a folder");
  }, 120_000);
});
