import type { OrderSyncView, SyncResult } from "../app/domain/order-sync-view";
import { waitFor } from "../test/helpers/services";
import { postJson, writtenBack, type Stack } from "../test/helpers/stack";

// The demo's order-page step: what a merchant sees and does on Shopify's order page, through the
// same backend routes the order block calls (extensions/order-sync). One more order arrives in a
// currency the Fortnox company has not set up, so it stops; the block's data says why; the
// merchant adds the currency in Fortnox and presses Replay; the order is booked, and the status
// metafield and tag on the order in Shopify follow.

const FORTNOX_TENANT = 1001; // the simulator's default company, the one the demo connects

export interface OrderPageStep {
  order: string;
  before: OrderSyncView["state"];
  why: string | null;
  tagsBefore: string[];
  replay: SyncResult["outcome"];
  after: OrderSyncView["state"];
  document: string | null;
  tagsAfter: string[];
  metafield: string | null;
}

export async function orderPageStep(stack: Stack, shop: string, template: any): Promise<OrderPageStep> {
  const id = 9_900_000_000_000 + Math.floor(Math.random() * 1_000_000);
  const order = { ...structuredClone(template), id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: "#9901", order_number: 9901, currency: "PLN" };
  const gid = order.admin_graphql_api_id;
  await stack.sendWebhook(shop, "orders/paid", order);
  await waitFor("the PLN order to stop", () => stack.db.client.syncJob.findFirst({ where: { shop, subjectId: gid, status: { in: ["needs_action", "failed"] } } }), 60_000);
  const api = async <T>(init?: RequestInit) => (await (await stack.adminFetch(shop, `/api/orders/${id}`, init)).json()) as T;
  const before = await api<OrderSyncView>();
  const tagsBefore = (await waitFor("the status written back", async () => { const w = await writtenBack(stack, shop, gid); return w.tags.length ? w : undefined; })).tags;

  await postJson(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/currencies`, { Code: "PLN", BuyRate: 2.6, SellRate: 2.7 });
  const replay = await api<SyncResult>({ method: "POST" });
  const after = await waitFor("the replayed order to be booked", async () => { const v = await api<OrderSyncView>(); return v.state === "booked" ? v : undefined; }, 60_000);
  const written = await waitFor("the booked status written back", async () => { const w = await writtenBack(stack, shop, gid); return w.status === "synced" ? w : undefined; }, 30_000);
  return {
    order: order.name,
    before: before.state,
    why: before.problem?.explanation ?? null,
    tagsBefore,
    replay: replay.outcome,
    after: after.state,
    document: after.documents[0] ? `${after.documents[0].label} ${after.documents[0].number}` : null,
    tagsAfter: written.tags,
    metafield: written.status ?? null,
  };
}
