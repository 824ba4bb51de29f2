import type http from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

// The admin's host for the app's UI extensions (admin blocks and actions): a page at
// /store/<handle>/extensions/<extension handle>?target=…&ids=…&locale=… that loads the bundle
// `shopify app build` wrote (extensions/<handle>/dist/<handle>.js) and gives it what Shopify's
// admin gives it:
// - the `shopify` global: extend(), extension.target, data.selected, i18n (the extension's locale
//   files, {{placeholders}}, one/other plurals), auth.idToken(), close();
// - fetch() as the admin's runtime changes it: relative URLs resolve against the app's URL, and
//   requests to the app's origin get `Authorization: Bearer <session token>`, freshly minted;
// - a different origin from the app's, so the app must answer CORS as Shopify's admin requires.
// Polaris web components (s-*) are not Shopify's: they stay unknown elements, styled just enough
// to be read and clicked. What the harness checks like Shopify does: the target must be declared
// in the extension's toml, its API version must be 2026-01 or later, and the bundle must exist.

const MIN_API_VERSION = "2026-01";
const TARGETS = ["admin.order-details.block.render", "admin.order-details.action.render", "admin.order-index.selection-action.render"];

export interface ExtensionHostContext {
  /** The directory holding shopify.app.toml and extensions/. */
  appDir: string;
  appUrl: string;
  shop: string;
  storeHandle: string;
  mintIdToken: () => string;
}

class HostError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function extensionDir(ctx: ExtensionHostContext, handle: string): { dir: string; toml: string } {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(handle)) throw new HostError(404, `no extension "${handle}"`);
  const dir = join(ctx.appDir, "extensions", handle);
  const tomlPath = join(dir, "shopify.extension.toml");
  if (!existsSync(tomlPath)) throw new HostError(404, `no extension "${handle}" (extensions/${handle}/shopify.extension.toml is missing)`);
  return { dir, toml: readFileSync(tomlPath, "utf8") };
}

function checkTarget(toml: string, target: string): void {
  const version = /^\s*api_version\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (!version || version < MIN_API_VERSION) throw new HostError(422, `api_version ${version ?? "(none)"}: admin extensions need ${MIN_API_VERSION} or later`);
  const declared = [...toml.matchAll(/^\s*target\s*=\s*"([^"]+)"/gm)].map((m) => m[1]);
  if (!TARGETS.includes(target)) throw new HostError(400, `the simulator hosts ${TARGETS.join(", ")}; not ${target}`);
  if (!declared.includes(target)) throw new HostError(422, `the extension does not declare the target ${target} (declared: ${declared.join(", ") || "none"})`);
}

function locales(dir: string, locale: string): { strings: unknown; fallback: unknown } {
  const read = (file: string) => (existsSync(join(dir, "locales", file)) ? JSON.parse(readFileSync(join(dir, "locales", file), "utf8")) : null);
  const fallback = read("en.default.json");
  if (!fallback) throw new HostError(422, "the extension has no locales/en.default.json");
  return { strings: /^[a-z]{2}(-[A-Z]{2})?$/.test(locale) ? read(`${locale}.json`) ?? fallback : fallback, fallback };
}

const STYLE = `
body { font: 14px system-ui, sans-serif; margin: 16px; background: #f1f1f1; color: #303030; }
s-admin-block, s-admin-action { display: block; background: #fff; border-radius: 12px; padding: 16px; max-width: 640px; box-shadow: 0 1px 2px #0003; }
s-admin-block::before, s-admin-action::before { content: attr(heading); display: block; font-weight: 650; margin-bottom: 12px; }
s-stack { display: flex; flex-direction: column; gap: 8px; }
s-stack[direction="inline"] { flex-direction: row; flex-wrap: wrap; align-items: center; }
s-badge { display: inline-block; padding: 2px 8px; border-radius: 8px; background: #e3e3e3; font-size: 12px; }
s-badge[tone="success"] { background: #cdfee1; } s-badge[tone="critical"] { background: #fedad9; }
s-badge[tone="warning"], s-badge[tone="caution"] { background: #ffef9d; } s-badge[tone="info"] { background: #e0f0ff; }
s-banner { display: block; padding: 8px 12px; border-radius: 8px; background: #fafafa; border: 1px solid #ccc; }
s-banner[tone="critical"] { border-color: #e51c00; } s-banner[tone="success"] { border-color: #29845a; } s-banner[tone="warning"] { border-color: #b28400; }
s-banner::before { content: attr(heading); display: block; font-weight: 650; }
s-heading { display: block; font-weight: 650; } s-paragraph { display: block; }
s-text[color="subdued"], s-paragraph[color="subdued"] { color: #616161; } s-text[type="strong"] { font-weight: 650; }
s-link { color: #005bd3; text-decoration: underline; cursor: pointer; }
s-button { display: inline-block; padding: 6px 12px; margin-top: 8px; border: 1px solid #8a8a8a; border-radius: 8px; background: #fff; cursor: pointer; }
s-button[variant="primary"] { background: #303030; color: #fff; }
s-button[disabled], s-button[loading] { opacity: .5; pointer-events: none; }
s-table { display: table; border-collapse: collapse; } s-table-header-row, s-table-row { display: table-row; }
s-table-body { display: table-row-group; } s-table-header, s-table-cell { display: table-cell; padding: 4px 8px; border-bottom: 1px solid #ddd; }
s-table-header { font-weight: 650; }
`;

/** The admin's runtime, as the page's first script: `shopify`, and fetch with the session token. */
function runtime(config: object): string {
  return `
const config = ${JSON.stringify(config).replace(/</g, "\\u003c")};
const appOrigin = new URL(config.appUrl).origin;
const token = async () => (await (await window.__simFetch(config.tokenUrl)).json()).idToken;
window.__simFetch = window.fetch.bind(window);
window.fetch = async (input, init = {}) => {
  const url = new URL(typeof input === "string" ? input : input.url, config.appUrl);
  const headers = new Headers(init.headers || {});
  if (url.origin === appOrigin) headers.set("Authorization", "Bearer " + await token());
  return window.__simFetch(url.toString(), { ...init, headers });
};
const lookup = (strings, key) => key.split(".").reduce((v, k) => (v && typeof v === "object" ? v[k] : undefined), strings);
const plural = new Intl.PluralRules(config.locale);
window.shopify = {
  extension: { target: config.target },
  data: { selected: config.ids.map((id) => ({ id })) },
  i18n: {
    translate(key, replacements = {}) {
      let value = lookup(config.strings, key) ?? lookup(config.fallback, key);
      if (value && typeof value === "object") value = value[plural.select(Number(replacements.count))] ?? value.other;
      if (typeof value !== "string") { console.error("missing translation: " + key); return key; }
      return value.replace(/{{\\s*(\\w+)\\s*}}/g, (m, name) => (name in replacements ? String(replacements[name]) : m));
    },
    formatNumber: (n, o) => new Intl.NumberFormat(config.locale, o).format(n),
    formatCurrency: (n, o) => new Intl.NumberFormat(config.locale, { style: "currency", ...o }).format(n),
    formatDate: (d, o) => new Intl.DateTimeFormat(config.locale, o).format(d),
  },
  auth: { idToken: token },
  close() { document.documentElement.dataset.closed = "true"; },
  navigation: { navigate(url) { document.documentElement.dataset.navigatedTo = String(url); } },
  extend(target, render) { if (target === config.target) render(); },
};
// Links: app: paths open the app in the admin, others a new tab, as the admin does.
document.addEventListener("click", (e) => {
  const link = e.target.closest && e.target.closest("s-link");
  const href = link && link.getAttribute("href");
  if (!href) return;
  if (href.startsWith("app:")) location.href = config.appPath + href.slice(4).replace(/^\\/?/, "/");
  else window.open(href, "_blank");
});`;
}

export async function serveExtension(req: http.IncomingMessage, res: http.ServerResponse, url: URL, ctx: ExtensionHostContext, rest: string): Promise<void> {
  try {
    if (req.method !== "GET") throw new HostError(405, "GET only");
    const [handle, file] = rest.split("/");
    const { dir, toml } = extensionDir(ctx, handle ?? "");
    if (file === "id-token") {
      const body = JSON.stringify({ idToken: ctx.mintIdToken() });
      res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" });
      res.end(body);
      return;
    }
    if (file === "bundle.js") {
      const bundle = join(dir, "dist", `${handle}.js`);
      if (!existsSync(bundle)) throw new HostError(404, `extensions/${handle}/dist/${handle}.js is missing: run \`shopify app build\``);
      res.writeHead(200, { "Content-Type": "text/javascript", "Cache-Control": "no-store" });
      res.end(readFileSync(bundle));
      return;
    }
    if (file) throw new HostError(404, "not found");
    const target = url.searchParams.get("target") ?? "";
    checkTarget(toml, target);
    const ids = (url.searchParams.get("ids") ?? "").split(",").filter(Boolean).map((id) => (/^\d+$/.test(id) ? `gid://shopify/Order/${id}` : id));
    if (!ids.length || ids.some((id) => !/^gid:\/\/shopify\/Order\/\d+$/.test(id))) throw new HostError(400, "ids: one or more order ids (numbers or gids), comma-separated");
    if (!target.includes("selection-action") && ids.length !== 1) throw new HostError(400, `${target} is about one order: pass one id`);
    const locale = url.searchParams.get("locale") ?? "en";
    const base = `/store/${ctx.storeHandle}/extensions/${handle}`;
    const config = {
      target, ids, locale, ...locales(dir, locale), appUrl: ctx.appUrl,
      tokenUrl: `${base}/id-token`, appPath: `/store/${ctx.storeHandle}/apps/kontera`,
    };
    const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${handle} · ${target}</title><style>${STYLE}</style>
<script>${runtime(config)}</script></head><body></body><script src="${base}/bundle.js"></script></html>`;
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
    res.end(html);
  } catch (e) {
    if (!(e instanceof HostError)) throw e;
    res.writeHead(e.status, { "Content-Type": "text/plain; charset=utf-8" });
    res.end(e.message);
  }
}
