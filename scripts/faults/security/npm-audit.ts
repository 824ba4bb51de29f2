import { spawn } from "node:child_process";
import { ROOT } from "../../../test/helpers/services";
import type { SecurityCheck } from "../types";

// The production dependencies (what the image ships: npm ci --omit=dev) have no known high or
// critical vulnerability, by npm's own audit against the registry's advisory database. A run
// that cannot ask the registry fails and says so: an audit that was not done is not a clean one.
// Each production package audited is a case; each high or critical finding is a failure line
// naming the package, its vulnerable range and the advisories.

const AUDIT_TIMEOUT_MS = 120_000;
const SERIOUS = ["high", "critical"];

interface Advisory { title?: string; url?: string; severity?: string; range?: string; name?: string }
interface Vulnerability { name: string; severity: string; range?: string; via: (string | Advisory)[]; fixAvailable?: unknown }
interface Report {
  vulnerabilities?: Record<string, Vulnerability>;
  metadata?: { dependencies?: { prod?: number; total?: number } };
  /** Present when npm could not audit (the registry refused or could not be reached). */
  error?: { code?: string; summary?: string; detail?: string };
  message?: string;
  statusCode?: number;
}

/** One line per high or critical vulnerability: the package, its range, and why (advisories, or the package it comes through). */
function findings(report: Report): string[] {
  return Object.values(report.vulnerabilities ?? {})
    .filter((v) => SERIOUS.includes(v.severity))
    .map((v) => {
      const why = v.via.map((x) => (typeof x === "string" ? `through ${x}` : `${x.title ?? "advisory"} (${x.severity ?? "?"}, ${x.url ?? "no url"})`)).join("; ");
      const fix = v.fixAvailable === false ? "no fix available" : v.fixAvailable ? "a fix is available" : "";
      return `${v.severity} in ${v.name}${v.range ? ` ${v.range}` : ""}: ${why}${fix ? ` [${fix}]` : ""}`;
    });
}

/** What `npm audit` printed when it could not audit, or null when it did. */
function notAudited(report: Report): string | null {
  if (report.vulnerabilities && report.metadata) return null;
  const said = report.message ?? report.error?.summary ?? report.error?.detail ?? report.error?.code ?? "no report";
  return `npm audit could not get advisories from the registry (${said}${report.statusCode ? `, HTTP ${report.statusCode}` : ""}): the production dependencies were NOT checked`;
}

/** A report as npm writes it, with one high finding: the control that the parsing above can fail. */
const SAMPLE: Report = {
  vulnerabilities: {
    "left-pad-ish": { name: "left-pad-ish", severity: "high", range: "<1.3.1", fixAvailable: true, via: [{ name: "left-pad-ish", title: "Prototype Pollution", url: "https://github.com/advisories/GHSA-0000-0000-0000", severity: "high", range: "<1.3.1" }] },
    "uses-it": { name: "uses-it", severity: "moderate", via: ["left-pad-ish"] },
  },
  metadata: { dependencies: { prod: 2 } },
};

function audit(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["audit", "--omit=dev", "--audit-level=high", "--json"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => { stdout += b; });
    child.stderr.on("data", (b) => { stderr += b; });
    const timer = setTimeout(() => child.kill("SIGKILL"), AUDIT_TIMEOUT_MS);
    child.on("close", (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.on("error", (e) => { clearTimeout(timer); resolve({ code: null, stdout, stderr: `${stderr}\n${e.message}` }); });
  });
}

export const check: SecurityCheck = {
  name: "npm-audit: no high or critical vulnerability in the production dependencies (npm audit --omit=dev)",
  // One audit whatever the size. A run that audited counts the production packages it covered as
  // its cases; one that could not counts the audit itself, failed.
  cases: { ci: 1, full: 1 },
  async run() {
    const failures: string[] = [];
    if (findings(SAMPLE).length !== 1 || notAudited(SAMPLE) !== null) failures.push("control: the report parser does not find the one high finding of a sample report");

    const { code, stdout, stderr } = await audit();
    let report: Report;
    try {
      report = JSON.parse(stdout);
    } catch {
      const tail = `${stdout}\n${stderr}`.trim().split("\n").filter((l) => !/^npm warn/i.test(l)).slice(-3).join(" ").slice(0, 300);
      return { cases: 1, failures: [...failures, `npm audit ${code === null ? "did not finish" : `exited ${code}`} without a JSON report: ${tail || "(no output)"}`] };
    }
    const unaudited = notAudited(report);
    if (unaudited) return { cases: 1, failures: [...failures, unaudited] };
    failures.push(...findings(report));
    return { cases: report.metadata?.dependencies?.prod ?? Object.keys(report.vulnerabilities ?? {}).length, failures };
  },
};
