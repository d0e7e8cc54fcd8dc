/**
 * FHIR search parsing: query string → {@link SearchRequest}. Pure; no I/O.
 *
 * @see https://hl7.org/fhir/R4/search.html
 */
export { parseDateRange } from './date-range.js';
export { parseSearchRequest } from './parse-request.js';
export type { ParseOptions } from './options.js';
