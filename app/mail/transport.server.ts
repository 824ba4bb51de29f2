import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { env, mailTransport } from "~/env.server";
import { bareAddress, composeMessage, type Mail } from "./message";
import { sendSmtp } from "./smtp.server";

// Where alert e-mails go: SMTP in production, a local outbox in development and tests (one .eml
// per message, openable in any mail client, and a .json beside it for scripts and tests).

const DEFAULT_FROM = "Kontera <alerts@kontera.invalid>";

export interface Sent {
  messageId: string;
  /** The outbox file, or the relay's acceptance. */
  receipt: string;
}

export async function sendMail(mail: Omit<Mail, "from">, meta: Record<string, unknown> = {}): Promise<Sent> {
  const e = env();
  const full = { ...mail, from: e.MAIL_FROM ?? DEFAULT_FROM };
  const { messageId, raw } = composeMessage(full);
  if (mailTransport(e) === "smtp") {
    const receipt = await sendSmtp({ url: e.SMTP_URL!, timeoutMs: 30_000 }, { from: bareAddress(full.from), to: [bareAddress(full.to)] }, raw);
    return { messageId, receipt };
  }
  return { messageId, receipt: await writeOutbox(e.MAIL_OUTBOX_DIR, messageId, raw, { ...full, messageId, at: new Date().toISOString(), ...meta }) };
}

/** Written under a temporary name and renamed, so a reader never sees half a message. */
async function writeOutbox(dir: string, messageId: string, raw: string, sidecar: Record<string, unknown>): Promise<string> {
  await mkdir(dir, { recursive: true });
  const base = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${messageId.replace(/[^A-Za-z0-9]/g, "").slice(0, 24)}`);
  await writeFile(`${base}.json.tmp`, `${JSON.stringify(sidecar, null, 2)}\n`);
  await writeFile(`${base}.eml.tmp`, raw);
  await rename(`${base}.json.tmp`, `${base}.json`);
  await rename(`${base}.eml.tmp`, `${base}.eml`);
  return `${base}.eml`;
}
