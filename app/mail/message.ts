import { randomBytes } from "node:crypto";

// An RFC 5322 message, plain text in UTF-8. The body is base64 so no line length or 8-bit
// support on the relay matters; header words that are not ASCII are RFC 2047 encoded.

export interface Mail {
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** A header value must stay one header: CR or LF in it would let text start another. */
const oneLine = (value: string) => {
  if (/[\r\n]/.test(value)) throw new Error("a mail header value cannot contain a line break");
  return value;
};

/** RFC 2047 words of at most 75 characters each, split between characters, never inside one. */
function encodeWord(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk = "";
  for (const ch of value) {
    if (Buffer.byteLength(chunk + ch) > 45) { words.push(chunk); chunk = ""; }
    chunk += ch;
  }
  words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, "utf8").toString("base64")}?=`).join("\r\n ");
}

/** `Name <a@b>` with the name encoded when it needs to be. */
const address = (value: string) => {
  const m = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(oneLine(value));
  return m && m[1] ? `${encodeWord(m[1].replace(/^"|"$/g, ""))} <${m[2]}>` : value.trim();
};

/** The bare address of `Name <a@b>` or `a@b`: what the SMTP envelope carries. */
export const bareAddress = (value: string) => /<([^<>]+)>/.exec(value)?.[1] ?? value.trim();

export function composeMessage(mail: Mail, opts: { date?: Date; messageId?: string } = {}): { messageId: string; raw: string } {
  const domain = bareAddress(mail.from).split("@")[1] ?? "kontera.invalid";
  const messageId = opts.messageId ?? `<${Date.now().toString(36)}.${randomBytes(8).toString("hex")}@${domain}>`;
  const body = Buffer.from(mail.text.replace(/\r?\n/g, "\r\n"), "utf8").toString("base64").replace(/.{1,76}/g, "$&\r\n");
  const headers = [
    `From: ${address(mail.from)}`,
    `To: ${address(mail.to)}`,
    `Subject: ${encodeWord(oneLine(mail.subject))}`,
    `Date: ${(opts.date ?? new Date()).toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: ${messageId}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: base64",
    // Mail about a failure is not a newsletter: no auto-replies back into our sender.
    "Auto-Submitted: auto-generated",
  ];
  return { messageId, raw: `${headers.join("\r\n")}\r\n\r\n${body}` };
}
