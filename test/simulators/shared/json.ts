/**
 * A strict RFC 8259 JSON parser that keeps every number as its decimal TEXT.
 *
 * Why not JSON.parse: it turns `199.2` into a binary float, and money must never pass
 * through floats in this simulator (see money.ts). Node 20 has no JSON.parse source-text
 * access, so we parse ourselves. Objects get own data properties via defineProperty so a
 * key such as "__proto__" is just an (unknown, hence rejected) field, never a prototype.
 */

/** A JSON number as written by the client, e.g. "199.20" or "-1e2". */
export class JsonNumber {
  constructor(public readonly text: string) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue };

export class JsonSyntaxError extends Error {}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const MAX_DEPTH = 64;

export function parseJson(text: string): JsonValue {
  let pos = 0;

  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at position ${pos}`);
  };
  const skipWs = () => {
    while (pos < text.length && (text[pos] === " " || text[pos] === "\t" || text[pos] === "\n" || text[pos] === "\r")) pos++;
  };
  const expectLiteral = (lit: string) => {
    if (text.startsWith(lit, pos)) pos += lit.length;
    else fail("unexpected token");
  };

  const parseString = (): string => {
    pos++; // opening quote
    let out = "";
    for (;;) {
      if (pos >= text.length) fail("unterminated string");
      const ch = text[pos];
      if (ch === '"') {
        pos++;
        return out;
      }
      if (ch === "\\") {
        const esc = text[pos + 1];
        pos += 2;
        switch (esc) {
          case '"': out += '"'; break;
          case "\\": out += "\\"; break;
          case "/": out += "/"; break;
          case "b": out += "\b"; break;
          case "f": out += "\f"; break;
          case "n": out += "\n"; break;
          case "r": out += "\r"; break;
          case "t": out += "\t"; break;
          case "u": {
            const hex = text.slice(pos, pos + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad unicode escape");
            out += String.fromCharCode(parseInt(hex, 16));
            pos += 4;
            break;
          }
          default:
            fail("bad escape");
        }
        continue;
      }
      if (ch.charCodeAt(0) < 0x20) fail("control character in string");
      out += ch;
      pos++;
    }
  };

  const parseValue = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail("nesting too deep");
    skipWs();
    const ch = text[pos];
    if (ch === "{") {
      pos++;
      const obj: { [key: string]: JsonValue } = {};
      skipWs();
      if (text[pos] === "}") {
        pos++;
        return obj;
      }
      for (;;) {
        skipWs();
        if (text[pos] !== '"') fail("expected property name");
        const key = parseString();
        skipWs();
        if (text[pos] !== ":") fail("expected ':'");
        pos++;
        const value = parseValue(depth + 1);
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
        skipWs();
        if (text[pos] === ",") { pos++; continue; }
        if (text[pos] === "}") { pos++; return obj; }
        fail("expected ',' or '}'");
      }
    }
    if (ch === "[") {
      pos++;
      const arr: JsonValue[] = [];
      skipWs();
      if (text[pos] === "]") {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(depth + 1));
        skipWs();
        if (text[pos] === ",") { pos++; continue; }
        if (text[pos] === "]") { pos++; return arr; }
        fail("expected ',' or ']'");
      }
    }
    if (ch === '"') return parseString();
    if (ch === "t") { expectLiteral("true"); return true; }
    if (ch === "f") { expectLiteral("false"); return false; }
    if (ch === "n") { expectLiteral("null"); return null; }
    NUMBER_RE.lastIndex = pos;
    const m = NUMBER_RE.exec(text);
    if (!m) return fail("unexpected token");
    pos += m[0].length;
    return new JsonNumber(m[0]);
  };

  const value = parseValue(0);
  skipWs();
  if (pos !== text.length) fail("trailing characters");
  return value;
}
