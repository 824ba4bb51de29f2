import type { ConnectionRow } from "./connection.server";
import { permanent } from "./errors";
import { fortnoxFor } from "./fortnox/provider.server";
import type { AccountingConnector, ArticleSpec, CallCounter } from "./types";
import { vismaFor } from "./visma/provider.server";

/**
 * The connector for a stored connection. `articles` lets a connector that needs an article's
 * id for a row (Visma) find or make it through the sync layer's cache and locks.
 */
export function connectorFor(connection: ConnectionRow, counter: CallCounter, articles?: (spec: ArticleSpec) => Promise<string>): AccountingConnector {
  switch (connection.provider) {
    case "fortnox":
      return fortnoxFor(connection, counter);
    case "visma":
      return vismaFor(connection, counter, articles);
    default:
      throw permanent(`${connection.provider} is not supported`, "unsupported_provider");
  }
}
