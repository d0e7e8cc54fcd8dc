/**
 * Renders interaction results and errors as FHIR JSON responses; the one place where an
 * error becomes an HTTP status.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import { ClientClosedRequestError, FhirError, internalError, payloadTooLarge, unavailable } from '../../shared/errors.js';
import { stringifyJson } from '../../shared/fhir-json.js';
import type { Logger } from '../../shared/logger.js';
import { ItemTooLargeError, StorageUnavailableError, TransactionContentionError } from '../repository/index.js';
import type { FhirResponse } from '../routes/types.js';
import { FHIR_JSON } from './media.js';

/** Writes a {@link FhirResponse}, decimals as they were sent; `_pretty=true` indents the JSON. */
export function render(c: Context, response: FhirResponse, pretty = false): Response {
  const headers: Record<string, string> = { ...response.headers };
  if (response.body === undefined || response.status === 204 || response.status === 304) {
    return c.body(null, response.status as StatusCode, headers);
  }
  headers['Content-Type'] = FHIR_JSON;
  const text = stringifyJson(response.body, pretty ? 2 : undefined);
  return c.body(text, response.status as ContentfulStatusCode, headers);
}

/**
 * Turns any thrown value into a FhirError; unexpected ones are logged and become a 500. A client
 * that went away is logged at info: it says nothing about the server's health.
 */
export function toFhirError(error: unknown, requestId: string, log: Logger): FhirError {
  if (error instanceof ClientClosedRequestError) {
    log.info('client closed the request', { cause: error.cause instanceof Error ? error.cause.message : String(error.cause) });
    return error;
  }
  if (error instanceof FhirError) return error;
  if (error instanceof StorageUnavailableError) return unavailable('The data store is busy; retry shortly', 'throttled', error);
  if (error instanceof TransactionContentionError) return unavailable('The resource is being changed by other requests right now; nothing was written; retry', 'transient', error);
  if (error instanceof ItemTooLargeError) return payloadTooLarge(error.message);
  log.error('unhandled error', { error });
  return internalError(requestId, error);
}

/** Renders a FhirError as its OperationOutcome. */
export function renderError(c: Context, error: FhirError): Response {
  return render(c, { status: error.status, headers: error.headers, body: error.outcome });
}
