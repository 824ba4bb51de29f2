import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORTNOX_TENANT, fixtureOrder, toNetPrices, withIdentity, zeroRatedAbroad } from "../helpers/orders";
import { startStack, waitSettled, type Stack } from "../helpers/stack";

// VAT regimes and net prices end to end: the Fortnox simulator computes its own totals from the
// rows Kontera sends, and they must agree with Shopify's to the öre.

const SHOP = "regimes-test.myshopify.com";
let stack: Stack;

const sim = async (what: string): Promise<any[]> =>
  Object.values(await (await fetch(`${stack.fortnoxSim!.url}/__sim/tenants/${FORTNOX_TENANT}/${what}`)).json())[0] as any[];
const toOre = (v: number | string) => Math.round(Number(v) * 100);

beforeAll(async () => {
  stack = await startStack();
  await stack.installAndConnect(SHOP);
});
afterAll(async () => { await stack?.stop(); });

describe("regimes through the pipeline", () => {
  it("books net prices, reverse charge and export with Fortnox's totals equal to Shopify's", async () => {
    const base = fixtureOrder("mixed-vat-1002.json");
    const orders = {
      net: withIdentity(toNetPrices(base), 7600000000001, 9601),
      reverse: withIdentity(zeroRatedAbroad(base, "FI", { name: "Oy Kauppa Ab", vatNumber: "FI12345678" }), 7600000000002, 9602),
      export: withIdentity(zeroRatedAbroad(base, "NO"), 7600000000003, 9603),
    };
    for (const o of Object.values(orders)) await stack.sendWebhook(SHOP, "orders/paid", o);
    const jobs = await waitSettled(stack, SHOP, 3);
    expect(jobs.map((j) => `${j.subjectName} ${j.status} ${j.lastError ?? ""}`.trim()).sort()).toEqual(["#9601 succeeded", "#9602 succeeded", "#9603 succeeded"]);

    const invoices = await sim("invoices");
    const customers = await sim("customers");
    const invoiceOf = (o: any) => invoices.find((i) => i.ExternalInvoiceReference1 === o.admin_graphql_api_id);
    for (const o of Object.values(orders)) expect(toOre(invoiceOf(o).Total), o.name).toBe(toOre(o.total_price));

    expect(invoiceOf(orders.net).VATIncluded).toBe(false);
    expect(toOre(invoiceOf(orders.net).TotalVAT) + invoiceOf(orders.net).InvoiceRows.filter((r: any) => r.Description === "Öresavrundning").reduce((a: number, r: any) => a + toOre(r.Price), 0))
      .toBe(toOre(orders.net.total_tax));

    const reverse = invoiceOf(orders.reverse);
    expect(reverse.EUQuarterlyReport).toBe(true);
    expect(toOre(reverse.TotalVAT)).toBe(0);
    expect(new Set(reverse.InvoiceRows.map((r: any) => String(r.AccountNumber)))).toEqual(new Set(["3108"]));
    expect(customers.find((c) => c.CustomerNumber === reverse.CustomerNumber)).toMatchObject({ VATType: "EUREVERSEDVAT", VATNumber: "FI12345678", CountryCode: "FI" });

    const exported = invoiceOf(orders.export);
    expect(new Set(exported.InvoiceRows.map((r: any) => String(r.AccountNumber)))).toEqual(new Set(["3105"]));
    expect(customers.find((c) => c.CustomerNumber === exported.CustomerNumber)?.VATType).toBe("EXPORT");
  });

  it("holds a zero-VAT order to a foreign company without a VAT number as needs action, in English and Swedish", async () => {
    const order = withIdentity(zeroRatedAbroad(fixtureOrder("simple-1001.json"), "FI", { name: "Oy Ilman Ab" }), 7600000000004, 9604);
    await stack.sendWebhook(SHOP, "orders/paid", order);
    await waitSettled(stack, SHOP, 4);
    const job = await stack.db.client.syncJob.findFirstOrThrow({ where: { kind: "invoice", subjectId: order.admin_graphql_api_id } });
    expect(job.status).toBe("needs_action");
    expect(job.lastErrorCode).toBe("mapping:vat_number_missing");
    expect(job.lastError).toContain("VAT number");
    expect(job.lastError).toContain("momsregistreringsnummer");
  });
});
