/**
 * CLI: tsx test/simulators/visma/main.ts --port 4030 --client-id X --client-secret Y
 *        [--redirect-uri URL]... [--access-ttl-seconds N] [--rate-max N --rate-window-ms MS] [--oss on|off]
 * Environment fallbacks: VISMA_SIM_PORT, VISMA_SIM_CLIENT_ID, VISMA_SIM_CLIENT_SECRET,
 * VISMA_SIM_ACCESS_TTL_SECONDS, VISMA_SIM_REDIRECT_URIS (comma-separated),
 * VISMA_SIM_RATE_MAX, VISMA_SIM_RATE_WINDOW_MS, VISMA_SIM_OSS.
 * Prints exactly one line once listening, then runs until SIGINT/SIGTERM.
 */
import { intOption, onOffOption, runCli } from "../shared/cli.js";
import { startVismaSimulator } from "./server.js";

runCli("visma simulator", (args) => {
  const env = process.env;
  const arg = (name: string) => args.get(name)?.at(-1);

  const clientId = arg("client-id") ?? env.VISMA_SIM_CLIENT_ID;
  const clientSecret = arg("client-secret") ?? env.VISMA_SIM_CLIENT_SECRET;
  if (!clientId || !clientSecret) throw new Error("--client-id and --client-secret (or VISMA_SIM_CLIENT_ID/SECRET) are required");
  const redirectUris = args.get("redirect-uri") ?? env.VISMA_SIM_REDIRECT_URIS?.split(",").filter(Boolean);
  const rateMax = intOption("--rate-max", arg("rate-max") ?? env.VISMA_SIM_RATE_MAX);
  const rateWindow = intOption("--rate-window-ms", arg("rate-window-ms") ?? env.VISMA_SIM_RATE_WINDOW_MS);

  return startVismaSimulator({
    port: intOption("--port", arg("port") ?? env.VISMA_SIM_PORT) ?? 0,
    clients: [{ clientId, clientSecret, redirectUris }],
    accessTokenTtlSeconds: intOption("--access-ttl-seconds", arg("access-ttl-seconds") ?? env.VISMA_SIM_ACCESS_TTL_SECONDS),
    rateLimit: rateMax !== undefined || rateWindow !== undefined ? { max: rateMax ?? 600, windowMs: rateWindow ?? 60_000 } : undefined,
    ossDefault: onOffOption("--oss", arg("oss") ?? env.VISMA_SIM_OSS),
  });
});
