import { FORTNOX_TENANT } from "../../test/helpers/orders";
import type { Stack } from "../../test/helpers/stack";
import { DEFAULT_COMPANY_ID } from "../../test/simulators/visma/state";

// The accounting system a fault run books into, as the scenarios need it: where its simulator
// is, the paths its faults aim at, and its documents and payments read from the simulator's own
// records, so duplicates are counted on the far side in the same way for both.

export interface FaultDocument {
  /** Our reference, as the order's (or refund's) gid. */
  reference: string;
  /** What the merchant sees: the invoice number, or a draft's name. */
  number: string;
  /** In öre (or cents), exact. */
  total: bigint;
  /** Paid so far, in the document's currency. */
  paid: bigint;
  credit: boolean;
}

export interface FaultTarget {
  provider: "fortnox" | "visma";
  name: string;
  sim(stack: Stack): { url: string; authUrl: string };
  /** Regular expressions over the simulator's paths: a document create, the token endpoint, every API call. */
  paths: { create: string; token: string; api: string };
  /** Live sales documents and credits carrying our reference (cancelled ones and withdrawn drafts are gone). */
  documents(stack: Stack): Promise<FaultDocument[]>;
}

/** An API amount (a JSON number or decimal string) in minor units, without floating point. */
export function ore(amount: number | string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(amount));
  if (!m) throw new Error(`not an amount: ${amount}`);
  const v = BigInt(m[2]!) * 100n + BigInt((m[3] ?? "").padEnd(2, "0"));
  return m[1] ? -v : v;
}

const get = async (url: string) => (await fetch(url)).json();

export const FORTNOX: FaultTarget = {
  provider: "fortnox",
  name: "Fortnox",
  sim: (stack) => stack.fortnoxSim!,
  paths: { create: "^/3/invoices$", token: "^/oauth-v1/token$", api: "^/3/" },
  async documents(stack) {
    const base = `${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}`;
    const [{ Invoices }, { InvoicePayments }] = await Promise.all([get(`${base}/invoices`), get(`${base}/invoicepayments`)]);
    const paid = new Map<string, bigint>();
    for (const p of InvoicePayments) paid.set(String(p.InvoiceNumber), (paid.get(String(p.InvoiceNumber)) ?? 0n) + BigInt(p.AmountCurrencyOre));
    return (Invoices as any[]).filter((i) => String(i.Cancelled) !== "true").map((i) => ({
      reference: i.ExternalInvoiceReference1 ?? "", number: String(i.DocumentNumber), total: ore(i.Total),
      paid: paid.get(String(i.DocumentNumber)) ?? 0n,
      // Fortnox's own credit copies the original's reference; it is a credit, not a second sale.
      credit: String(i.Credit) === "true" || ore(i.Total) < 0n,
    }));
  },
};

/** The Visma connector writes the gid without Shopify's prefix (app/connectors/visma/payload.ts). */
const gid = (reference: string) => `gid://shopify/${reference}`;

export const VISMA: FaultTarget = {
  provider: "visma",
  name: "Visma",
  sim: (stack) => stack.vismaSim,
  paths: { create: "^/v2/customerinvoicedrafts$", token: "^/connect/token$", api: "^/v2/" },
  async documents(stack) {
    const base = `${stack.vismaSim.url}/__sim/companies/${DEFAULT_COMPANY_ID}`;
    const [{ customerinvoicedrafts }, { customerinvoices }, { payments }] = await Promise.all([
      get(`${base}/customerinvoicedrafts`), get(`${base}/customerinvoices`), get(`${base}/payments`),
    ]);
    const paid = new Map<string, bigint>();
    for (const p of payments) paid.set(p.CustomerInvoiceId, (paid.get(p.CustomerInvoiceId) ?? 0n) + ore(p.PaymentAmount));
    // A draft not yet converted is a document too: two of them for one order is a duplicate.
    return [...customerinvoicedrafts.map((d: any) => ({ ...d, InvoiceNumber: `draft ${d.Id}` })), ...customerinvoices].map((d: any) => ({
      reference: gid(d.BuyersOrderReference ?? ""), number: String(d.InvoiceNumber), total: ore(d.TotalAmountInvoiceCurrency),
      paid: paid.get(d.Id) ?? 0n, credit: !!d.IsCreditInvoice,
    }));
  },
};

export const TARGETS = { fortnox: FORTNOX, visma: VISMA };
