import { defineMessages } from "../catalog";

export const dashboard = defineMessages({
  "dashboard.day": { en: "Last 24 hours", sv: "Senaste 24 timmarna" },
  "dashboard.week": { en: "Last 7 days", sv: "Senaste 7 dagarna" },
  "dashboard.booked": { en: "Booked", sv: "Bokförda" },
  "dashboard.pending": { en: "On their way", sv: "På väg" },
  "dashboard.failed": { en: "Failed", sv: "Misslyckade" },
  "dashboard.needsAction": { en: "Need action", sv: "Kräver åtgärd" },
  "dashboard.chart": { en: "Documents booked per day, last 14 days", sv: "Bokförda dokument per dag, senaste 14 dagarna" },
  "dashboard.chartBar": { en: "{day}: {documents} documents", sv: "{day}: {documents} dokument" },
  "dashboard.queue": { en: "Queue", sv: "Kö" },
  "dashboard.queueWaiting": { en: "{waiting} waiting; the oldest for {seconds} s", sv: "{waiting} väntar; den äldsta i {seconds} s" },
  "dashboard.queueEmpty": { en: "Nothing waiting.", sv: "Inget väntar." },
  "dashboard.rateLimit": { en: "{provider} API limit in use now: {percent} %", sv: "{provider}s API-gräns som används nu: {percent} %" },
  "dashboard.latestFailures": { en: "Latest failures", sv: "Senaste felen" },
  "dashboard.allFailures": { en: "See all failed syncs", sv: "Visa alla misslyckade synkar" },
  "dashboard.connections": { en: "Manage connections", sv: "Hantera kopplingar" },
  "dashboard.notConnected": { en: "Connect Fortnox or Visma to start booking orders.", sv: "Anslut Fortnox eller Visma för att börja bokföra ordrar." },
});
