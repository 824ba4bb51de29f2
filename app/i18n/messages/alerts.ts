import { defineMessages } from "../catalog";

// Alerts: the admin's banner and the e-mail digest. Only cause codes, counts and order names go
// into them, never an error's text: a remote error can quote customer data.
export const alerts = defineMessages({
  "alerts.job_failed.title": {
    en: "{count} order(s) could not be booked in {provider} (cause: {cause})",
    sv: "{count} order(ar) kunde inte bokföras i {provider} (orsak: {cause})",
  },
  "alerts.connection_lost.title": {
    en: "The connection to {provider} must be renewed; {count} order(s) wait for it",
    sv: "Kopplingen till {provider} måste förnyas; {count} order(ar) väntar på den",
  },
  "alerts.status.failed": { en: "kept failing after every retry", sv: "misslyckades trots alla nya försök" },
  "alerts.status.needs_action": { en: "needs a change by you, in Kontera's settings or in the accounting system", sv: "kräver en ändring av dig, i Konteras inställningar eller i bokföringssystemet" },
  "alerts.status.needs_review": { en: "a document needs your review", sv: "ett dokument behöver granskas av dig" },
  "alerts.connection_lost.hint": { en: "Reconnect it in Kontera; the waiting orders are booked then.", sv: "Anslut det igen i Kontera; de väntande ordrarna bokförs då." },
  "alerts.orders": { en: "Orders: {orders}", sv: "Ordrar: {orders}" },
  "alerts.latest": { en: "Latest: {order}, {at}", sv: "Senast: {order}, {at}" },

  "alerts.email.subject": { en: "Kontera: {count} problem(s) booking {shop}'s orders", sv: "Kontera: {count} problem med bokföringen av {shop}s ordrar" },
  "alerts.email.intro": { en: "Kontera needs your attention for {shop}:", sv: "Kontera behöver din uppmärksamhet för {shop}:" },
  "alerts.email.link": { en: "See what failed and replay it: {url}", sv: "Se vad som misslyckades och kör det igen: {url}" },
  "alerts.email.footer": {
    en: "You get this e-mail because alert e-mails are on in Kontera's settings. At most one a quarter of an hour; each problem once.",
    sv: "Du får detta e-postmeddelande eftersom e-postaviseringar är påslagna i Konteras inställningar. Högst ett per kvart; varje problem en gång.",
  },
});
