import { describe, expect, it } from "vitest";
import { backfillFormSchema, backfillTopic, orderSearch, progressOf, rangeIn, startOfDayIn } from "~/domain/backfill";
import { shopifyOrderSchema } from "~/domain/shopify-order";
import { waitFor } from "~/shopify/cost-bucket";
import { fixtureOrder } from "../helpers/orders";

describe("backfill: range, search, topic, progress", () => {
  it("turns the merchant's days into instants in the shop's time zone, across a DST change", () => {
    expect(startOfDayIn("2026-03-01", "Europe/Stockholm").toISOString()).toBe("2026-02-28T23:00:00.000Z");
    expect(startOfDayIn("2026-07-01", "Europe/Stockholm").toISOString()).toBe("2026-06-30T22:00:00.000Z");
    const range = rangeIn("2026-03-28", "2026-03-29", "Europe/Stockholm"); // CET → CEST on the 29th
    expect(range.from.toISOString()).toBe("2026-03-27T23:00:00.000Z");
    expect(range.to.toISOString()).toBe("2026-03-29T21:59:59.000Z");
    expect(orderSearch(range.from, range.to)).toBe("created_at:>='2026-03-27T23:00:00Z' created_at:<='2026-03-29T21:59:59Z'");
  });

  it("validates the form at the boundary", () => {
    expect(backfillFormSchema.safeParse({ intent: "start", from: "2026-03-01", to: "2026-03-31" }).success).toBe(true);
    expect(backfillFormSchema.safeParse({ intent: "start", from: "2026-13-01", to: "2026-03-31" }).success).toBe(false);
    expect(backfillFormSchema.safeParse({ intent: "start", from: "yesterday", to: "2026-03-31" }).success).toBe(false);
    expect(backfillFormSchema.safeParse({ intent: "pause", id: "ck1abc" }).success).toBe(true);
    expect(backfillFormSchema.safeParse({ intent: "pause", id: "x\u0000y" }).success).toBe(false);
    expect(backfillFormSchema.safeParse({ intent: "delete", id: "ck1abc" }).success).toBe(false);
  });

  it("announces an old order as the webhook the shop's trigger books on", () => {
    const paid = shopifyOrderSchema.parse(fixtureOrder("simple-1001.json"));
    const unpaid = { ...paid, financial_status: "pending" };
    expect(backfillTopic(paid, "paid")).toBe("orders/paid");
    expect(backfillTopic(unpaid, "paid")).toBe("orders/updated");
    expect(backfillTopic(unpaid, "created")).toBe("orders/create");
    expect(backfillTopic(paid, "fulfilled")).toBe("orders/updated");
  });

  it("estimates the time left from the rate seen since the run last started", () => {
    const start = new Date(1_000_000);
    expect(progressOf({ status: "running", total: 100, seen: 40, runningSince: start, seenAtRunningSince: 20 }, 1_000_000 + 10_000))
      .toEqual({ percent: 40, etaSeconds: 30 }); // 20 orders in 10 s, 60 to go
    expect(progressOf({ status: "paused", total: 100, seen: 40, runningSince: start, seenAtRunningSince: 20 }, 1_010_000)).toEqual({ percent: 40, etaSeconds: null });
    expect(progressOf({ status: "running", total: null, seen: 0, runningSince: start, seenAtRunningSince: 0 }, 1_010_000)).toEqual({ percent: 0, etaSeconds: null });
    expect(progressOf({ status: "completed", total: 0, seen: 0, runningSince: start, seenAtRunningSince: 0 })).toEqual({ percent: 100, etaSeconds: 0 });
  });

  it("waits for Shopify's bucket to refill to what the query costs", () => {
    const bucket = { available: 100, max: 2000, restoreRate: 100, at: 0 };
    expect(waitFor(undefined, 500)).toBe(0);
    expect(waitFor(bucket, 80, 0)).toBe(0);
    expect(waitFor(bucket, 850, 0)).toBe(7_500);
    expect(waitFor(bucket, 850, 5_000)).toBe(2_500);
  });
});
