// Bulk operations: bulkOperationRunQuery runs a query over the shop's whole data without cost
// limits or pagination and leaves its result as a JSONL file. As Shopify does, each node of a
// nested connection becomes a line of its own with `__parentId`, after its parent's line.
//
// Timing is simulated: an operation is CREATED, then RUNNING (objectCount growing) for the shop's
// configured duration, then COMPLETED with a url the simulator serves (or FAILED, if the control
// knob says so). The data is read when the operation starts (its snapshot).
import { randomBytes } from "node:crypto";
import type { AdminContext } from "./admin-schema";
import { GqlFieldError, enumType, objectType, type TypeDef } from "./gql-exec";
import type { ShopState } from "./state";

export interface BulkBehaviour {
  /** How long an operation stays CREATED, then RUNNING (ms). */
  createdMs: number;
  runningMs: number;
  /** Fail instead of completing, with this BulkOperationErrorCode. */
  failWith: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
}

export const DEFAULT_BULK: BulkBehaviour = { createdMs: 100, runningMs: 400, failWith: null };

export interface StoredBulk {
  id: string;
  shop: string;
  query: string;
  createdAt: number;
  behaviour: BulkBehaviour;
  lines: string[];
  rootObjectCount: number;
  /** Set by bulkOperationCancel. */
  canceledAt: number | null;
  fileToken: string;
}

export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELING" | "CANCELED";

export class BulkOperations {
  private byId = new Map<string, StoredBulk>();
  private byToken = new Map<string, StoredBulk>();
  private behaviour = new Map<string, BulkBehaviour>();
  private counter = 0;
  /** Operations that may run at once per shop (Shopify: 1 before API 2026-01, 5 from then). */
  constructor(private readonly fileOrigin: () => string, readonly concurrency = 1) {}

  clear(): void {
    this.byId.clear();
    this.byToken.clear();
    this.behaviour.clear();
  }

  setBehaviour(shop: string | null, b: Partial<BulkBehaviour>): BulkBehaviour {
    const key = shop ?? "*";
    const next = { ...(this.behaviour.get(key) ?? this.behaviour.get("*") ?? DEFAULT_BULK), ...b };
    this.behaviour.set(key, next);
    return next;
  }

  behaviourFor(shop: string): BulkBehaviour {
    return this.behaviour.get(shop) ?? this.behaviour.get("*") ?? DEFAULT_BULK;
  }

  status(op: StoredBulk, now = Date.now()): BulkStatus {
    if (op.canceledAt !== null) return now - op.canceledAt < 100 ? "CANCELING" : "CANCELED";
    const age = now - op.createdAt;
    if (age < op.behaviour.createdMs) return "CREATED";
    if (age < op.behaviour.createdMs + op.behaviour.runningMs) return "RUNNING";
    return op.behaviour.failWith ? "FAILED" : "COMPLETED";
  }

  running(shop: string): StoredBulk[] {
    return [...this.byId.values()].filter((op) => op.shop === shop && ["CREATED", "RUNNING", "CANCELING"].includes(this.status(op)));
  }

  start(shop: string, query: string, lines: string[], rootObjectCount: number): StoredBulk {
    this.counter += 1;
    const op: StoredBulk = {
      id: `gid://shopify/BulkOperation/${1_000_000 + this.counter}`,
      shop,
      query,
      createdAt: Date.now(),
      behaviour: this.behaviourFor(shop),
      lines,
      rootObjectCount,
      canceledAt: null,
      fileToken: randomBytes(16).toString("hex"),
    };
    this.byId.set(op.id, op);
    this.byToken.set(op.fileToken, op);
    return op;
  }

  find(shop: string, id: string): StoredBulk | null {
    const op = this.byId.get(id);
    return op && op.shop === shop ? op : null;
  }

  latest(shop: string): StoredBulk | null {
    return [...this.byId.values()].filter((op) => op.shop === shop).at(-1) ?? null;
  }

  cancel(op: StoredBulk): void {
    if (["CREATED", "RUNNING"].includes(this.status(op))) op.canceledAt = Date.now();
  }

  /** The JSONL body for a file token, once its operation completed. */
  file(token: string): string | null {
    const op = this.byToken.get(token);
    if (!op || this.status(op) !== "COMPLETED") return null;
    return op.lines.map((l) => `${l}\n`).join("");
  }

  /** The GraphQL view of an operation at this moment. */
  view(op: StoredBulk) {
    const status = this.status(op);
    const elapsed = Math.max(0, Date.now() - op.createdAt - op.behaviour.createdMs);
    const done = status === "COMPLETED";
    const objectCount = done ? op.lines.length : status === "RUNNING" ? Math.floor((op.lines.length * elapsed) / Math.max(1, op.behaviour.runningMs)) : 0;
    const body = done ? this.file(op.fileToken)! : "";
    return {
      kind: "BulkOperation",
      id: op.id,
      status,
      type: "QUERY",
      query: op.query,
      createdAt: new Date(op.createdAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
      completedAt: done || status === "FAILED" || status === "CANCELED" ? new Date(op.createdAt + op.behaviour.createdMs + op.behaviour.runningMs).toISOString().replace(/\.\d{3}Z$/, "Z") : null,
      errorCode: status === "FAILED" ? op.behaviour.failWith : null,
      objectCount: String(objectCount),
      rootObjectCount: String(done ? op.rootObjectCount : 0),
      fileSize: done ? String(Buffer.byteLength(body)) : null,
      // Shopify's url is null when there were no results.
      url: done && op.lines.length ? `${this.fileOrigin()}/__bulk/${op.fileToken}.jsonl` : null,
      partialDataUrl: null,
    };
  }
}

type Json = Record<string, any>;

const isConnection = (v: unknown): v is { edges?: { node: Json }[]; nodes?: Json[] } =>
  !!v && typeof v === "object" && !Array.isArray(v) && (Array.isArray((v as Json).edges) || Array.isArray((v as Json).nodes));

const nodesOf = (c: { edges?: { node: Json }[]; nodes?: Json[] }): Json[] => c.nodes ?? (c.edges ?? []).map((e) => e.node);

/**
 * The result of a bulk query as JSONL lines: each node of a connection its own line, nested
 * connections' nodes after their parent with `__parentId` (the parent must select `id`).
 */
export function flattenBulkResult(data: Json): { lines: string[]; roots: number } {
  const lines: string[] = [];
  let roots = 0;
  const emit = (node: Json, parentId: string | null) => {
    const own: Json = {};
    const nested: Json[][] = [];
    for (const [k, v] of Object.entries(node)) {
      if (isConnection(v)) nested.push(nodesOf(v));
      else own[k] = v;
    }
    if (parentId) own.__parentId = parentId;
    lines.push(JSON.stringify(own));
    for (const list of nested) for (const child of list) emit(child, String(node.id));
  };
  for (const value of Object.values(data)) {
    if (!isConnection(value)) continue;
    for (const node of nodesOf(value)) {
      roots += 1;
      emit(node, null);
    }
  }
  return { lines, roots };
}

/**
 * What Shopify checks of a bulk query before it runs: a query (not a mutation) with a connection
 * at its root, at most 5 connections, nested no deeper than 2, parents of nested connections
 * selecting `id`. Returns the problem, or null.
 */
export function bulkQueryProblem(query: string): string | null {
  if (/^\s*mutation\b/.test(query)) return "Invalid bulk query: bulk queries cannot contain mutations";
  const body = query.replace(/#[^\n]*/g, "").replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const connections = [...body.matchAll(/\b(\w+)\s*(\([^)]*\))?\s*\{\s*(edges|nodes)\b/g)];
  if (!connections.length) return "Invalid bulk query: Bulk queries must contain at least one connection.";
  if (connections.length > 5) return "Invalid bulk query: Bulk queries cannot contain more than 5 connections.";
  // Depth: count the connections open around each one.
  let depth = 0;
  let maxDepth = 0;
  const stack: boolean[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "{") {
      const before = body.slice(0, i);
      const isConn = /\b\w+\s*(\([^)]*\))?\s*$/.test(before) && /^\{\s*(edges|nodes)\b/.test(body.slice(i));
      stack.push(isConn);
      if (isConn) maxDepth = Math.max(maxDepth, ++depth);
    } else if (body[i] === "}") {
      if (stack.pop()) depth--;
    }
  }
  if (maxDepth > 2) return "Invalid bulk query: Bulk queries cannot contain connections with a nesting depth greater than 2.";
  return null;
}

export function bulkTypes(): TypeDef<AdminContext>[] {
  return [
    enumType("BulkOperationStatus", ["CANCELED", "CANCELING", "COMPLETED", "CREATED", "EXPIRED", "FAILED", "RUNNING"]),
    enumType("BulkOperationErrorCode", ["ACCESS_DENIED", "INTERNAL_SERVER_ERROR", "TIMEOUT"]),
    enumType("BulkOperationType", ["MUTATION", "QUERY"]),
    enumType("BulkOperationUserErrorCode", ["INVALID", "OPERATION_IN_PROGRESS", "LIMIT_REACHED"]),
    objectType<AdminContext>(
      "BulkOperation",
      {
        id: "ID!",
        status: "BulkOperationStatus!",
        type: "BulkOperationType!",
        query: "String!",
        createdAt: "DateTime!",
        completedAt: "DateTime",
        errorCode: "BulkOperationErrorCode",
        objectCount: "UnsignedInt64!",
        rootObjectCount: "UnsignedInt64!",
        fileSize: "UnsignedInt64",
        url: "URL",
        partialDataUrl: "URL",
      },
      ["Node"],
    ),
    objectType<AdminContext>("BulkOperationRunQueryPayload", { bulkOperation: "BulkOperation", userErrors: "[BulkOperationUserError!]!" }),
    objectType<AdminContext>("BulkOperationCancelPayload", { bulkOperation: "BulkOperation", userErrors: "[UserError!]!" }),
    objectType<AdminContext>("BulkOperationUserError", { field: "[String!]", message: "String!", code: "BulkOperationUserErrorCode" }),
  ];
}

/** The host the schema's resolvers call: runs the query (with the schema, in server.ts) and stores it. */
export interface BulkHost {
  ops: BulkOperations;
  run(ctx: AdminContext, query: string): { lines: string[]; roots: number } | { error: string };
}

export function runQueryMutation(host: BulkHost, ctx: AdminContext, query: string) {
  const shop: ShopState = ctx.shop;
  const busy = host.ops.running(shop.domain);
  if (busy.length >= host.ops.concurrency) {
    return {
      bulkOperation: null,
      userErrors: [{ field: null, code: "OPERATION_IN_PROGRESS", message: `A bulk query operation for this app and shop is already in progress: ${busy[0]!.id}.` }],
    };
  }
  const problem = bulkQueryProblem(query);
  if (problem) return { bulkOperation: null, userErrors: [{ field: ["query"], code: "INVALID", message: problem }] };
  const result = host.run(ctx, query);
  if ("error" in result) return { bulkOperation: null, userErrors: [{ field: ["query"], code: "INVALID", message: `Invalid bulk query: ${result.error}` }] };
  const op = host.ops.start(shop.domain, query, result.lines, result.roots);
  return { bulkOperation: host.ops.view(op), userErrors: [] };
}

export function cancelMutation(host: BulkHost, ctx: AdminContext, id: string) {
  const op = host.ops.find(ctx.shop.domain, id);
  if (!op) return { bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
  const status = host.ops.status(op);
  if (!["CREATED", "RUNNING"].includes(status)) {
    return { bulkOperation: host.ops.view(op), userErrors: [{ field: null, message: `A bulk operation cannot be canceled when it is ${status.toLowerCase()}` }] };
  }
  host.ops.cancel(op);
  return { bulkOperation: host.ops.view(op), userErrors: [] };
}

export function requireBulkHost(ctx: AdminContext): BulkHost {
  if (!ctx.bulkHost) throw new GqlFieldError("bulk operations are not available", { code: "INTERNAL_SERVER_ERROR" });
  return ctx.bulkHost;
}
