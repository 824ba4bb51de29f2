import { db } from "~/db.server";
import { composeDigest, dueAlerts } from "~/domain/alert-digest";
import { settingsFromShop } from "~/domain/settings";
import { env } from "~/env.server";
import { log } from "~/lib/log.server";
import { SmtpError } from "~/mail/smtp.server";
import { sendMail } from "~/mail/transport.server";
import { adminAppUrl } from "~/shopify/admin-url.server";
import { shopContactEmail } from "~/shopify/shop-contact.server";

// The worker's tick e-mails the shops that opted in a digest of their new alerts. All state is in
// the database (Shop.alertsEmailedAt, Alert.emailedAt), so a crashed worker loses nothing and
// any number of workers send each digest once: a shop's turn is claimed with a conditional
// update before sending. A worker killed between sending and recording sends that digest again
// one interval later — at least once, never silently lost.

export async function sendDueDigests(now = new Date()): Promise<{ sent: number }> {
  const waiting = await db().alert.findMany({ where: { resolvedAt: null, emailedAt: null }, orderBy: { firstSeenAt: "asc" }, take: 1000 });
  const shops = [...new Set(waiting.map((a) => a.shop))];
  let sent = 0;
  for (const shop of shops) {
    try {
      if (await sendDigest(shop, waiting.filter((a) => a.shop === shop), now)) sent++;
    } catch (e) {
      log.warn("alert e-mail failed; will try again", { shop, error: e });
    }
  }
  return { sent };
}

type AlertRow = Awaited<ReturnType<ReturnType<typeof db>["alert"]["findMany"]>>[number];

async function sendDigest(shop: string, alerts: AlertRow[], now: Date): Promise<boolean> {
  const row = await db().shop.findUnique({ where: { shop } });
  const configured = settingsFromShop(row);
  // Shown in the admin regardless; e-mailed only to a shop that opted in (and whose settings parse).
  if (!row || row.uninstalledAt || !configured.ok || !configured.settings.alerts.email) return false;
  const e = env();
  const due = dueAlerts(alerts, row.alertsEmailedAt, now, { intervalMs: e.ALERT_EMAIL_INTERVAL_MS, delayMs: e.ALERT_EMAIL_DELAY_MS });
  if (!due) return false;
  const claimed = await db().shop.updateMany({ where: { shop, alertsEmailedAt: row.alertsEmailedAt }, data: { alertsEmailedAt: now } });
  if (!claimed.count) return false; // another worker has this shop's turn
  try {
    const to = configured.settings.alerts.address ?? (await shopContactEmail(shop));
    if (!to) throw new Error("Shopify has no contact e-mail for the shop");
    const { subject, text } = composeDigest(configured.settings.language, shop, due, `${adminAppUrl(shop)}/app/failures`);
    const ids = due.map((a) => a.id);
    const receipt = await sendMail({ to, subject, text }, { shop, alerts: ids });
    await db().alert.updateMany({ where: { id: { in: ids }, emailedAt: null }, data: { emailedAt: now, emailedTo: to } });
    log.info("alert e-mail sent", { shop, alerts: ids.length, messageId: receipt.messageId });
    return true;
  } catch (err) {
    // A relay that refuses outright (5xx) will refuse again: keep the turn and try next interval.
    // Anything else may pass in a moment: hand the turn back for the next tick.
    if (!(err instanceof SmtpError && err.permanent)) await db().shop.updateMany({ where: { shop, alertsEmailedAt: now }, data: { alertsEmailedAt: row.alertsEmailedAt } });
    throw err;
  }
}
