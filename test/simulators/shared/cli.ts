/**
 * What the simulators' CLIs (fortnox/main.ts, visma/main.ts) share: `--name value` / `--name=value`
 * arguments (repeatable), checked numeric and on/off options, and running until a signal.
 */
export function parseArgs(argv: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument ${argv[i]}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`missing value for --${m[1]}`);
    out.set(m[1], [...(out.get(m[1]) ?? []), value]);
  }
  return out;
}

export function intOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a non-negative integer`);
  return Number(raw);
}

export function onOffOption(name: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (raw !== "on" && raw !== "off") throw new Error(`${name} must be on or off`);
  return raw === "on";
}

/**
 * Starts a simulator, prints exactly one line `<label> listening on <url>` (scripts wait for it),
 * then runs until SIGINT/SIGTERM. Exit codes: 0 closed cleanly, 1 close failed, 2 bad start.
 */
export function runCli(label: string, start: (args: Map<string, string[]>) => Promise<{ url: string; close(): Promise<void> }>): void {
  // Through a promise, so a bad argument (thrown synchronously) also ends in exit code 2.
  Promise.resolve()
    .then(() => start(parseArgs(process.argv.slice(2))))
    .then(
      (sim) => {
        console.log(`${label} listening on ${sim.url}`);
        const stop = () => sim.close().then(() => process.exit(0), () => process.exit(1));
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      },
      (err: unknown) => {
        console.error(`${label}: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(2);
      },
    );
}
