/**
 * CLI: tsx test/simulators/fortnox/main.ts --port 4010 --client-id X --client-secret Y
 *        [--redirect-uri URL]... [--access-ttl-seconds N] [--rate-max N --rate-window-ms MS] [--oss on|off]
 * Environment fallbacks: FORTNOX_SIM_PORT, FORTNOX_SIM_CLIENT_ID, FORTNOX_SIM_CLIENT_SECRET,
 * FORTNOX_SIM_ACCESS_TTL_SECONDS, FORTNOX_SIM_REDIRECT_URIS (comma-separated),
 * FORTNOX_SIM_RATE_MAX, FORTNOX_SIM_RATE_WINDOW_MS, FORTNOX_SIM_OSS.
 * Prints exactly one line once listening, then runs until SIGINT/SIGTERM.
 */
import { intOption, onOffOption, runCli } from "../shared/cli.js";
import { startFortnoxSimulator } from "./server.js";

runCli("fortnox simulator", (args) => {
  const env = process.env;
  const arg = (name: string) => args.get(name)?.at(-1);

  const clientId = arg("client-id") ?? env.FORTNOX_SIM_CLIENT_ID;
  const clientSecret = arg("client-secret") ?? env.FORTNOX_SIM_CLIENT_SECRET;
  if (!clientId || !clientSecret) throw new Error("--client-id and --client-secret (or FORTNOX_SIM_CLIENT_ID/SECRET) are required");
  const redirectUris = args.get("redirect-uri") ?? env.FORTNOX_SIM_REDIRECT_URIS?.split(",").filter(Boolean);
  const rateMax = intOption("--rate-max", arg("rate-max") ?? env.FORTNOX_SIM_RATE_MAX);
  const rateWindow = intOption("--rate-window-ms", arg("rate-window-ms") ?? env.FORTNOX_SIM_RATE_WINDOW_MS);

  return startFortnoxSimulator({
    port: intOption("--port", arg("port") ?? env.FORTNOX_SIM_PORT) ?? 0,
    clients: [{ clientId, clientSecret, redirectUris }],
    accessTokenTtlSeconds: intOption("--access-ttl-seconds", arg("access-ttl-seconds") ?? env.FORTNOX_SIM_ACCESS_TTL_SECONDS),
    rateLimit: rateMax !== undefined || rateWindow !== undefined ? { max: rateMax ?? 25, windowMs: rateWindow ?? 5000 } : undefined,
    ossDefault: onOffOption("--oss", arg("oss") ?? env.FORTNOX_SIM_OSS),
  });
});
