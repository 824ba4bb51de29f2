/**
 * CLI: tsx test/simulators/smtp/main.ts --port 2525 [--user name:password]... [--require-auth on|off]
 * A relay to point MAIL_TRANSPORT=smtp at by hand; each accepted message is printed as it arrives.
 */
import { intOption, onOffOption, runCli } from "../shared/cli.js";
import { startSmtpSink } from "./server.js";

runCli("smtp sink", async (args) => {
  const users = Object.fromEntries((args.get("user") ?? []).map((u) => { const i = u.indexOf(":"); return [u.slice(0, i), u.slice(i + 1)]; }));
  const sink = await startSmtpSink({ port: intOption("--port", args.get("port")?.at(-1)) ?? 0, users, requireAuth: onOffOption("--require-auth", args.get("require-auth")?.at(-1)) });
  const push = sink.messages.push.bind(sink.messages);
  sink.messages.push = (...m) => { for (const x of m) console.log(`message from <${x.from}> to ${x.to.map((t) => `<${t}>`).join(", ")}, ${x.data.length} bytes`); return push(...m); };
  return { url: sink.url(), close: sink.close };
});
