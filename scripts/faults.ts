// npm run test:faults [-- --full] [-- --db sqlite|postgres|both] [-- --target fortnox|visma|both] [-- --audit] [-- --only text] [-- --skip text]
//
// The fault suite: the real app, worker, Redis, database and the strict simulators over HTTP,
// with faults injected; each scenario counts what survived, each security check what got
// through. Prints one table and exits non-zero unless every scenario shows 0 duplicates, 0 lost
// and 0 stuck and every security check holds. CI runs the small counts; --full the full ones.
// PostgreSQL runs need TEST_POSTGRES_URL (scripts/postgres.sh starts a throwaway cluster).
// For a post-mortem: FAULTS_LOG_LEVEL=info and KONTERA_TEST_LOGS=<dir> keep every process's log.

import { parseArgs } from "node:util";
import { startStack } from "../test/helpers/stack";
import type { DbKind } from "../test/helpers/services";
import { createPaidRace, staleDeliveries, tripleDeliveries } from "./faults/scenarios/deliveries";
import { lostResponses, twoMatches } from "./faults/scenarios/lost-response";
import { sigkills, sigterm } from "./faults/scenarios/crashes";
import { redisFlushed, redisRestarted } from "./faults/scenarios/redis";
import { tokenLostInCrash, tokenRace } from "./faults/scenarios/tokens";
import { flakyApi } from "./faults/scenarios/flaky-api";
import { twoOfEach } from "./faults/scenarios/processes";
import { auditCheck, securityChecks } from "./faults/security";
import { TARGETS, type FaultTarget } from "./faults/target";
import type { Scenario } from "./faults/types";

const scenarios: Scenario[] = [tripleDeliveries, createPaidRace, staleDeliveries, lostResponses, twoMatches, ...sigkills, sigterm, redisFlushed, redisRestarted, tokenRace, tokenLostInCrash, flakyApi,
  // Last: it adds a web process and a worker for its run.
  twoOfEach];

const { values } = parseArgs({ options: { full: { type: "boolean", default: false }, audit: { type: "boolean", default: false }, db: { type: "string", default: "sqlite" }, target: { type: "string", default: "fortnox" }, only: { type: "string" }, skip: { type: "string" } } });
const size = values.full ? "full" : "ci";
const dbs: DbKind[] = values.db === "both" ? ["sqlite", "postgres"] : [values.db as DbKind];
if (!dbs.every((d) => d === "sqlite" || d === "postgres")) {
  console.error(`--db must be sqlite, postgres or both (got ${values.db})`);
  process.exit(2);
}
const targets: FaultTarget[] = values.target === "both" ? [TARGETS.fortnox, TARGETS.visma] : [TARGETS[values.target as keyof typeof TARGETS]].filter(Boolean);
if (!targets.length) {
  console.error(`--target must be fortnox, visma or both (got ${values.target})`);
  process.exit(2);
}
if (dbs.includes("postgres") && !process.env.TEST_POSTGRES_URL) {
  console.error("--db postgres needs TEST_POSTGRES_URL (eval \"$(scripts/postgres.sh)\" starts one)");
  process.exit(2);
}

/** --only "a|b" runs the scenarios and checks whose name contains a or b; --skip "c" leaves out those containing c. */
const matches = (list: string | undefined, name: string) => !!list && list.split("|").some((part) => name.includes(part));
const selected = (name: string) => (!values.only || matches(values.only, name)) && !matches(values.skip, name);

interface Row { db: string; target: string; name: string; runs: number; expected: number; booked: number; duplicates: number; lost: number; stuck: number; seconds: number; ok: boolean; note?: string }
const rows: Row[] = [];

for (const db of dbs) for (const target of targets) {
  process.env.TEST_DB = db;
  const stack = await startStack({ db, env: { LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? "warn", ACCOUNTING_TIMEOUT_MS: "3000" } });
  const at = { db, target: target.provider };
  try {
    for (const s of scenarios.filter((x) => selected(x.name) && (!x.targets || x.targets.includes(target.provider)))) {
      const started = Date.now();
      try {
        const f = await s.run(stack, s.runs[size], target);
        rows.push({ ...at, name: s.name, ...f, seconds: Math.round((Date.now() - started) / 1000), ok: f.duplicates === 0 && f.lost === 0 && f.stuck === 0 && f.booked === f.expected });
      } catch (e) {
        rows.push({ ...at, name: s.name, runs: 0, expected: 0, booked: 0, duplicates: 0, lost: 0, stuck: 0, seconds: Math.round((Date.now() - started) / 1000), ok: false, note: (e as Error).message.split("\n")[0] });
      }
    }
    // The security checks are about the app, not the accounting system: once per database.
    const checks = target === targets[0] ? [...securityChecks, ...(values.audit ? [auditCheck] : [])] : [];
    for (const c of checks.filter((x) => selected(`security: ${x.name}`))) {
      const started = Date.now();
      try {
        const r = await c.run(stack, c.cases[size]);
        rows.push({ ...at, name: `security: ${c.name}`, runs: r.cases, expected: r.cases, booked: r.cases - r.failures.length, duplicates: 0, lost: r.failures.length, stuck: 0,
          seconds: Math.round((Date.now() - started) / 1000), ok: r.failures.length === 0, note: r.failures.slice(0, 3).join("; ") || undefined });
      } catch (e) {
        rows.push({ ...at, name: `security: ${c.name}`, runs: 0, expected: 0, booked: 0, duplicates: 0, lost: 0, stuck: 0, seconds: Math.round((Date.now() - started) / 1000), ok: false, note: (e as Error).message.split("\n")[0] });
      }
    }
  } finally {
    await stack.stop();
  }
}

console.log(`\n| db | target | scenario | runs | expected | booked | duplicates | lost | stuck | s | |`);
console.log(`| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |`);
for (const r of rows) {
  console.log(`| ${r.db} | ${r.target} | ${r.name} | ${r.runs} | ${r.expected} | ${r.booked} | ${r.duplicates} | ${r.lost} | ${r.stuck} | ${r.seconds} | ${r.ok ? "ok" : "FAIL"}${r.note ? `: ${r.note}` : ""} |`);
}
const failed = rows.filter((r) => !r.ok);
console.log(failed.length ? `\n${failed.length} of ${rows.length} failed` : `\nall ${rows.length} held (${size} counts)`);
if (!values.audit) console.log("npm audit of the production dependencies: not run (--audit runs it where the registry's advisory endpoint is reachable)");
process.exit(failed.length ? 1 : 0);
