import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Layout, Page, Text } from "@shopify/polaris";
import { ConnectionCard } from "~/components/ConnectionCard";
import { useT } from "~/i18n/react";
import { authenticate } from "~/shopify.server";
import { shopConnections } from "~/sync/overview.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json(await shopConnections(session.shop));
};

export default function Connections() {
  const t = useT();
  const { target, connections } = useLoaderData<typeof loader>();
  return (
    <Page title={t("nav.connections")}>
      <Layout>
        <Layout.Section><Text as="p">{t("connections.help")}</Text></Layout.Section>
        {connections.map((c) => (
          <Layout.Section key={c.provider}><ConnectionCard connection={c} target={c.provider === target} /></Layout.Section>
        ))}
      </Layout>
    </Page>
  );
}
