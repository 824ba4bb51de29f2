// One classification of everything that can go wrong talking to an accounting system. The worker
// decides what to do from `kind` alone:
//   retryable → back off and try again (429 that outlasted our patience, 5xx, network, timeouts)
//   permanent → "needs action": the merchant must fix data or settings (validation errors)
//   auth      → the connection needs re-authorisation; its jobs pause until then

export type ErrorKind = "retryable" | "permanent" | "auth";

export class ConnectorError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly code?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "ConnectorError";
  }
}

export const retryable = (message: string, code?: string, status?: number) => new ConnectorError("retryable", message, code, status);
export const permanent = (message: string, code?: string, status?: number) => new ConnectorError("permanent", message, code, status);
export const authError = (message: string, code?: string, status?: number) => new ConnectorError("auth", message, code, status);

/** Anything thrown that is not a ConnectorError is a bug or an outage: treat it as retryable. */
export function classify(e: unknown): ConnectorError {
  if (e instanceof ConnectorError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return retryable(message, "internal");
}
