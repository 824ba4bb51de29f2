/** Small node:http helpers (no framework). */
import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** Request bodies above this are refused; accounting payloads are tiny. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export class BodyTooLarge extends Error {}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The request body, or undefined after answering 413 for one above MAX_BODY_BYTES. */
export async function readBodyOr413(req: IncomingMessage, res: ServerResponse, tooLarge: unknown): Promise<string | undefined> {
  try {
    return await readBody(req);
  } catch (err) {
    if (!(err instanceof BodyTooLarge)) throw err;
    send(res, 413, tooLarge);
    return undefined;
  }
}

export function send(res: ServerResponse, status: number, body: unknown, contentType = "application/json; charset=UTF-8", headers: Record<string, string> = {}): void {
  if (res.writableEnded || res.destroyed) return;
  const payload = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    ...(payload || status !== 204 ? { "Content-Type": contentType } : {}),
    "Content-Length": Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

/** Timers that close() can cut short, so a delayed (fault-injected) response never outlives the server. */
export class Delays {
  private pending = new Map<NodeJS.Timeout, () => void>();

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      this.pending.set(timer, resolve);
    });
  }

  cancelAll(): void {
    for (const [timer, resolve] of this.pending) {
      clearTimeout(timer);
      resolve();
    }
    this.pending.clear();
  }
}

/** Stops a simulator: held (delayed) responses end at once, then the server and its connections close. */
export function closeServer(server: Server, delays: Delays): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    delays.cancelAll();
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
