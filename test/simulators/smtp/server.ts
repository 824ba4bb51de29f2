/**
 * A strict SMTP sink: accepts mail the way a submission server does (RFC 5321, AUTH PLAIN per
 * RFC 4954/4616), records every message, and refuses what a real server refuses — commands out
 * of sequence, bad syntax, a password that does not match, commands sent before the previous
 * reply (no PIPELINING is offered), bare LF or an unstuffed dot in the message.
 */
import net from "node:net";

export interface SinkOptions {
  port?: number;
  /** user → password; with requireAuth, MAIL is refused until one authenticated. */
  users?: Record<string, string>;
  requireAuth?: boolean;
  /** RCPT TO these addresses is refused with 550. */
  rejectRecipients?: string[];
}

export interface ReceivedMessage {
  from: string;
  to: string[];
  /** As the client meant it: dot-stuffing undone, CRLF line ends. */
  data: string;
  user: string | null;
  at: string;
}

export interface SmtpSink {
  port: number;
  url(user?: string, pass?: string): string;
  messages: ReceivedMessage[];
  /** Every command line received, AUTH arguments masked. */
  commands: string[];
  /** The next time `verb` ("MAIL", "RCPT", "DATA", "." for the end of the message) arrives, answer `reply` instead. */
  failNext(verb: string, reply: string): void;
  close(): Promise<void>;
}

const ADDRESS = /^<([^<>\s]*)>(?:\s+\S.*)?$/;

export async function startSmtpSink(opts: SinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMessage[] = [];
  const commands: string[] = [];
  const faults = new Map<string, string>();
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let buffer = "";
    let greeted = false;
    let user: string | null = null;
    let authContinuation = false;
    let from: string | null = null;
    let to: string[] = [];
    let data: string | null = null;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    const resetTransaction = () => { from = null; to = []; data = null; };
    const fault = (verb: string) => {
      const f = faults.get(verb);
      if (f) faults.delete(verb);
      return f;
    };

    const endOfData = (body: string) => {
      data = null;
      // Every line ends CRLF; a lone CR or LF is how SMTP smuggling starts.
      if (/\r(?!\n)|(?<!\r)\n/.test(body)) return reply("550 5.6.11 bare CR or LF in the message");
      const lines = body.split("\r\n");
      if (lines.some((l) => /^\.[^.]/.test(l))) return reply("550 5.6.0 a line starting with an unstuffed dot");
      const injected = fault(".");
      if (injected) return (resetTransaction(), reply(injected));
      messages.push({ from: from!, to, data: lines.map((l) => (l.startsWith("..") ? l.slice(1) : l)).join("\r\n"), user, at: new Date().toISOString() });
      resetTransaction();
      reply(`250 2.0.0 queued as ${messages.length}`);
    };

    const command = (line: string) => {
      if (authContinuation) {
        authContinuation = false;
        commands.push("(AUTH response)");
        return authenticate(line);
      }
      const [verbRaw, ...rest] = line.split(" ");
      const verb = verbRaw.toUpperCase();
      const arg = rest.join(" ");
      commands.push(verb === "AUTH" ? `AUTH ${rest[0] ?? ""} ***` : line);
      if (line.length > 510) return reply("500 5.5.2 line too long");
      const injected = fault(verb);
      if (injected) return reply(injected);
      switch (verb) {
        case "EHLO":
        case "HELO":
          if (!arg.trim()) return reply(`501 5.5.4 ${verb} needs a domain`);
          greeted = true;
          resetTransaction();
          if (verb === "HELO") return reply("250 sink");
          reply(`250-sink greets ${arg}`);
          reply("250-SIZE 1048576");
          reply("250-AUTH PLAIN");
          return reply("250 HELP");
        case "AUTH":
          if (!greeted) return reply("503 5.5.1 EHLO first");
          if (user) return reply("503 5.5.1 already authenticated");
          if (from) return reply("503 5.5.1 not during a mail transaction");
          if (rest[0]?.toUpperCase() !== "PLAIN") return reply("504 5.5.4 only PLAIN is offered");
          if (!rest[1]) { authContinuation = true; return reply("334 "); }
          return authenticate(rest[1]);
        case "MAIL": {
          if (!greeted) return reply("503 5.5.1 EHLO first");
          if (opts.requireAuth && !user) return reply("530 5.7.0 authentication required");
          if (from !== null) return reply("503 5.5.1 nested MAIL command");
          const m = /^FROM:(.*)$/i.exec(arg);
          const a = m && ADDRESS.exec(m[1]);
          if (!a) return reply("501 5.5.4 syntax: MAIL FROM:<address>");
          from = a[1];
          return reply("250 2.1.0 ok");
        }
        case "RCPT": {
          if (from === null) return reply("503 5.5.1 MAIL first");
          const m = /^TO:(.*)$/i.exec(arg);
          const a = m && ADDRESS.exec(m[1]);
          if (!a || !a[1].includes("@")) return reply("501 5.5.4 syntax: RCPT TO:<address>");
          if (opts.rejectRecipients?.includes(a[1])) return reply(`550 5.1.1 <${a[1]}>: mailbox unavailable`);
          to.push(a[1]);
          return reply("250 2.1.5 ok");
        }
        case "DATA":
          if (arg) return reply("501 5.5.4 DATA takes no argument");
          if (from === null || !to.length) return reply("503 5.5.1 RCPT first");
          data = "";
          return reply("354 end data with <CR><LF>.<CR><LF>");
        case "RSET":
          resetTransaction();
          return reply("250 2.0.0 ok");
        case "NOOP":
          return reply("250 2.0.0 ok");
        case "QUIT":
          reply("221 2.0.0 bye");
          return socket.end();
        case "STARTTLS":
          return reply("502 5.5.1 STARTTLS not offered");
        case "VRFY":
        case "EXPN":
          return reply("502 5.5.1 not implemented");
        default:
          return reply("500 5.5.2 command unrecognized");
      }
    };

    const authenticate = (encoded: string) => {
      const parts = Buffer.from(encoded, "base64").toString("utf8").split("\0");
      if (parts.length !== 3) return reply("501 5.5.2 malformed AUTH PLAIN response");
      const [, name, pass] = parts;
      if (opts.users?.[name] === undefined || opts.users[name] !== pass) return reply("535 5.7.8 authentication credentials invalid");
      user = name;
      return reply("235 2.7.0 authenticated");
    };

    reply("220 sink ESMTP ready");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      for (;;) {
        if (data !== null) {
          const end = `\r\n${buffer}`.indexOf("\r\n.\r\n");
          if (end < 0) return;
          // Searched with a CRLF in front so an empty message (".\r\n" at once) ends too; the
          // terminator's first CRLF ends the message's last line.
          const body = buffer.slice(0, end).replace(/\r\n$/, "");
          buffer = buffer.slice(end + 3);
          endOfData(body);
          continue;
        }
        const end = buffer.indexOf("\r\n");
        if (end < 0) {
          if (buffer.length > 4096) { reply("500 5.5.2 line too long"); socket.end(); }
          return;
        }
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        // No PIPELINING offered: a client must wait for each reply before its next command.
        if (buffer.length) {
          buffer = "";
          return reply("503 5.5.0 command sent before the previous reply (PIPELINING is not offered)");
        }
        command(line);
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: (user, pass) => `smtp://${user ? `${encodeURIComponent(user)}:${encodeURIComponent(pass ?? "")}@` : ""}127.0.0.1:${port}`,
    messages,
    commands,
    failNext: (verb, reply) => void faults.set(verb.toUpperCase(), reply),
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}
