import { describe, expect, it } from "vitest";
import { fromMinor, jsonNumberToMinor, minorToJsonNumber, toMinor } from "~/domain/money";

describe("money", () => {
  it("parses decimal strings into exact minor units", () => {
    expect(toMinor("199.20")).toBe(19920);
    expect(toMinor("199.2")).toBe(19920);
    expect(toMinor("0.10")).toBe(10);
    expect(toMinor("-49.00")).toBe(-4900);
    expect(toMinor("1000")).toBe(100000);
  });
  it("rejects what is not a plain amount", () => {
    for (const bad of ["1e3", "12.345", "", "abc", "1,50", "NaN"]) expect(() => toMinor(bad)).toThrow();
  });
  it("formats minor units back without float noise", () => {
    expect(fromMinor(30)).toBe("0.30");
    expect(fromMinor(-4905)).toBe("-49.05");
    // 0.1 + 0.2 in floats is 0.30000000000000004; in öre it is 30.
    expect(fromMinor(toMinor("0.10") + toMinor("0.20"))).toBe("0.30");
  });
  it("crosses the JSON-number boundary of APIs exactly", () => {
    expect(JSON.stringify({ Price: minorToJsonNumber(19920) })).toBe('{"Price":199.2}');
    expect(jsonNumberToMinor(199.2)).toBe(19920);
    expect(jsonNumberToMinor("1234.56")).toBe(123456);
  });
});
