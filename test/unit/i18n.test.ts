import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { catalog, localeFrom, translate } from "~/i18n";

// Every message the merchant sees exists in Swedish and English, with the same placeholders, and
// the admin's code asks only for messages that exist and shows no text that bypasses them.

const APP = path.resolve(__dirname, "../../app");
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const source = files(APP).filter((f) => !f.includes(`${path.sep}i18n${path.sep}`)).map((f) => ({ f: path.relative(APP, f), text: readFileSync(f, "utf8") }));

describe("the sv/en catalogue", () => {
  it("has every message in both languages, non-empty, with the same placeholders", () => {
    const problems: string[] = [];
    for (const [key, m] of Object.entries(catalog)) {
      if (!m.en?.trim()) problems.push(`${key}: English is missing`);
      if (!m.sv?.trim()) problems.push(`${key}: Swedish is missing`);
      if (m.en && m.sv && placeholders(m.en).join() !== placeholders(m.sv).join()) problems.push(`${key}: placeholders differ (${placeholders(m.en)} vs ${placeholders(m.sv)})`);
    }
    expect(problems).toEqual([]);
    expect(Object.keys(catalog).length).toBeGreaterThan(30);
  });

  it("has every key the code asks for: t(\"key\") exactly, t(`prefix.${x}`) as a prefix of some key", () => {
    const missing: string[] = [];
    let asked = 0;
    for (const { f, text } of source) {
      for (const m of text.matchAll(/\bt\(\s*"([\w.-]+)"/g)) {
        asked++;
        if (!catalog[m[1]]) missing.push(`${f}: ${m[1]}`);
      }
      for (const m of text.matchAll(/\bt\(\s*`([\w.-]*)\$\{/g)) {
        asked++;
        if (!Object.keys(catalog).some((k) => k.startsWith(m[1]))) missing.push(`${f}: ${m[1]}…`);
      }
    }
    expect(missing).toEqual([]);
    expect(asked).toBeGreaterThan(20);
  });

  it("finds no English text written straight into the admin's pages", () => {
    const bare: string[] = [];
    for (const { f, text } of source.filter((s) => s.f.endsWith(".tsx") && (s.f.startsWith(`routes${path.sep}app`) || s.f.startsWith(`components${path.sep}`)))) {
      text.split("\n").forEach((line, i) => {
        // JSX text between tags, and the Polaris props that carry words.
        for (const m of line.matchAll(/>\s*([^<>{}()=;]*[A-Za-zåäöÅÄÖ]{3,}[^<>{}()=;]*)\s*<\//g)) bare.push(`${f}:${i + 1}: ${m[1].trim()}`);
        for (const m of line.matchAll(/\b(title|label|placeholder|helpText|content|heading|primaryAction)="([^"]*[A-Za-z]{3,}[^"]*)"/g)) bare.push(`${f}:${i + 1}: ${m[1]}="${m[2]}"`);
      });
    }
    expect(bare).toEqual([]);
  });
});

describe("the order page extensions' locale files (extensions/order-sync/locales)", () => {
  const dir = path.resolve(__dirname, "../../extensions/order-sync");
  const flat = (o: unknown, prefix = ""): Record<string, string> =>
    Object.entries(o as Record<string, unknown>).reduce<Record<string, string>>((acc, [k, v]) => {
      // A {one, other} object is one plural message.
      if (v && typeof v === "object" && !("other" in v)) Object.assign(acc, flat(v, `${prefix}${k}.`));
      else acc[`${prefix}${k}`] = typeof v === "string" ? v : JSON.stringify(v);
      return acc;
    }, {});
  const en = flat(JSON.parse(readFileSync(path.join(dir, "locales/en.default.json"), "utf8")));
  const sv = flat(JSON.parse(readFileSync(path.join(dir, "locales/sv.json"), "utf8")));
  const vars = (text: string) => [...new Set([...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]))].sort().join();

  it("say the same things in both languages, with the same placeholders, and name their locale for the backend", () => {
    expect(Object.keys(sv).sort()).toEqual(Object.keys(en).sort());
    expect(Object.keys(en).filter((k) => vars(en[k]) !== vars(sv[k] ?? ""))).toEqual([]);
    expect([en.locale, sv.locale]).toEqual(["en", "sv"]);
  });

  it("have every key the extensions ask for", () => {
    const src = readdirSync(path.join(dir, "src")).map((f) => readFileSync(path.join(dir, "src", f), "utf8")).join("\n");
    const asked = [...src.matchAll(/\bt\(\s*"([\w.]+)"/g)].map((m) => m[1]);
    const prefixes = [...src.matchAll(/\bt\(\s*`([\w.]*)\$\{/g)].map((m) => m[1]);
    expect(asked.length).toBeGreaterThan(15);
    expect(asked.filter((k) => !(k in en))).toEqual([]);
    expect(prefixes.filter((p) => !Object.keys(en).some((k) => k.startsWith(p)))).toEqual([]);
  });
});

describe("choosing the language", () => {
  it("follows Shopify's locale parameter first, then Accept-Language, and defaults to English", () => {
    expect(localeFrom("sv")).toBe("sv");
    expect(localeFrom("sv-SE", "en-US")).toBe("sv");
    expect(localeFrom("en", "sv-SE")).toBe("en");
    expect(localeFrom(null, "sv-SE,sv;q=0.9,en;q=0.8")).toBe("sv");
    expect(localeFrom(null, "de-DE")).toBe("en");
    expect(localeFrom(undefined, undefined)).toBe("en");
  });

  it("fills placeholders and shows an unknown key as itself", () => {
    expect(translate("sv", "home.connectedTo", { company: "Demo AB" })).toBe("Ansluten till Demo AB");
    expect(translate("en", "home.connectedTo", { company: "Demo AB" })).toBe("Connected to Demo AB");
    expect(translate("en", "no.such.key")).toBe("no.such.key");
  });
});
