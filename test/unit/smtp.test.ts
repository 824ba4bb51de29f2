import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeMessage } from "~/mail/message";
import { dotStuff, sendSmtp, SmtpError } from "~/mail/smtp.server";
import { startSmtpSink, type SmtpSink } from "../simulators/smtp/server";

// The SMTP client against a strict sink: the whole dialogue, AUTH, dot-stuffing, and refusals
// surfacing as errors rather than as mail silently lost.

let sink: SmtpSink;
beforeAll(async () => { sink = await startSmtpSink({ users: { kontera: "p@ss:wörd" }, requireAuth: true, rejectRecipients: ["gone@example.com"] }); });
afterAll(async () => { await sink?.close(); });

const envelope = { from: "alerts@kontera.test", to: ["owner@shop.test"] };
const url = () => sink.url("kontera", "p@ss:wörd");

describe("the SMTP client", () => {
  it("authenticates with AUTH PLAIN and delivers the message, dot-stuffed, in the order the protocol wants", async () => {
    const text = "Hello\n.hidden line\n..two dots\n.\nend";
    const { raw } = composeMessage({ from: "Kontera <alerts@kontera.test>", to: "owner@shop.test", subject: "Två order misslyckades", text });
    const before = sink.commands.length;
    const accepted = await sendSmtp({ url: url() }, envelope, `${raw}\r\n${text}`);
    expect(accepted).toMatch(/queued as \d+/);
    const got = sink.messages.at(-1)!;
    expect(got).toMatchObject({ from: "alerts@kontera.test", to: ["owner@shop.test"], user: "kontera" });
    // What arrives is what was sent: every dot the sender wrote, in CRLF lines.
    expect(got.data).toBe(`${raw}\r\n${text.replace(/\n/g, "\r\n")}`);
    expect(got.data).toContain("Subject: =?UTF-8?B?");
    const verbs = sink.commands.slice(before).map((c) => c.split(/[ :]/)[0]);
    expect(verbs).toEqual(["EHLO", "AUTH", "MAIL", "RCPT", "DATA", "QUIT"]);
    // The password never shows in what the server logged as the command (masked) nor in clear.
    expect(sink.commands.join("\n")).not.toContain("wörd");
  });

  it("stuffs every line that starts with a dot and ends the data in CRLF", () => {
    expect(dotStuff(".a\nb\n..c")).toBe("..a\r\nb\r\n...c\r\n");
    expect(dotStuff("x\r\n")).toBe("x\r\n");
  });

  it("turns a refused password into an error naming AUTH, without the credential", async () => {
    const e = await sendSmtp({ url: sink.url("kontera", "wrong-secret") }, envelope, "x").catch((err) => err);
    expect(e).toBeInstanceOf(SmtpError);
    expect(e.code).toBe(535);
    expect(e.permanent).toBe(true);
    expect(e.message).toMatch(/^AUTH PLAIN refused: 535/);
    expect(e.message).not.toContain("wrong-secret");
    expect(e.message).not.toContain(Buffer.from("\0kontera\0wrong-secret").toString("base64"));
  });

  it("surfaces a 5xx reply to the message (and to a recipient) as an error; nothing is recorded", async () => {
    const count = sink.messages.length;
    sink.failNext(".", "554 5.7.1 message rejected as spam");
    const e = await sendSmtp({ url: url() }, envelope, "x").catch((err) => err);
    expect(e).toBeInstanceOf(SmtpError);
    expect(e.message).toBe("the message refused: 554 5.7.1 message rejected as spam");
    const r = await sendSmtp({ url: url() }, { ...envelope, to: ["gone@example.com"] }, "x").catch((err) => err);
    expect(r.code).toBe(550);
    expect(sink.messages.length).toBe(count);
  });

  it("reads multi-line replies whole, and a 4xx is an error that is not permanent", async () => {
    sink.failNext("MAIL", "451-4.3.0 try again later\r\n451 4.3.0 the queue is full");
    const e = await sendSmtp({ url: url() }, envelope, "x").catch((err) => err);
    expect(e.message).toBe("MAIL FROM refused: 451 4.3.0 try again later / 4.3.0 the queue is full");
    expect(e.permanent).toBe(false);
  });

  it("refuses a malformed reply and an address that could inject a command", async () => {
    sink.failNext("DATA", "35x go ahead");
    await expect(sendSmtp({ url: url() }, envelope, "x")).rejects.toThrow(/malformed reply/);
    await expect(sendSmtp({ url: url() }, { ...envelope, to: ["a@b.test>\r\nRCPT TO:<c@d.test"] }, "x")).rejects.toThrow(/not a deliverable address/);
  });

  it("does not send without authenticating when the server requires it, and fails on a closed port", async () => {
    const e = await sendSmtp({ url: sink.url() }, envelope, "x").catch((err) => err);
    expect(e.message).toMatch(/^MAIL FROM refused: 530/);
    const closed = await startSmtpSink();
    const port = closed.port;
    await closed.close();
    await expect(sendSmtp({ url: `smtp://127.0.0.1:${port}`, timeoutMs: 2000 }, envelope, "x")).rejects.toThrow(/could not connect/);
  });
});

describe("the SMTP sink is strict", () => {
  const talk = async (lines: string[]): Promise<string> => {
    const net = await import("node:net");
    return new Promise((resolve) => {
      const s = net.connect(sink.port, "127.0.0.1");
      let out = "";
      let i = 0;
      s.on("data", (d) => {
        out += d.toString();
        // One command per complete reply (its last line is "NNN text").
        if (!/(^|\r\n)\d{3}( [^\r\n]*)?\r\n$/.test(out)) return;
        if (i < lines.length) s.write(`${lines[i++]}\r\n`);
        else s.end();
      });
      s.on("close", () => resolve(out));
    });
  };

  it("refuses commands out of sequence and an unstuffed dot", async () => {
    expect(await talk(["MAIL FROM:<a@b.test>"])).toMatch(/503 5\.5\.1 EHLO first/);
    expect(await talk(["EHLO x", "RCPT TO:<a@b.test>"])).toMatch(/503 5\.5\.1 MAIL first/);
    const auth = `AUTH PLAIN ${Buffer.from("\0kontera\0p@ss:wörd").toString("base64")}`;
    expect(await talk(["EHLO x", auth, "MAIL FROM:<a@b.test>", "DATA"])).toMatch(/503 5\.5\.1 RCPT first/);
    expect(await talk(["EHLO x", auth, "MAIL FROM:<a@b.test>", "RCPT TO:<c@d.test>", "DATA", ".oops\r\n."])).toMatch(/550 5\.6\.0 a line starting with an unstuffed dot/);
    expect(await talk(["EHLO x", auth, "MAIL FROM:<a@b.test>", "RCPT TO:<c@d.test>", "DATA", "bare\nLF\r\n."])).toMatch(/550 5\.6\.11 bare CR or LF/);
    expect(await talk(["EHLO x\r\nNOOP"])).toMatch(/503 5\.5\.0 command sent before the previous reply/);
  });
});
