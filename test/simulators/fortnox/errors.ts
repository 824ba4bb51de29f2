/**
 * Fortnox error bodies and codes.
 *
 * Codes marked [doc]/[rec] come from the research notes (/work/shared/reference/accounting-apis.md A.6).
 * Codes marked ASSUMED are simulator choices where no real code was found; clients should
 * branch on HTTP status and treat the code as informational.
 */
export const ErrorCode = {
  SYSTEM_EXCEPTION: 1000003, // [doc] 500
  INVALID_CONTENT_TYPE: 1000031, // [doc]
  NOT_ALPHANUMERIC: 2000106, // [doc] "Värdet måste vara alfanumeriskt"
  NOT_NUMERIC: 2000108, // [doc] "Värdet måste vara numeriskt"
  NOT_BOOLEAN: 2000134, // [doc] "Värdet måste vara en boolean"
  INVALID_CHARACTERS: 2000359, // [doc] "Värdet innehåller ej tillåtna tecken"
  DUPLICATE_ARTICLE: 2000013, // [code]
  ARTICLE_NOT_FOUND: 2000428, // [rec]
  TERMS_OF_PAYMENT_NOT_FOUND: 2000429, // [rec]
  CUSTOMER_NOT_FOUND: 2000433, // [rec]
  INVOICE_NOT_FOUND: 2000434, // [rec]
  ORDER_NOT_FOUND: 2000439, // [rec]
  INVALID_FILTER: 2000587, // [rec]
  INVALID_PARAMETER: 2000588, // [doc]
  DUPLICATE_CUSTOMER_NUMBER: 2000637, // [doc]
  NO_SCOPE: 2000663, // [3p] token lacks the scope for this resource
  ACCOUNT_NOT_FOUND: 2001304, // [doc] "Kunde inte hitta konto"
  ACCOUNT_NOT_FOUND_GET: 2000423, // [code] "Kan inte hitta kontot." (GET /accounts/{n})
  NO_DATA: 2001392, // [doc] "Ingen eller felaktig typ av data."
  UNKNOWN_FIELD: 2001399, // [doc] "Felaktigt fältnamn"
  JSON_SYNTAX: 2002115, // [doc]
  // ---- ASSUMED (no real code found in the research) ----
  PAYMENT_NOT_FOUND: 2000440, // ASSUMED "Kan inte hitta inbetalningen."
  CURRENCY_NOT_FOUND: 2000457, // ASSUMED 'Valutan "X" finns inte'
  VAT_NOT_FOUND: 2000458, // ASSUMED "Kunde inte hitta moms"
  MODE_OF_PAYMENT_NOT_FOUND: 2000459, // ASSUMED "Kan inte hitta betalsättet."
  PRICE_LIST_NOT_FOUND: 2000460, // ASSUMED "Kan inte hitta prislistan."
  TOO_LONG: 2000461, // ASSUMED text longer than the field allows
  INVALID_VALUE: 2000462, // ASSUMED value outside the allowed set (enum, date, email, country code ...)
  INVALID_ORGANISATION_NUMBER: 2000463, // ASSUMED
  REQUIRED_FIELD: 2000464, // ASSUMED a required field is missing
  DOCUMENT_LOCKED: 2000465, // ASSUMED booked/cancelled/invoiced document cannot be changed
  DOCUMENT_STATE: 2000466, // ASSUMED action not allowed in the document's state (bookkeep twice, credit unbooked ...)
  PAYMENT_DATE: 2000467, // ASSUMED "Betalningsdatum får inte vara före fakturadatum"
  PAYMENT_CURRENCY: 2000468, // ASSUMED AmountCurrency missing/mismatching for a foreign-currency invoice
  UNKNOWN_ROW: 2000469, // ASSUMED RowId that does not exist on the document
  NOT_FOUND: 2000470, // ASSUMED unknown route / generic not found
  PROJECT_NOT_FOUND: 2000471, // ASSUMED a document names a project the company does not have
  COST_CENTER_NOT_FOUND: 2000472, // ASSUMED a document names a cost centre the company does not have
  PRICE_NOT_FOUND: 2000473, // ASSUMED "Kan inte hitta priset."
  DUPLICATE_PRICE: 2000474, // ASSUMED a price for that list, article and quantity exists
} as const;

/** Thrown anywhere in request handling; server.ts renders it. */
export class FortnoxError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (code: number, message: string) => new FortnoxError(400, code, message);
export const notFound = (code: number, message: string) => new FortnoxError(404, code, message);

/**
 * The real API is inconsistent: 400s were recorded with lowercase keys and 404s with
 * capitalised keys. We reproduce both so clients are forced to parse case-insensitively.
 */
export function errorBody(err: FortnoxError): unknown {
  if (err.status === 404) {
    return { ErrorInformation: { Error: 1, Message: err.message, Code: err.code } };
  }
  return { ErrorInformation: { error: 1, message: err.message, code: err.code } };
}

export const SYSTEM_EXCEPTION_BODY = {
  ErrorInformation: { error: 1, message: "System exception", code: ErrorCode.SYSTEM_EXCEPTION },
};
export const TOO_MANY_REQUESTS_BODY = { message: "Too Many Requests" };
export const UNAUTHORIZED_BODY = { message: "unauthorized" };
