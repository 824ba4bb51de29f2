import { z } from "zod";
import { redis } from "~/lib/redis.server";
import { throttledRead } from "./throttled-graphql.server";

// What Kontera needs to know about the shop itself: its time zone (order dates, backfill ranges)
// and whether its prices include VAT (article prices). Both change rarely, so one read an hour
// serves every job and page of the shop.

const factsSchema = z.object({ ianaTimezone: z.string().min(1), taxesIncluded: z.boolean() });
export type ShopFacts = z.infer<typeof factsSchema>;

const TTL_S = 3600;
const key = (shop: string) => `shop-facts:${shop}`;

export async function shopFacts(shop: string): Promise<ShopFacts> {
  const cached = factsSchema.safeParse(JSON.parse((await redis().get(key(shop))) ?? "null"));
  if (cached.success) return cached.data;
  const { shop: facts } = await throttledRead(shop, "shop", "{ shop { ianaTimezone taxesIncluded } }", {}, z.object({ shop: factsSchema }));
  await redis().set(key(shop), JSON.stringify(facts), "EX", TTL_S);
  return facts;
}
