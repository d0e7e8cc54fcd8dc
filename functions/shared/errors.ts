/**
 * The error hierarchy: a {@link FhirError} carries its HTTP status and OperationOutcome issues;
 * one app-level handler renders it. Storage errors are translated into these at the repository
 * boundary, so routes never see DynamoDB types.
 */
import type { OperationOutcome } from 'fhir/r4.js';
import { operationOutcome, type Issue, type IssueCode } from './operation-outcome.js';

/** A failure the client sees, with its status and OperationOutcome. */
export class FhirError extends Error {
  override readonly name: string = 'FhirError';
  readonly status: number;
  readonly issues: readonly Issue[];
  /** Extra response headers (e.g. `Allow` on 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, issues: readonly Issue[], options?: { cause?: unknown; headers?: Record<string, string> }) {
    super(issues.map((issue) => issue.diagnostics).join('; '), { cause: options?.cause });
    this.status = status;
    this.issues = issues;
    this.headers = options?.headers ?? {};
  }

  get outcome(): OperationOutcome {
    return operationOutcome(this.issues);
  }
}

function single(status: number, code: IssueCode, diagnostics: string, expression?: string | readonly string[]): FhirError {
  const expressions = expression === undefined ? undefined : typeof expression === 'string' ? [expression] : expression;
  return new FhirError(status, [{ code, diagnostics, ...(expressions ? { expression: expressions } : {}) }]);
}

/** 400: the request is malformed (syntax, structure, parameters). */
export const badRequest = (diagnostics: string, expression?: string | readonly string[], code: IssueCode = 'invalid'): FhirError =>
  single(400, code, diagnostics, expression);

/** 404: no such resource type, resource or path. */
export const notFound = (diagnostics: string): FhirError => single(404, 'not-found', diagnostics);

/** 410: the resource existed and was deleted. */
export const gone = (diagnostics: string): FhirError => single(410, 'deleted', diagnostics);

/** 405: the path exists but not with this method. */
export const methodNotAllowed = (method: string, allowed: readonly string[]): FhirError =>
  new FhirError(405, [{ code: 'not-supported', diagnostics: `Method ${method} is not allowed here; allowed: ${allowed.join(', ')}` }], {
    headers: { Allow: allowed.join(', ') },
  });

/** 406: the client accepts no format this server produces. */
export const notAcceptable = (diagnostics: string): FhirError => single(406, 'not-supported', diagnostics);

/** 409: a concurrent change won; the client may retry. */
export const conflict = (diagnostics: string): FhirError => single(409, 'conflict', diagnostics);

/** 412: a precondition (If-Match, conditional match count) failed. */
export const preconditionFailed = (diagnostics: string, code: IssueCode = 'conflict'): FhirError => single(412, code, diagnostics);

/** 413: the request body is too large. */
export const payloadTooLarge = (diagnostics: string): FhirError => single(413, 'too-long', diagnostics);

/** 415: the body's media type is not supported. */
export const unsupportedMediaType = (diagnostics: string): FhirError => single(415, 'not-supported', diagnostics);

/** 422: well-formed, but breaks a business rule or invariant. */
export const unprocessable = (diagnostics: string, expression?: string | readonly string[], code: IssueCode = 'business-rule'): FhirError =>
  single(422, code, diagnostics, expression);

/** 500: an unexpected failure; details go to the log, never to the client. */
export const internalError = (requestId: string, cause?: unknown): FhirError =>
  new FhirError(500, [{ severity: 'fatal', code: 'exception', diagnostics: `Internal server error (request id ${requestId})` }], { cause });

/**
 * 499 (nginx's "client closed request"): the client went away before its request was read. Not a
 * server failure, so never logged or counted as one; whatever is answered reaches no one.
 */
export class ClientClosedRequestError extends FhirError {
  override readonly name = 'ClientClosedRequestError';

  constructor(cause?: unknown) {
    super(499, [{ code: 'incomplete', diagnostics: 'The client closed the connection before the request was read; nothing was done' }], { cause });
  }
}

/** 503: DynamoDB throttled or timed out; the client may retry. */
export const unavailable = (diagnostics: string, code: IssueCode = 'transient', cause?: unknown): FhirError =>
  new FhirError(503, [{ code, diagnostics }], { cause, headers: { 'Retry-After': '1' } });
