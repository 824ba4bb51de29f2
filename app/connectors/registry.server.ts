import type { ConnectionRow } from "./connection.server";
import { permanent } from "./errors";
import { fortnoxFor } from "./fortnox/provider.server";
import type { AccountingConnector, CallCounter } from "./types";

/** The connector for a stored connection. Visma joins here behind the same interface. */
export function connectorFor(connection: ConnectionRow, counter: CallCounter): AccountingConnector {
  switch (connection.provider) {
    case "fortnox":
      return fortnoxFor(connection, counter);
    default:
      throw permanent(`${connection.provider} is not supported yet`, "unsupported_provider");
  }
}
