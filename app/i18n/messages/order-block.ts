import { defineMessages } from "../catalog";

// The order page's block, action and bulk action: what the backend words for them.
export const orderBlock = defineMessages({
  "kind.order": { en: "Order", sv: "Order" },
  "kind.edit": { en: "Correction", sv: "Rättelse" },
  "orderSync.summary.booked": { en: "Booked in {provider}.", sv: "Bokförd i {provider}." },
  "orderSync.summary.pending": { en: "On its way to {provider}.", sv: "På väg till {provider}." },
  "orderSync.summary.failed": { en: "{provider} refused it. It is retried no more until you replay it.", sv: "{provider} avvisade den. Den försöks inte igen förrän du kör den igen." },
  "orderSync.summary.needs_action": { en: "Stopped until something is fixed (below), then replay.", sv: "Stoppad tills något är åtgärdat (nedan), kör den sedan igen." },
  "orderSync.summary.needs_review": { en: "Held for review: a document for this order may already exist in {provider}.", sv: "Hålls för granskning: ett dokument för ordern kan redan finnas i {provider}." },
  "orderSync.notSynced.cancelled": { en: "Not booked: the order was cancelled before it was booked.", sv: "Inte bokförd: ordern avbröts innan den bokfördes." },
  "orderSync.notSynced.not_connected": { en: "Not booked: no accounting system is connected.", sv: "Inte bokförd: inget bokföringssystem är anslutet." },
  "orderSync.notSynced.orders_off": { en: "Not booked: booking of orders is switched off in the settings.", sv: "Inte bokförd: bokföring av ordrar är avstängd i inställningarna." },
  "orderSync.notSynced.not_due": { en: "Not booked yet: your settings book an order when it is {trigger}.", sv: "Inte bokförd ännu: dina inställningar bokför en order när den är {trigger}." },
  "orderSync.notSynced.not_received": { en: "Not synced: Kontera has not received this order (it may predate the app). Sync now books it.", sv: "Inte synkad: Kontera har inte tagit emot ordern (den kan vara äldre än appen). Synka nu bokför den." },
  "orderSync.trigger.created": { en: "created", sv: "skapad" },
  "orderSync.trigger.paid": { en: "paid", sv: "betald" },
  "orderSync.trigger.fulfilled": { en: "fulfilled", sv: "levererad" },
  "orderSync.attempt": { en: "{kind}, attempt {number}", sv: "{kind}, försök {number}" },
  "orderSync.outcome.queued": { en: "Queued: it is being booked now.", sv: "Köad: den bokförs nu." },
  "orderSync.outcome.replayed": { en: "Replayed: it is being booked again.", sv: "Körs igen: den bokförs på nytt." },
  "orderSync.outcome.already_booked": { en: "Already booked; nothing was sent again.", sv: "Redan bokförd; inget skickades igen." },
  "orderSync.outcome.in_progress": { en: "Already on its way.", sv: "Redan på väg." },
  "orderSync.outcome.not_found": { en: "Shopify did not return this order. Orders older than 60 days can be read only once Kontera has access to all orders.", sv: "Shopify returnerade inte ordern. Ordrar äldre än 60 dagar kan läsas först när Kontera har åtkomst till alla ordrar." },
  "orderSync.bulk": { en: "{queued} queued, {replayed} replayed, {already_booked} already booked, {in_progress} on their way, {not_due} not due yet, {not_found} not found.", sv: "{queued} köade, {replayed} körs igen, {already_booked} redan bokförda, {in_progress} på väg, {not_due} inte aktuella ännu, {not_found} hittades inte." },
  "orderSync.preview.title": { en: "{kind} in {provider}, dated {date}", sv: "{kind} i {provider}, daterad {date}" },
});
