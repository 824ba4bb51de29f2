import { log } from "~/lib/log.server";
import { adminGraphql } from "./admin-graphql.server";
import { retryable } from "~/connectors/errors";

// The result goes back onto the order: an app-owned metafield with the status JSON (the order
// page block and merchants' filters read it) and one status tag, in one GraphQL request.
// Shopify answers our own write with an orders/updated webhook; ingest turns that into nothing,
// because the order's SyncJob already exists.

export const STATUS_TAGS = {
  synced: "kontera:synced",
  needs_action: "kontera:needs-action",
  needs_review: "kontera:needs-review",
  failed: "kontera:failed",
} as const;

export type WriteBackStatus = keyof typeof STATUS_TAGS;

/** The order's accounting status: its invoice, and what has been booked against it since. */
export interface SyncStatus {
  provider: string;
  documentType: string;
  documentNumber: string | null;
  /** Credit invoices for the order's refunds and cancellation. */
  credits?: string[];
  /** The invoice's payments are registered. */
  paid?: boolean;
  status: WriteBackStatus;
  at: string;
  error: string | null;
}

const MUTATION = `#graphql
mutation KonteraWriteBack($metafields: [MetafieldsSetInput!]!, $id: ID!, $add: [String!]!, $remove: [String!]!) {
  metafieldsSet(metafields: $metafields) { metafields { id } userErrors { field message code } }
  tagsAdd(id: $id, tags: $add) { userErrors { field message } }
  tagsRemove(id: $id, tags: $remove) { userErrors { field message } }
}`;

export async function writeBack(shop: string, orderGid: string, status: SyncStatus): Promise<void> {
  let body: any;
  try {
    body = await adminGraphql(shop, MUTATION, {
      metafields: [{ ownerId: orderGid, namespace: "$app", key: "accounting_sync", type: "json", value: JSON.stringify(status) }],
      id: orderGid,
      add: [STATUS_TAGS[status.status]],
      remove: Object.values(STATUS_TAGS).filter((t) => t !== STATUS_TAGS[status.status]),
    });
  } catch (e) {
    throw retryable(`writing the status back to Shopify failed: ${(e as Error).message}`, "shopify_write_back");
  }
  const userErrors = [body?.data?.metafieldsSet, body?.data?.tagsAdd, body?.data?.tagsRemove].flatMap((r) => r?.userErrors ?? []);
  // The document is booked either way; an order Shopify no longer knows is not worth retrying.
  if (userErrors.length) log.warn("Shopify refused part of the write-back", { userErrors });
}
