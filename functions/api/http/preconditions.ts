/**
 * ETag, If-Match and Last-Modified handling (version-aware updates).
 *
 * @see https://hl7.org/fhir/R4/http.html#concurrency
 */
import { badRequest } from '../../shared/errors.js';

/** The weak ETag of a version: `W/"3"`. */
export const etag = (versionId: number): string => `W/"${versionId}"`;

/** `Last-Modified` value (RFC 9110 HTTP-date) of an instant. */
export const httpDate = (instant: string): string => new Date(instant).toUTCString();

/**
 * Parses an `If-Match` (or `If-None-Match`) value — `W/"3"` or `"3"` — into a version id.
 * Returns undefined when absent; throws 400 when malformed.
 */
export function parseVersionTag(header: string | undefined, name = 'If-Match'): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"([1-9]\d{0,9})"\s*$/.exec(header);
  if (!match?.[1]) {
    throw badRequest(`${name} '${header}' is malformed; expected a version ETag such as W/"3"`, name);
  }
  return Number(match[1]);
}
