import { z } from "zod";
import { inTimeZone } from "./graphql-order";
import { REGISTER_SUBJECTS } from "./graphql-register";
import type { ShopifyOrder } from "./shopify-order";

// The pure parts of a backfill: the merchant's form, the date range in the shop's time zone, the
// search Shopify is asked, which webhook an old order stands in for, and progress with the time left.

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date like 2026-03-01").refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), "not a date");

export const backfillFormSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("start"), from: day, to: day }),
  z.object({ intent: z.literal("import"), subject: z.enum(REGISTER_SUBJECTS) }),
  z.object({ intent: z.enum(["pause", "resume", "cancel"]), id: z.string().regex(/^[a-z0-9]{1,64}$/i) }),
]);
export type BackfillForm = z.infer<typeof backfillFormSchema>;

/** Without read_all_orders Shopify serves only this many days of orders. */
export const ORDER_WINDOW_DAYS = 60;

/** The instant a calendar day starts in a time zone (DST-safe: the offset is read at that instant). */
export function startOfDayIn(date: string, timeZone: string): Date {
  const guess = Date.parse(`${date}T00:00:00Z`);
  const offsetAt = (ms: number) => {
    const local = inTimeZone(new Date(ms).toISOString(), timeZone);
    const m = /([+-])(\d{2}):(\d{2})$/.exec(local)!;
    return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
  };
  const first = guess - offsetAt(guess);
  return new Date(guess - offsetAt(first));
}

/** The merchant's days as instants: from the first day's start to the last day's last second. */
export function rangeIn(from: string, to: string, timeZone: string): { from: Date; to: Date } {
  const next = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { from: startOfDayIn(from, timeZone), to: new Date(startOfDayIn(next, timeZone).getTime() - 1000) };
}

const searchTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

export function orderSearch(from: Date, to: Date): string {
  return `created_at:>='${searchTime(from)}' created_at:<='${searchTime(to)}'`;
}

export type Trigger = "created" | "paid" | "fulfilled";

/**
 * The webhook an old order stands in for, so it takes the same ingest path a live one does: under
 * the "paid" trigger only a paid order is announced as orders/paid (an unpaid one as an update,
 * which books nothing); "created" books at creation; "fulfilled" on a fulfilled update.
 */
export function backfillTopic(order: ShopifyOrder, trigger: Trigger): string {
  if (trigger === "created") return "orders/create";
  if (trigger === "paid" && ["paid", "partially_refunded", "refunded"].includes(order.financial_status ?? "")) return "orders/paid";
  return "orders/updated";
}

export interface ProgressRow {
  status: string;
  total: number | null;
  seen: number;
  runningSince: Date | null;
  seenAtRunningSince: number;
}

/** Percent done and seconds left, from the rate observed since the run last (re)started. */
export function progressOf(row: ProgressRow, now = Date.now()): { percent: number; etaSeconds: number | null } {
  if (row.status === "completed") return { percent: 100, etaSeconds: 0 };
  const total = row.total ?? 0;
  const percent = total > 0 ? Math.min(100, Math.floor((row.seen * 100) / total)) : 0;
  if (row.status !== "running" || !row.runningSince || total === 0) return { percent, etaSeconds: null };
  const done = row.seen - row.seenAtRunningSince;
  const elapsed = now - row.runningSince.getTime();
  if (done <= 0 || elapsed <= 0) return { percent, etaSeconds: null };
  return { percent, etaSeconds: Math.ceil(((Math.max(0, total - row.seen)) * elapsed) / done / 1000) };
}
