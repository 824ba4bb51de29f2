import { z } from "zod";
import type { AccountingDocument, MappingIssue } from "./accounting";
import { fromMinor, sum, toMinor } from "./money";
import type { MappingSettings } from "./settings";
import { money } from "./shopify-order";
import type { ShopifyRefund } from "./shopify-refund";

// The money that settled an invoice, per gateway, from the order's transactions (read through the
// Admin API: the order webhook does not carry amounts per gateway). A gift card is a gateway like
// any other, so paying with one is a payment against the gift-card debt, never a discount.

const moneyV2 = z.object({ amount: money, currencyCode: z.string() });
export const orderTransactionSchema = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.string(),
  gateway: z.string().nullish(),
  processedAt: z.string().nullish(),
  test: z.boolean().nullish(),
  amountSet: z.object({ shopMoney: moneyV2, presentmentMoney: moneyV2 }),
});
export type OrderTransaction = z.infer<typeof orderTransactionSchema>;

export interface PlannedPayment {
  gateway: string;
  mode: string;
  account: string;
  /** In the invoice's currency. */
  amount: number;
  /** In the shop's currency (the accounting currency when the shop sells in SEK). */
  amountShop: number;
  /** "" when the amount in the shop's currency is not known: the connector converts at the document's rate. */
  shopCurrency: string;
  date: string;
}

export type PaymentPlan = { ok: true; payments: PlannedPayment[] } | { ok: false; issues: MappingIssue[] };

const SETTLING = new Set(["SALE", "CAPTURE"]);

export function planPayments(transactions: OrderTransaction[], invoice: AccountingDocument, settings: MappingSettings): PaymentPlan {
  const presentment = invoice.currencyRate !== undefined;
  const byGateway = new Map<string, PlannedPayment>();
  for (const t of transactions) {
    if (!SETTLING.has(t.kind.toUpperCase()) || t.status.toUpperCase() !== "SUCCESS") continue;
    const gateway = t.gateway || "manual";
    const rule = settings.paymentModes[gateway] ?? settings.paymentModeDefault;
    const date = (t.processedAt ?? invoice.date).slice(0, 10);
    const p = byGateway.get(gateway) ?? {
      gateway, mode: rule.mode, account: rule.account, amount: 0, amountShop: 0,
      shopCurrency: t.amountSet.shopMoney.currencyCode, date: "",
    };
    p.amount += toMinor((presentment ? t.amountSet.presentmentMoney : t.amountSet.shopMoney).amount);
    p.amountShop += toMinor(t.amountSet.shopMoney.amount);
    // Fortnox refuses a payment dated before its invoice.
    p.date = [p.date, date, invoice.date].sort().at(-1)!;
    byGateway.set(gateway, p);
  }
  const payments = [...byGateway.values()].filter((p) => p.amount !== 0);
  const paid = sum(payments.map((p) => p.amount));
  if (paid > invoice.total) {
    return { ok: false, issues: [{
      code: "payments_exceed_invoice",
      message: `Shopify received ${fromMinor(paid)} ${invoice.currency} but the invoice totals ${fromMinor(invoice.total)}; check the order's payments`,
      messageSv: `Shopify tog emot ${fromMinor(paid)} ${invoice.currency} men fakturan är på ${fromMinor(invoice.total)}; kontrollera orderns betalningar`,
    }] };
  }
  return { ok: true, payments };
}

/**
 * The money a refund paid back, per gateway, as negative payments on its credit invoice, so the
 * credit is settled the way the sale was. Only money in the credit's own currency is planned;
 * a refund in another currency is left to the accountant (an empty plan).
 */
export function planRefundPayments(refund: ShopifyRefund, credit: { currency: string; date: string; currencyRate?: string }, settings: MappingSettings): PlannedPayment[] {
  const byGateway = new Map<string, PlannedPayment>();
  for (const t of refund.transactions) {
    if (t.kind !== "refund" || (t.status ?? "success") !== "success") continue;
    if (t.currency && t.currency !== credit.currency) return [];
    const gateway = t.gateway || "manual";
    const rule = settings.paymentModes[gateway] ?? settings.paymentModeDefault;
    // A credit in the buyer's currency has no shop-currency amount here: the connector converts at the credit's rate.
    const shopCurrency = credit.currencyRate ? "" : credit.currency;
    const p = byGateway.get(gateway) ?? { gateway, mode: rule.mode, account: rule.account, amount: 0, amountShop: 0, shopCurrency, date: credit.date };
    p.amount -= toMinor(t.amount);
    p.amountShop = shopCurrency ? p.amount : 0;
    p.date = [p.date, (t.processed_at ?? credit.date).slice(0, 10)].sort().at(-1)!;
    byGateway.set(gateway, p);
  }
  return [...byGateway.values()].filter((p) => p.amount !== 0);
}
