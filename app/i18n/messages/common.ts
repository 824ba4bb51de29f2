import { defineMessages } from "../catalog";

// The frame every page shares: navigation, statuses, providers, generic buttons and errors.
export const common = defineMessages({
  "nav.home": { en: "Home", sv: "Översikt" },
  "nav.connections": { en: "Connections", sv: "Kopplingar" },
  "nav.settings": { en: "Settings", sv: "Inställningar" },
  "nav.mapping": { en: "Mapping rules", sv: "Mappningsregler" },
  "nav.failures": { en: "Failed syncs", sv: "Misslyckade synkar" },
  "nav.orders": { en: "Order history", sv: "Orderhistorik" },
  "nav.backfill": { en: "Backfill", sv: "Bokför äldre ordrar" },

  "provider.fortnox": { en: "Fortnox", sv: "Fortnox" },
  "provider.visma": { en: "Visma eAccounting", sv: "Visma eEkonomi" },

  "status.succeeded": { en: "Booked", sv: "Bokförd" },
  "status.pending": { en: "Pending", sv: "Väntar" },
  "status.running": { en: "Running", sv: "Pågår" },
  "status.retrying": { en: "Retrying", sv: "Försöker igen" },
  "status.waiting": { en: "Waiting for the invoice", sv: "Väntar på fakturan" },
  "status.failed": { en: "Failed", sv: "Misslyckad" },
  "status.needs_action": { en: "Needs action", sv: "Kräver åtgärd" },
  "status.needs_review": { en: "Needs review", sv: "Behöver granskas" },
  "status.paused": { en: "Paused", sv: "Pausad" },
  "status.cancelled": { en: "Not booked (cancelled)", sv: "Inte bokförd (avbruten)" },

  "connection.active": { en: "Connected", sv: "Ansluten" },
  "connection.reauth_required": { en: "Needs reconnecting", sv: "Behöver anslutas igen" },
  "connection.paused": { en: "Paused", sv: "Pausad" },
  "connection.disconnected": { en: "Disconnected", sv: "Frånkopplad" },
  "connection.not_connected": { en: "Not connected", sv: "Inte ansluten" },

  "kind.invoice": { en: "Invoice", sv: "Faktura" },
  "kind.credit": { en: "Credit", sv: "Kreditfaktura" },
  "kind.cancel": { en: "Cancellation", sv: "Makulering" },
  "kind.payment": { en: "Payment", sv: "Inbetalning" },
  "kind.customer": { en: "Customer", sv: "Kund" },
  "kind.product": { en: "Product", sv: "Produkt" },

  "action.replay": { en: "Replay", sv: "Kör igen" },
  "action.save": { en: "Save", sv: "Spara" },
  "action.cancel": { en: "Cancel", sv: "Avbryt" },

  "error.generic": { en: "Something went wrong: {message}", sv: "Något gick fel: {message}" },
  "error.invalidForm": { en: "Check the highlighted fields: {details}", sv: "Kontrollera de markerade fälten: {details}" },
});
