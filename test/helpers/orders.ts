import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./services";

// Order payloads for tests: the hand-made fixtures and the seeded generator.

export function fixtureOrder(name: string): any {
  return JSON.parse(readFileSync(path.join(ROOT, "test/fixtures/shopify/orders", name), "utf8"));
}

/** A copy of an order with a new identity, so tests don't share subjects. */
export function withIdentity(order: any, id: number, number: number): any {
  return { ...structuredClone(order), id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#${number}`, order_number: number };
}

export const FORTNOX_TENANT = 1001;
