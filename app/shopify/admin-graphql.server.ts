import { sessionStorage, unauthenticated } from "~/shopify.server";

// One Admin API GraphQL call from a background job. The session storage refreshes a token that is
// about to expire by our own clock; this covers the other case, Shopify refusing a token our
// clock still trusts: refresh it once and go again, rather than fail every job until someone
// notices.

const refused = (e: unknown) => (e as { response?: { code?: number } })?.response?.code === 401;

export async function adminGraphql(shop: string, query: string, variables: Record<string, unknown>): Promise<unknown> {
  for (let refreshed = false; ; refreshed = true) {
    const { admin, session } = await unauthenticated.admin(shop);
    try {
      return await (await admin.graphql(query, { variables })).json();
    } catch (e) {
      if (refreshed || !refused(e)) throw e;
      await sessionStorage.refreshRejected(session);
    }
  }
}
