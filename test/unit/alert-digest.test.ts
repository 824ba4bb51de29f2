import { describe, expect, it } from "vitest";
import { composeDigest, dueAlerts, type DigestAlert } from "~/domain/alert-digest";
import { settingsFromShop } from "~/domain/settings";

// When a shop's alert e-mail goes out and what it says.

const T0 = new Date("2026-11-23T10:00:00Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const timing = { intervalMs: 15 * 60_000, delayMs: 60_000 };
const alert = (over: Partial<DigestAlert> = {}): DigestAlert => ({
  id: "a1", kind: "job_failed", provider: "fortnox", cause: "2000588", jobStatus: "needs_action", orderCount: 2,
  orderNames: JSON.stringify(["#1002", "#1001"]), lastOrder: "#1002", firstSeenAt: T0, lastSeenAt: at(5_000),
  resolvedAt: null, emailedAt: null, ...over,
});

describe("when a digest is due", () => {
  it("waits for the gathering delay, then sends every alert not yet e-mailed", () => {
    const alerts = [alert(), alert({ id: "a2", firstSeenAt: at(50_000) })];
    expect(dueAlerts(alerts, null, at(30_000), timing)).toBeNull();
    expect(dueAlerts(alerts, null, at(60_000), timing)?.map((a) => a.id)).toEqual(["a1", "a2"]);
  });

  it("sends at most one e-mail per interval: a new alert waits for the interval to end", () => {
    const fresh = [alert({ id: "a3", firstSeenAt: at(120_000) })];
    const lastSent = at(100_000);
    expect(dueAlerts(fresh, lastSent, at(100_000 + 14 * 60_000), timing)).toBeNull();
    expect(dueAlerts(fresh, lastSent, at(100_000 + 15 * 60_000), timing)?.map((a) => a.id)).toEqual(["a3"]);
  });

  it("never sends an alert twice, nor one that resolved before it went out", () => {
    const alerts = [alert({ emailedAt: at(1) }), alert({ id: "a2", resolvedAt: at(2) })];
    expect(dueAlerts(alerts, null, at(3_600_000), timing)).toBeNull();
    // Re-opened: raise() clears emailedAt, which makes it due again.
    expect(dueAlerts([alert({ emailedAt: null, firstSeenAt: at(3_000_000) })], at(1), at(3_600_000), timing)).toHaveLength(1);
  });
});

describe("what the digest says", () => {
  const url = "https://admin.shopify.com/store/demo/apps/kontera/app/failures";

  it("names cause, count, orders and the admin link, in the shop's language", () => {
    const lost = alert({ id: "c1", kind: "connection_lost", provider: "visma", cause: "reauth_required", jobStatus: null, orderCount: 1, orderNames: JSON.stringify(["#1003"]), lastOrder: "#1003" });
    const sv = composeDigest("sv", "demo.myshopify.com", [alert(), lost], url);
    expect(sv.subject).toBe("Kontera: 2 problem med bokföringen av demos ordrar");
    expect(sv.text).toContain("2 order(ar) kunde inte bokföras i Fortnox (orsak: 2000588)");
    expect(sv.text).toContain("Ordrar: #1002, #1001");
    expect(sv.text).toContain("Kopplingen till Visma eEkonomi måste förnyas; 1 order(ar) väntar på den");
    expect(sv.text).toContain(url);
    const en = composeDigest("en", "demo.myshopify.com", [alert()], url);
    expect(en.subject).toBe("Kontera: 1 problem(s) booking demo's orders");
    expect(en.text).toContain("needs a change by you");
    expect(en.text).not.toMatch(/\{\w+\}/);
  });
});

describe("the alert settings", () => {
  it("default to no e-mail in Swedish, and refuse an address that is not one", () => {
    const d = settingsFromShop(null);
    expect(d.ok && d.settings.alerts).toEqual({ email: false });
    expect(d.ok && d.settings.language).toBe("sv");
    expect(settingsFromShop({ settings: JSON.stringify({ alerts: { email: true, address: "not-an-address" } }) }).ok).toBe(false);
  });
});
