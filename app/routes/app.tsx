import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { env } from "~/env.server";
import { localeOf } from "~/i18n";
import { polarisTranslations } from "~/i18n/polaris.server";
import { I18nProvider, useT } from "~/i18n/react";
import { authenticate } from "~/shopify.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  const locale = localeOf(request);
  return json({ apiKey: env().SHOPIFY_API_KEY, locale, polaris: polarisTranslations(locale) });
};

// The frame's data (key, language) does not change while the app is open; Shopify passes the
// locale only on the first load, so reloading it on a client navigation would lose it.
export const shouldRevalidate = () => false;

function Nav() {
  const t = useT();
  return (
    <NavMenu>
      <Link to="/app" rel="home">{t("nav.home")}</Link>
      <Link to="/app/connections">{t("nav.connections")}</Link>
      <Link to="/app/failures">{t("nav.failures")}</Link>
      <Link to="/app/orders">{t("nav.orders")}</Link>
      <Link to="/app/mapping">{t("nav.mapping")}</Link>
      <Link to="/app/settings">{t("nav.settings")}</Link>
      <Link to="/app/backfill">{t("nav.backfill")}</Link>
    </NavMenu>
  );
}

export default function App() {
  const { apiKey, locale, polaris } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} i18n={polaris}>
      <I18nProvider locale={locale}>
        <Nav />
        <Outlet />
      </I18nProvider>
    </AppProvider>
  );
}

// Shopify's boundary helpers keep the auth redirects (which are thrown Responses) working.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
