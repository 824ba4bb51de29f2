import { describe, expect, it } from "vitest";
import { parseFortnoxError } from "~/connectors/fortnox/http.server";
import { retryAfterMs } from "~/connectors/http.server";

describe("Fortnox answers", () => {
  it("takes a Retry-After in seconds, capped at a minute, and ignores what it cannot read", () => {
    expect(retryAfterMs("2")).toBe(2_000);
    expect(retryAfterMs(" 0 ")).toBe(0);
    expect(retryAfterMs("3600")).toBe(60_000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs("Wed, 21 Oct 2026 07:28:00 GMT")).toBeUndefined();
    expect(retryAfterMs("-1")).toBeUndefined();
    expect(retryAfterMs("1.5")).toBeUndefined();
  });

  it("reads ErrorInformation in either spelling, codes as numbers or strings", () => {
    expect(parseFortnoxError({ ErrorInformation: { Error: 1, Message: "Kunde inte hitta kund", Code: 2000433 } })).toEqual({ code: "2000433", message: "Kunde inte hitta kund" });
    expect(parseFortnoxError({ ErrorInformation: { error: 1, message: "x", code: "2000359" } })).toEqual({ code: "2000359", message: "x" });
    expect(parseFortnoxError({ message: "Too Many Requests" })).toEqual({ message: "Too Many Requests" });
  });
});
