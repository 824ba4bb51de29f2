import { formatDateTime, translator, type Locale } from "~/i18n";

// The alert e-mail, as pure decisions: whether a shop's digest is due, and what it says.
// At most one e-mail per shop per interval, carrying every alert raised since that has not been
// e-mailed yet; a new alert first waits `delayMs`, so the orders a wrong setting fails one after
// another arrive in one e-mail rather than the first alone.

export interface DigestAlert {
  id: string;
  kind: string;
  provider: string;
  cause: string;
  jobStatus: string | null;
  orderCount: number;
  orderNames: string | null;
  lastOrder: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
  emailedAt: Date | null;
}

export interface DigestTiming {
  intervalMs: number;
  delayMs: number;
}

/** The alerts to e-mail now, or null: none waiting, the shop's interval not over, or still gathering. */
export function dueAlerts<A extends DigestAlert>(alerts: A[], lastSentAt: Date | null, now: Date, timing: DigestTiming): A[] | null {
  const waiting = alerts.filter((a) => !a.resolvedAt && !a.emailedAt);
  if (!waiting.length) return null;
  if (lastSentAt && now.getTime() - lastSentAt.getTime() < timing.intervalMs) return null;
  const oldest = Math.min(...waiting.map((a) => a.firstSeenAt.getTime()));
  if (now.getTime() - oldest < timing.delayMs) return null;
  return waiting;
}

const PROVIDER_KEYS: Record<string, string> = { fortnox: "provider.fortnox", visma: "provider.visma" };

/** Subject and body in the shop's language: causes, counts, order names and a link, nothing else. */
export function composeDigest(locale: Locale, shop: string, alerts: DigestAlert[], failuresUrl: string): { subject: string; text: string } {
  const t = translator(locale);
  const handle = shop.replace(/\.myshopify\.com$/, "");
  const blocks = alerts.map((a) => {
    const params = { count: a.orderCount, provider: t(PROVIDER_KEYS[a.provider] ?? a.provider), cause: a.cause };
    const orders: string[] = a.orderNames ? JSON.parse(a.orderNames) : [];
    const lines = [
      `- ${a.kind === "connection_lost" ? t("alerts.connection_lost.title", params) : t("alerts.job_failed.title", params)}`,
      `  ${a.kind === "connection_lost" ? t("alerts.connection_lost.hint") : t(`alerts.status.${a.jobStatus ?? "failed"}`)}`,
    ];
    if (orders.length) lines.push(`  ${t("alerts.orders", { orders: orders.join(", ") })}`);
    if (a.lastOrder) lines.push(`  ${t("alerts.latest", { order: a.lastOrder, at: formatDateTime(locale, a.lastSeenAt.toISOString()) })}`);
    return lines.join("\n");
  });
  const text = [t("alerts.email.intro", { shop: handle }), "", blocks.join("\n\n"), "", t("alerts.email.link", { url: failuresUrl }), "", "--", t("alerts.email.footer"), ""].join("\n");
  return { subject: t("alerts.email.subject", { count: alerts.length, shop: handle }), text };
}
