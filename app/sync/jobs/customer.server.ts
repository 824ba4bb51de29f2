import { db } from "~/db.server";
import { CUSTOMER_FIELDS, customerFromShopify, deletedCustomerSchema, shopifyCustomerSchema } from "~/domain/customer";
import type { CallCounter } from "~/connectors/types";
import { withLock } from "~/lib/lock.server";
import { redis } from "~/lib/redis.server";
import { ensureEntity } from "../entities.server";
import { jobConnector, jobSettings, type JobOutcome, type JobRow } from "./context.server";

// A Shopify customer's change, written to the accounting customer: matched by our link, else by
// the target's own search (organisation number, e-mail, name), else created with every field.
// An existing customer gets only the fields the merchant gave to Shopify, so what the accountant
// maintains stays. A deleted Shopify customer is deactivated, never deleted: it carries history.

/**
 * The newest state written per customer, so an older change that runs late (Shopify delivers
 * out of order; a retry runs after a newer job) does not overwrite a newer one.
 */
const writtenKey = (job: JobRow, gid: string) => `customer-written:${job.shop}:${job.provider}:${gid}`;

async function newestWritten(job: JobRow, gid: string): Promise<string | null> {
  const cached = await redis().get(writtenKey(job, gid));
  if (cached) return cached;
  // Redis lost it: the jobs that succeeded say the same, a little slower.
  const done = await db().syncJob.findMany({ where: { shop: job.shop, provider: job.provider, kind: "customer", status: "succeeded", subjectId: { startsWith: `${gid}@` } }, select: { subjectId: true } });
  return done.map((d) => d.subjectId.slice(gid.length + 1)).filter((v) => v !== "deleted").sort((a, b) => Date.parse(a) - Date.parse(b)).at(-1) ?? null;
}

/** Versions are Shopify's updated_at; one that is not a time (no updated_at) is never "older". */
const isOlder = (a: string, b: string) => Date.parse(a) < Date.parse(b);

export async function runCustomerJob(job: JobRow, counter: CallCounter): Promise<JobOutcome> {
  const settings = await jobSettings(job.shop);
  const { connector, scope } = await jobConnector(job, counter);
  const [gid, version] = [job.subjectId.slice(0, job.subjectId.lastIndexOf("@")), job.subjectId.slice(job.subjectId.lastIndexOf("@") + 1)];

  if (version === "deleted") {
    const { id } = deletedCustomerSchema.parse(JSON.parse(job.payload));
    const base = `shopify:${id}`;
    const links = await db().entityMap.findMany({ where: { shop: job.shop, provider: job.provider, kind: "customer", OR: [{ localKey: base }, { localKey: { startsWith: `${base}:` } }] } });
    for (const link of links) await connector.deactivateCustomer(link.remoteId);
    return { documentNumber: links[0]?.remoteId ?? null, outcome: links.length ? `deactivated ${links.length}` : "not in the accounting system" };
  }

  // One change of a customer at a time, so "newest written" is read and moved under one lock.
  return withLock(redis(), `lock:customer:${job.shop}:${gid}`, async () => {
    const newest = await newestWritten(job, gid);
    if (newest && isOlder(version, newest)) return { documentNumber: null, outcome: `skipped: a newer change (${newest}) is already written` };
    // Shopify's customer carries the currency of its last order; one that never ordered is booked in SEK.
    const customer = customerFromShopify(shopifyCustomerSchema.parse(JSON.parse(job.payload)), "SEK");
    const owned = CUSTOMER_FIELDS.filter((f) => settings.customers.owner[f] === "shopify");
    const linked = await db().entityMap.findUnique({ where: { shop_provider_kind_localKey: { shop: job.shop, provider: job.provider, kind: "customer", localKey: customer.key } } });
    let outcome: string;
    let remoteId: string;
    if (linked) {
      remoteId = linked.remoteId;
      if (owned.length) await connector.updateCustomer(remoteId, customer, owned);
      outcome = owned.length ? `updated ${owned.join(", ")}` : "nothing to write: the accountant owns every field";
    } else {
      let created = false;
      remoteId = await ensureEntity(scope, "customer", customer.key, () => connector.findCustomer(customer), async () => {
        created = true;
        return connector.createCustomer(customer);
      });
      if (!created && owned.length) await connector.updateCustomer(remoteId, customer, owned);
      outcome = created ? "created" : `matched an existing customer and updated ${owned.join(", ") || "nothing"}`;
    }
    await redis().set(writtenKey(job, gid), version, "EX", 30 * 86_400);
    return { documentNumber: remoteId, outcome };
  });
}
