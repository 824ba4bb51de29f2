// `npm run build:extensions`: type-checks the admin extensions (shopify app build does not), builds
// them with the Shopify CLI (offline: it only bundles), and checks each bundle against Shopify's
// 64 KB compressed limit for UI extensions. npm test runs it before the browser tests, which load
// the bundles.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const LIMIT = 64 * 1024;
const bin = (name) => path.join(ROOT, "node_modules/.bin", name);
const extensions = readdirSync(path.join(ROOT, "extensions"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(ROOT, "extensions", d.name, "shopify.extension.toml")))
  .map((d) => d.name);

function run(cmd, args, timeoutMs) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", timeout: timeoutMs, env: { ...process.env, SHOPIFY_CLI_NO_ANALYTICS: "1", CI: "1" } });
  if (r.status !== 0) {
    // The CLI retries a failing bundle forever: the timeout is what ends it.
    console.error(`${path.basename(cmd)} ${args.join(" ")} failed${r.error ? ` (${r.error.message})` : ""}:\n${r.stdout}\n${r.stderr}`);
    process.exit(1);
  }
}

for (const name of extensions) run(bin("tsc"), ["-p", path.join("extensions", name, "tsconfig.json")], 120_000);
run(bin("shopify"), ["app", "build", "--path", ROOT], 180_000);

let over = false;
for (const name of extensions) {
  const bundle = path.join(ROOT, "extensions", name, "dist", `${name}.js`);
  if (!existsSync(bundle)) {
    console.error(`extensions/${name}: no bundle at dist/${name}.js after the build`);
    process.exit(1);
  }
  const raw = readFileSync(bundle);
  const compressed = gzipSync(raw, { level: 9 }).length;
  over ||= compressed > LIMIT;
  console.log(`extensions/${name}: ${(raw.length / 1024).toFixed(1)} KB, ${(compressed / 1024).toFixed(1)} KB compressed (limit 64 KB)${compressed > LIMIT ? " OVER THE LIMIT" : ""}`);
}
process.exit(over ? 1 : 0);
