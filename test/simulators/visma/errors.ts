/**
 * Visma eAccounting error bodies (research B.4): the CommonExtendedBadRequest envelope
 * {ErrorCode, DeveloperErrorMessage, ErrorId, Errors[]}. ErrorId is a fresh GUID per answer,
 * as in production, so a client cannot use it for anything but logging.
 */
import { randomUUID } from "node:crypto";

export const ErrorCode = {
  VALIDATION: 2000, // DataModelValidationError
  NOT_FOUND: 3000, // ResourceNotFound (a reference in the body, or the id in the path)
  NO_FISCAL_YEAR: 3001, // FiscalYearDoesNotExist
  CONFLICT: 4000, // duplicate CustomerNumber / article Number
  CANNOT_DELETE: 4001, // CanNotBeDeleted
  CANNOT_CREATE_OR_UPDATE: 4002,
  NO_ACCESS_TO_SCOPES: 4006,
  TOO_MANY_REQUESTS: 4010,
  CANNOT_BOOKKEEP: 4013, // convert into a locked fiscal year
  FUTURE_DATE: 4023,
  INVALID_VAT_NUMBER: 4025,
  MISSING_ORDER_ARTICLES: 4031, // order convert with nothing delivered
  INTERNAL: 5000,
  QUERY_PARAMETER: 6000, // bad $filter / $orderby
  INVALID_INPUT: 6001, // bad $page / $pagesize / date literal
} as const;

/** One entry of Errors[]; ErrorCode here is a short reason name, the top-level code says the class. */
export interface FieldError {
  Field: string;
  ErrorCode: string;
  Message: string;
}

/** Thrown anywhere in request handling; server.ts renders it. */
export class VismaError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: number,
    message: string,
    public readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

export const badRequest = (code: number, message: string, errors: FieldError[] = []) => new VismaError(400, code, message, errors);

/** A 2000 naming one field, for rules checked after the schema (sign of a total, currency mismatch ...). */
export const fieldError = (field: string, reason: string, message: string) =>
  badRequest(ErrorCode.VALIDATION, `${field}: ${message}`, [{ Field: field, ErrorCode: reason, Message: message }]);

/** A missing reference in the body: 400 3000 naming the field. */
export const missingReference = (field: string, entity: string) =>
  badRequest(ErrorCode.NOT_FOUND, `${entity} not found`, [{ Field: field, ErrorCode: "NotFound", Message: `${entity} not found` }]);

/** An unknown id in the path. */
export const notFound = (entity: string) => new VismaError(404, ErrorCode.NOT_FOUND, `${entity} not found`);

export function errorBody(err: VismaError): Record<string, unknown> {
  const body: Record<string, unknown> = { ErrorCode: err.code, DeveloperErrorMessage: err.message, ErrorId: randomUUID() };
  // 400s carry the extended envelope; 403/404/429 are the plain three fields.
  if (err.status === 400) body.Errors = err.errors;
  return body;
}

export const UNAUTHORIZED_BODY = { Message: "Authorization has been denied for this request." };

export function tooManyRequestsBody(max: number, seconds: number): Record<string, unknown> {
  return {
    ErrorCode: ErrorCode.TOO_MANY_REQUESTS,
    DeveloperErrorMessage: `API calls quota exceeded! maximum admitted ${max} per Minute. Try again in ${seconds} seconds.`,
    ErrorId: randomUUID(),
  };
}

export const internalErrorBody = () => ({ ErrorCode: ErrorCode.INTERNAL, DeveloperErrorMessage: "An internal error occurred", ErrorId: randomUUID() });
