// The JSON-over-HTTP calls the simulator tests make (control routes, GraphQL), against a base URL
// known only once the simulator has started.
import { expect } from "vitest";

export function simClient(baseUrl: () => string) {
  async function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const res = await fetch(`${baseUrl()}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  async function getJson(path: string): Promise<any> {
    const res = await fetch(`${baseUrl()}${path}`);
    expect(res.status).toBe(200);
    return res.json();
  }
  return { postJson, getJson };
}

/** Polls `fn` every 20 ms until it returns something truthy. */
export async function waitFor<T>(fn: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
