import { db } from "~/db.server";
import { CUSTOMER_FIELDS, customerFromShopify, deletedCustomerSchema, shopifyCustomerSchema } from "~/domain/customer";
import type { CallCounter } from "~/connectors/types";
import { ensureEntity } from "../entities.server";
import { jobConnector, jobSettings, type JobOutcome, type JobRow } from "./context.server";
import { fingerprint, newestOnly, subjectVersion } from "./versioned.server";

// A Shopify customer's change, written to the accounting customer: matched by our link, else by
// the target's own search (organisation number, e-mail, name), else created with every field.
// An existing customer gets only the fields the merchant gave to Shopify, so what the accountant
// maintains stays. A deleted Shopify customer is deactivated, never deleted: it carries history.

export async function runCustomerJob(job: JobRow, counter: CallCounter): Promise<JobOutcome> {
  const settings = await jobSettings(job.shop);
  const { connector, scope } = await jobConnector(job, counter);
  if (subjectVersion(job.subjectId).version === "deleted") {
    const { id } = deletedCustomerSchema.parse(JSON.parse(job.payload));
    const base = `shopify:${id}`;
    const links = await db().entityMap.findMany({ where: { shop: job.shop, provider: job.provider, kind: "customer", OR: [{ localKey: base }, { localKey: { startsWith: `${base}:` } }] } });
    for (const link of links) await connector.deactivateCustomer(link.remoteId);
    return { documentNumber: links[0]?.remoteId ?? null, outcome: links.length ? `deactivated ${links.length}` : "not in the accounting system" };
  }

  // Shopify's customer carries the currency of its last order; one that never ordered is booked in SEK.
  const customer = customerFromShopify(shopifyCustomerSchema.parse(JSON.parse(job.payload)), "SEK");
  const owned = CUSTOMER_FIELDS.filter((f) => settings.customers.owner[f] === "shopify");
  return newestOnly(job, fingerprint({ customer, owned }), async () => {
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
    return { documentNumber: remoteId, outcome };
  });
}
