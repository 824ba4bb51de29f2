import { defineMessages } from "../catalog";

export const home = defineMessages({
  "home.title": { en: "Kontera", sv: "Kontera" },
  "home.bookingHere": { en: "Booking new orders here", sv: "Nya ordrar bokförs här" },
  "home.connectedTo": { en: "Connected to {company}", sv: "Ansluten till {company}" },
  "home.connectPrompt": { en: "Connect {name} to book paid orders as invoices.", sv: "Anslut {name} för att bokföra betalda ordrar som fakturor." },
  "home.connect": { en: "Connect", sv: "Anslut" },
  "home.reconnect": { en: "Reconnect", sv: "Anslut igen" },
  "home.disconnect": { en: "Disconnect", sv: "Koppla från" },
  "home.bookIn": { en: "Book new orders in {name}", sv: "Bokför nya ordrar i {name}" },
  "home.switch.move": { en: "Move them", sv: "Flytta dem" },
  "home.switch.keep": { en: "Keep them there", sv: "Behåll dem där" },
  "home.switch.cancel": { en: "Don't book them", sv: "Bokför dem inte" },
  "home.switch.question": {
    en: "{orders} orders are still waiting to be booked in {from}. What should happen to them?",
    sv: "{orders} ordrar väntar fortfarande på att bokföras i {from}. Vad ska hända med dem?",
  },
  "home.orders": { en: "Orders", sv: "Ordrar" },
  "home.attention": { en: "Needs attention", sv: "Behöver åtgärdas" },
  "home.nothing": { en: "Nothing: every order is booked or on its way.", sv: "Inget: alla ordrar är bokförda eller på väg." },
  "home.col.order": { en: "Order", sv: "Order" },
  "home.col.status": { en: "Status", sv: "Status" },
  "home.col.reason": { en: "Reason", sv: "Orsak" },
});
