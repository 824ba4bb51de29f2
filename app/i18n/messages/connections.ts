import { defineMessages } from "../catalog";

export const connections = defineMessages({
  "connections.help": { en: "Kontera books new orders in the system marked \"Booking new orders here\". An order stays in the system it was first sent to.", sv: "Kontera bokför nya ordrar i systemet som är markerat \"Nya ordrar bokförs här\". En order stannar i systemet den först skickades till." },
  "connections.reauth": { en: "The accounting system no longer accepts Kontera's login. Reconnect it; orders wait meanwhile and are booked afterwards.", sv: "Bokföringssystemet godtar inte längre Konteras inloggning. Anslut igen; ordrarna väntar så länge och bokförs efteråt." },
  "connections.test": { en: "Test connection", sv: "Testa kopplingen" },
  "connections.test.ok": { en: "Works: connected to {company}.", sv: "Fungerar: ansluten till {company}." },
  "connections.test.not_connected": { en: "Not connected.", sv: "Inte ansluten." },
  "connections.test.auth": { en: "The login was refused; reconnect.", sv: "Inloggningen avvisades; anslut igen." },
  "connections.test.unreachable": { en: "The accounting system did not answer; try again shortly.", sv: "Bokföringssystemet svarade inte; försök igen om en stund." },
  "connections.test.refused": { en: "The accounting system refused the request:", sv: "Bokföringssystemet avvisade anropet:" },
  "connections.banner": { en: "{provider} needs reconnecting. Orders are waiting and will be booked once you reconnect.", sv: "{provider} behöver anslutas igen. Ordrar väntar och bokförs när du ansluter igen." },
});
