// Dates in templates: Shopify writes them in the shop's time zone with its offset
// ("2026-03-01T23:30:00+01:00"), which is the date the merchant means, so the text's own
// fields are used as written. No Date object: its time zone would be the worker's.

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/;
const MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"];

/** The strftime directives the date filter knows. */
export const DATE_DIRECTIVES = ["%Y", "%y", "%m", "%d", "%e", "%H", "%M", "%S", "%B", "%b", "%%"] as const;

export function formatDate(value: string, format: string): string | null {
  const m = ISO.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h = "00", mi = "00", s = "00"] = m;
  const month = Number(mo);
  if (month < 1 || month > 12 || Number(d) < 1 || Number(d) > 31) return null;
  return format.replace(/%[A-Za-z%]/g, (directive) => {
    switch (directive) {
      case "%Y": return y;
      case "%y": return y.slice(2);
      case "%m": return mo;
      case "%d": return d;
      case "%e": return String(Number(d));
      case "%H": return h;
      case "%M": return mi;
      case "%S": return s;
      case "%B": return MONTHS[month - 1];
      case "%b": return MONTHS[month - 1].slice(0, 3);
      case "%%": return "%";
      default: return directive;
    }
  });
}

/** The directives a format uses that formatDate does not know. */
export const unknownDirectives = (format: string): string[] =>
  [...format.matchAll(/%[A-Za-z%]/g)].map((m) => m[0]).filter((d) => !(DATE_DIRECTIVES as readonly string[]).includes(d));
