/**
 * CLI: tsx test/simulators/fortnox/main.ts --port 4010 --client-id X --client-secret Y
 *        [--redirect-uri URL]... [--access-ttl-seconds N] [--rate-max N --rate-window-ms MS] [--oss on|off]
 * Environment fallbacks: FORTNOX_SIM_PORT, FORTNOX_SIM_CLIENT_ID, FORTNOX_SIM_CLIENT_SECRET,
 * FORTNOX_SIM_ACCESS_TTL_SECONDS, FORTNOX_SIM_REDIRECT_URIS (comma-separated),
 * FORTNOX_SIM_RATE_MAX, FORTNOX_SIM_RATE_WINDOW_MS, FORTNOX_SIM_OSS.
 * Prints exactly one line once listening, then runs until SIGINT/SIGTERM.
 */
import { startFortnoxSimulator } from "./server.js";

function parseArgs(argv: string[]): Map<string, string[]> {
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

function intOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a non-negative integer`);
  return Number(raw);
}

function onOffOption(name: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (raw !== "on" && raw !== "off") throw new Error(`${name} must be on or off`);
  return raw === "on";
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const env = process.env;
  const arg = (name: string) => args.get(name)?.at(-1);

  const clientId = arg("client-id") ?? env.FORTNOX_SIM_CLIENT_ID;
  const clientSecret = arg("client-secret") ?? env.FORTNOX_SIM_CLIENT_SECRET;
  if (!clientId || !clientSecret) throw new Error("--client-id and --client-secret (or FORTNOX_SIM_CLIENT_ID/SECRET) are required");
  const redirectUris = args.get("redirect-uri") ?? env.FORTNOX_SIM_REDIRECT_URIS?.split(",").filter(Boolean);
  const rateMax = intOption("--rate-max", arg("rate-max") ?? env.FORTNOX_SIM_RATE_MAX);
  const rateWindow = intOption("--rate-window-ms", arg("rate-window-ms") ?? env.FORTNOX_SIM_RATE_WINDOW_MS);

  const sim = await startFortnoxSimulator({
    port: intOption("--port", arg("port") ?? env.FORTNOX_SIM_PORT) ?? 0,
    clients: [{ clientId, clientSecret, redirectUris }],
    accessTokenTtlSeconds: intOption("--access-ttl-seconds", arg("access-ttl-seconds") ?? env.FORTNOX_SIM_ACCESS_TTL_SECONDS),
    rateLimit: rateMax !== undefined || rateWindow !== undefined ? { max: rateMax ?? 25, windowMs: rateWindow ?? 5000 } : undefined,
    ossDefault: onOffOption("--oss", arg("oss") ?? env.FORTNOX_SIM_OSS),
  });
  console.log(`fortnox simulator listening on ${sim.url}`);

  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error(`fortnox simulator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
