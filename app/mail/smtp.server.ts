import net from "node:net";
import tls from "node:tls";

// A minimal SMTP submission client (RFC 5321, 3207 STARTTLS, 4954/4616 AUTH PLAIN): enough to
// hand one message to a relay, nothing more. Written here rather than taken from npm to keep the
// dependency list as it is; every reply is checked, so a refusal is an error, never a silent drop.

export interface SmtpConfig {
  /** smtp://user:pass@host:port (STARTTLS when offered) or smtps://… (TLS from the start). */
  url: string;
  /** The name we give in EHLO. */
  clientName?: string;
  timeoutMs?: number;
  /** Extra TLS options, e.g. a private CA. */
  tls?: tls.ConnectionOptions;
}

export interface Envelope {
  from: string;
  to: string[];
}

export interface Reply {
  code: number;
  lines: string[];
}

export class SmtpError extends Error {
  constructor(message: string, readonly code: number | null = null) {
    super(message);
  }
  /** 5xx: sending the same again will fail the same way. */
  get permanent(): boolean {
    return this.code !== null && this.code >= 500;
  }
}

const MAX_LINE = 64 * 1024;

/** Reads replies off a socket; one reply may span lines ("250-…" continues, "250 …" ends it). */
class ReplyReader {
  private buffer = "";
  private lines: string[] = [];
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private socket: net.Socket | null = null;

  private readonly onData = (chunk: Buffer) => {
    this.buffer += chunk.toString("utf8");
    let end: number;
    while ((end = this.buffer.indexOf("\r\n")) >= 0) {
      this.lines.push(this.buffer.slice(0, end));
      this.buffer = this.buffer.slice(end + 2);
    }
    if (this.buffer.length > MAX_LINE) this.fail(new SmtpError("the server sent a reply line without an end"));
    this.notify();
  };
  private readonly onError = (e: Error) => this.fail(e instanceof SmtpError ? e : new SmtpError(`connection failed: ${e.message}`));
  private readonly onClose = () => this.fail(new SmtpError("the server closed the connection"));

  attach(socket: net.Socket) {
    this.detach();
    this.socket = socket.on("data", this.onData).on("error", this.onError).on("close", this.onClose);
  }

  detach() {
    this.socket?.off("data", this.onData).off("error", this.onError).off("close", this.onClose);
    this.socket = null;
  }

  /** Anything received that no reply has consumed yet. */
  get unread(): boolean {
    return this.lines.length > 0 || this.buffer.length > 0;
  }

  private fail(e: Error) {
    this.failure ??= e;
    this.notify();
  }

  private notify() {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async line(): Promise<string> {
    for (;;) {
      const next = this.lines.shift();
      if (next !== undefined) return next;
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async read(): Promise<Reply> {
    const lines: string[] = [];
    let code: number | null = null;
    for (;;) {
      const line = await this.line();
      const m = /^([2-5]\d\d)(?:([ -])(.*))?$/.exec(line);
      if (!m || (code !== null && Number(m[1]) !== code)) throw new SmtpError(`malformed reply from the server: ${JSON.stringify(line.slice(0, 200))}`);
      code = Number(m[1]);
      lines.push(m[3] ?? "");
      if (m[2] !== "-") return { code, lines };
    }
  }
}

/** Dot-stuffing (RFC 5321 4.5.2) on CRLF lines, ending with CRLF: ready for "." to end DATA. */
export function dotStuff(message: string): string {
  const crlf = message.replace(/\r?\n/g, "\r\n");
  return (crlf.endsWith("\r\n") ? crlf : `${crlf}\r\n`).replace(/^\./gm, "..");
}

const isLoopback = (host: string) => host === "localhost" || /^127\./.test(host) || host === "::1" || host === "[::1]";

/** An address fit for MAIL FROM / RCPT TO: nothing that could end the command or start another. */
function checkAddress(address: string): string {
  if (!/^[^\s<>"\\]+@[^\s<>"\\@]+$/.test(address)) throw new SmtpError(`not a deliverable address: ${JSON.stringify(address.slice(0, 100))}`, 501);
  return address;
}

function connect(options: { host: string; port: number; implicitTls: boolean; timeoutMs: number; tls?: tls.ConnectionOptions }): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const servername = net.isIP(options.host) ? undefined : options.host;
    const socket = options.implicitTls
      ? tls.connect({ host: options.host, port: options.port, servername, ...options.tls }, () => ready())
      : net.connect({ host: options.host, port: options.port }, () => ready());
    const ready = () => {
      socket.off("error", failed);
      resolve(socket);
    };
    const failed = (e: Error) => reject(new SmtpError(`could not connect to ${options.host}:${options.port}: ${e.message}`));
    socket.once("error", failed);
    socket.setTimeout(options.timeoutMs, () => socket.destroy(new SmtpError(`no answer from ${options.host}:${options.port} within ${options.timeoutMs} ms`)));
  });
}

function upgrade(socket: net.Socket, host: string, options?: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect({ socket, servername: net.isIP(host) ? undefined : host, ...options }, () => {
      secure.off("error", failed);
      resolve(secure);
    });
    const failed = (e: Error) => reject(new SmtpError(`STARTTLS failed: ${e.message}`));
    secure.once("error", failed);
  });
}

/** The EHLO reply's keywords (first line is the greeting) and their parameters. */
const extensions = (ehlo: Reply) => new Map(ehlo.lines.slice(1).map((l) => { const [k, ...p] = l.trim().split(/\s+/); return [k.toUpperCase(), p.map((x) => x.toUpperCase())]; }));

/** Sends one message; resolves with the server's acceptance (its queue id, usually). */
export async function sendSmtp(config: SmtpConfig, envelope: Envelope, message: string): Promise<string> {
  const url = new URL(config.url);
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw new SmtpError(`SMTP_URL must be smtp:// or smtps://, not ${url.protocol}`);
  const implicitTls = url.protocol === "smtps:";
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(url.port) || (implicitTls ? 465 : 587);
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  const timeoutMs = config.timeoutMs ?? 30_000;
  const from = checkAddress(envelope.from);
  const to = envelope.to.map(checkAddress);
  if (!to.length) throw new SmtpError("a message needs at least one recipient");

  let socket = await connect({ host, port, implicitTls, timeoutMs, tls: config.tls });
  const reader = new ReplyReader();
  reader.attach(socket);
  // `label` names the command in errors, so an AUTH line (the password) is never quoted.
  const expect = (reply: Reply, accepted: number[], label: string) => {
    if (!accepted.includes(reply.code)) throw new SmtpError(`${label} refused: ${reply.code} ${reply.lines.join(" / ")}`, reply.code);
    return reply;
  };
  const command = async (line: string, accepted: number[], label = line.split(/[ :]/)[0]) => {
    socket.write(`${line}\r\n`);
    return expect(await reader.read(), accepted, label);
  };
  try {
    expect(await reader.read(), [220], "greeting");
    const name = config.clientName ?? "kontera.invalid";
    let ehlo = await command(`EHLO ${name}`, [250]);
    let secure = implicitTls;
    if (!secure && extensions(ehlo).has("STARTTLS")) {
      await command("STARTTLS", [220]);
      // Anything the server sent before the handshake could be injected by a man in the middle.
      if (reader.unread) throw new SmtpError("the server sent data before the TLS handshake; refusing to continue");
      reader.detach();
      socket = await upgrade(socket, host, config.tls);
      reader.attach(socket);
      secure = true;
      ehlo = await command(`EHLO ${name}`, [250]);
    }
    if (user) {
      if (!secure && !isLoopback(host)) throw new SmtpError("refusing to send the SMTP password unencrypted: the server offers no STARTTLS (use smtps:// or a server with STARTTLS)");
      if (!extensions(ehlo).get("AUTH")?.includes("PLAIN")) throw new SmtpError("the server does not offer AUTH PLAIN");
      await command(`AUTH PLAIN ${Buffer.from(`\0${user}\0${pass}`).toString("base64")}`, [235], "AUTH PLAIN");
    }
    await command(`MAIL FROM:<${from}>`, [250], "MAIL FROM");
    for (const rcpt of to) await command(`RCPT TO:<${rcpt}>`, [250, 251], `RCPT TO <${rcpt}>`);
    await command("DATA", [354]);
    const accepted = await command(`${dotStuff(message)}.`, [250], "the message");
    // The message is the server's now; a failed goodbye changes nothing.
    await command("QUIT", [221]).catch(() => undefined);
    return accepted.lines.join(" ");
  } finally {
    reader.detach();
    // A late error on a socket nobody listens to would crash the worker.
    socket.on("error", () => undefined).destroy();
  }
}
