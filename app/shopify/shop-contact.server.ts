import { z } from "zod";
import { adminGraphql } from "./admin-graphql.server";

// The address Shopify holds for reaching the merchant: the shop's contact e-mail, else the
// owner's. Read when an alert e-mail goes out (at most once per shop per interval), not stored.

const QUERY = `#graphql
  query KonteraShopContact { shop { contactEmail email } }`;

const answer = z.object({
  data: z.object({ shop: z.object({ contactEmail: z.string().nullish(), email: z.string().nullish() }) }),
});

export async function shopContactEmail(shop: string): Promise<string | null> {
  const { data } = answer.parse(await adminGraphql(shop, QUERY, {}));
  return data.shop.contactEmail || data.shop.email || null;
}
