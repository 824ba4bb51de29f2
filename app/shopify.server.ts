import "@shopify/shopify-app-remix/adapters/node";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { localShopifyFetch } from "~/shopify/local-origin.server";
import { refreshOfflineSession } from "~/shopify/refresh-token.server";
import { RefreshingSessionStorage } from "~/shopify/session-storage.server";
import { onInstalled } from "~/sync/shop-lifecycle.server";

// The one shopifyApp() call: embedded auth with session tokens and token exchange, expiring
// offline tokens. Webhooks are declared in shopify.app.toml and verified by sync/webhook-request.

const config = env();
if (config.SHOPIFY_ADMIN_ORIGIN) setAbstractFetchFunc(localShopifyFetch(config.SHOPIFY_ADMIN_ORIGIN));

export const sessionStorage = new RefreshingSessionStorage(new PrismaSessionStorage(db() as any), refreshOfflineSession);

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: ApiVersion.July26,
  scopes: config.SCOPES.split(","),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage,
  distribution: AppDistribution.AppStore,
  future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
  hooks: {
    afterAuth: async ({ session }) => onInstalled(session.shop),
  },
});

export default shopify;
export const apiVersion = ApiVersion.July26;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
