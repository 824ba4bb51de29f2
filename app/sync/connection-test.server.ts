import { loadConnection } from "~/connectors/connection.server";
import { classify } from "~/connectors/errors";
import { connectorFor } from "~/connectors/registry.server";
import type { Provider } from "~/connectors/types";

// "Test connection": one authenticated read through the same client the worker uses (its token
// refresh, its rate limit), so a pass means jobs can get through and a failure says why.

export type ConnectionTest = { ok: true; company: string } | { ok: false; reason: "not_connected" | "auth" | "unreachable" | "refused"; message: string };

export async function testConnection(shop: string, provider: Provider): Promise<ConnectionTest> {
  const connection = await loadConnection(shop, provider);
  if (!connection || connection.status !== "active") return { ok: false, reason: "not_connected", message: "" };
  try {
    const { name } = await connectorFor(connection, { calls: 0 }).company();
    return { ok: true, company: name };
  } catch (e) {
    const err = classify(e);
    return { ok: false, reason: err.kind === "auth" ? "auth" : err.kind === "retryable" ? "unreachable" : "refused", message: err.message };
  }
}
