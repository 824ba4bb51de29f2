// A tiny reader for the part of shopify.app.toml the simulator needs:
//   [webhooks] api_version = "..."
//   [[webhooks.subscriptions]] topics / compliance_topics / uri / name / include_fields / filter
// It understands basic and literal strings, string arrays (also spanning several lines),
// booleans, numbers and comments. Anything else in the file is skipped, not interpreted.
import { readFileSync } from "node:fs";

export interface WebhookSubscription {
  topics: string[];
  complianceTopics: string[];
  uri: string;
  name?: string;
  includeFields?: string[];
  filter?: string;
}

export interface AppTomlWebhooks {
  apiVersion?: string;
  subscriptions: WebhookSubscription[];
}

type TomlValue = string | number | boolean | TomlValue[];

class TomlError extends Error {}

/** Removes a trailing comment, respecting quoted strings. */
function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === "\\" && quote === '"') {
        i++;
        continue;
      }
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === "#") {
      return line.slice(0, i);
    }
  }
  return line;
}

function bracketBalance(text: string): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\" && quote === '"') {
        i++;
        continue;
      }
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[") depth++;
    else if (c === "]") depth--;
  }
  return depth;
}

function parseValue(src: string, lineNo: number): TomlValue {
  let pos = 0;
  const fail = (msg: string): never => {
    throw new TomlError(`shopify.app.toml line ${lineNo}: ${msg}`);
  };
  const skipWs = () => {
    while (pos < src.length && /[\s]/.test(src[pos]!)) pos++;
  };
  const readValue = (): TomlValue => {
    skipWs();
    const c = src[pos];
    if (c === '"') {
      pos++;
      let out = "";
      while (pos < src.length && src[pos] !== '"') {
        if (src[pos] === "\\") {
          const e = src[pos + 1];
          const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\", b: "\b", f: "\f" };
          if (e && map[e] !== undefined) {
            out += map[e];
            pos += 2;
          } else if (e === "u") {
            out += String.fromCharCode(parseInt(src.slice(pos + 2, pos + 6), 16));
            pos += 6;
          } else fail("bad escape in string");
        } else out += src[pos++];
      }
      if (src[pos] !== '"') fail("unterminated string");
      pos++;
      return out;
    }
    if (c === "'") {
      const end = src.indexOf("'", pos + 1);
      if (end < 0) fail("unterminated literal string");
      const out = src.slice(pos + 1, end);
      pos = end + 1;
      return out;
    }
    if (c === "[") {
      pos++;
      const items: TomlValue[] = [];
      for (;;) {
        skipWs();
        if (src[pos] === "]") {
          pos++;
          return items;
        }
        items.push(readValue());
        skipWs();
        if (src[pos] === ",") {
          pos++;
          continue;
        }
        if (src[pos] === "]") {
          pos++;
          return items;
        }
        fail("expected , or ] in array");
      }
    }
    const m = /^(true|false|[+-]?[0-9][0-9_]*(?:\.[0-9_]+)?)/.exec(src.slice(pos));
    if (!m) return fail(`unsupported value ${JSON.stringify(src.slice(pos, pos + 20))}`);
    pos += m[0].length;
    if (m[0] === "true") return true;
    if (m[0] === "false") return false;
    return Number(m[0].replace(/_/g, ""));
  };
  const v = readValue();
  skipWs();
  if (pos !== src.length) fail(`unexpected text after value: ${JSON.stringify(src.slice(pos))}`);
  return v;
}

function asStringArray(v: TomlValue | undefined, key: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    throw new TomlError(`shopify.app.toml: ${key} must be an array of strings`);
  }
  return v as string[];
}

export function parseAppTomlWebhooks(text: string): AppTomlWebhooks {
  const lines = text.split(/\r?\n/);
  let table = "";
  let current: Record<string, TomlValue> | null = null;
  const rawSubs: Record<string, TomlValue>[] = [];
  const webhooksTable: Record<string, TomlValue> = {};

  for (let i = 0; i < lines.length; i++) {
    let line = stripComment(lines[i]!).trim();
    const lineNo = i + 1;
    if (!line) continue;
    const arrayTable = /^\[\[\s*([A-Za-z0-9_.\-"]+)\s*\]\]$/.exec(line);
    if (arrayTable) {
      table = arrayTable[1]!;
      if (table === "webhooks.subscriptions") {
        current = {};
        rawSubs.push(current);
      } else current = null;
      continue;
    }
    const stdTable = /^\[\s*([A-Za-z0-9_.\-"]+)\s*\]$/.exec(line);
    if (stdTable) {
      table = stdTable[1]!;
      current = null;
      continue;
    }
    const kv = /^([A-Za-z0-9_\-]+|"[^"]*")\s*=\s*(.*)$/.exec(line);
    if (!kv) continue; // dotted keys and other shapes are outside what we read
    const key = kv[1]!.replace(/^"|"$/g, "");
    let valueText = kv[2]!;
    // multi-line arrays: keep reading until the brackets balance
    while (bracketBalance(valueText) > 0 && i + 1 < lines.length) {
      i++;
      valueText += " " + stripComment(lines[i]!).trim();
    }
    line = valueText;
    if (table === "webhooks.subscriptions" && current) {
      current[key] = parseValue(valueText.trim(), lineNo);
    } else if (table === "webhooks") {
      webhooksTable[key] = parseValue(valueText.trim(), lineNo);
    }
  }

  const subscriptions = rawSubs.map((s, idx): WebhookSubscription => {
    const uri = s.uri;
    if (typeof uri !== "string" || !uri) throw new TomlError(`shopify.app.toml: subscription #${idx + 1} has no uri`);
    const topics = asStringArray(s.topics, "topics") ?? [];
    const complianceTopics = asStringArray(s.compliance_topics, "compliance_topics") ?? [];
    if (topics.length === 0 && complianceTopics.length === 0) {
      throw new TomlError(`shopify.app.toml: subscription #${idx + 1} (${uri}) has no topics`);
    }
    return {
      uri,
      topics,
      complianceTopics,
      name: typeof s.name === "string" ? s.name : undefined,
      includeFields: asStringArray(s.include_fields, "include_fields"),
      filter: typeof s.filter === "string" ? s.filter : undefined,
    };
  });
  const apiVersion = typeof webhooksTable.api_version === "string" ? webhooksTable.api_version : undefined;
  return { apiVersion, subscriptions };
}

export function readAppTomlWebhooks(path: string): AppTomlWebhooks {
  return parseAppTomlWebhooks(readFileSync(path, "utf8"));
}

export function subscriptionsForTopic(config: AppTomlWebhooks, topic: string): WebhookSubscription[] {
  return config.subscriptions.filter((s) => s.topics.includes(topic) || s.complianceTopics.includes(topic));
}
