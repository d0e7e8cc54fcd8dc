/**
 * Content negotiation for FHIR JSON.
 *
 * @see https://hl7.org/fhir/R4/http.html#mime-type
 */
import { badRequest, notAcceptable, unsupportedMediaType } from '../../shared/errors.js';
import { parseUntrustedJson } from './json-shape.js';

/** The media type of every response body. */
export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

const JSON_TYPES = new Set(['application/fhir+json', 'application/json', 'application/json+fhir']);
const ACCEPT_ANY = new Set(['*/*', 'application/*']);
const FORMAT_JSON = new Set(['json', 'application/json', 'application/fhir+json', 'application/json+fhir']);

interface MediaRange {
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
}

function parseMediaRange(text: string): MediaRange {
  const [type = '', ...rest] = text.split(';').map((part) => part.trim());
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq > 0) params[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim().replace(/^"|"$/g, '').toLowerCase();
  }
  return { type: type.toLowerCase(), params };
}

/**
 * Throws 406 unless the client accepts FHIR JSON (`Accept`, overridden by `_format`).
 * A missing Accept header accepts anything.
 */
export function assertAcceptsFhirJson(accept: string | undefined, format: string | undefined): void {
  if (format !== undefined) {
    if (!FORMAT_JSON.has(format.trim().toLowerCase())) {
      throw notAcceptable(`_format '${format}' is not supported; this server produces application/fhir+json only`);
    }
    return;
  }
  if (accept === undefined || accept.trim() === '') return;
  const ranges = accept.split(',').map(parseMediaRange);
  const ok = ranges.some((range) => {
    const q = range.params.q === undefined ? 1 : Number(range.params.q);
    return q > 0 && (JSON_TYPES.has(range.type) || ACCEPT_ANY.has(range.type));
  });
  if (!ok) throw notAcceptable(`Accept '${accept}' is not supported; this server produces application/fhir+json`);
}

/** Throws 415 unless the body's Content-Type is one of `accepted` with a UTF-8 (or no) charset. */
export function assertContentType(contentType: string | undefined, accepted: readonly string[] = [...JSON_TYPES]): void {
  if (contentType === undefined || contentType.trim() === '') {
    throw unsupportedMediaType(`Content-Type is required; use ${accepted[0] ?? 'application/fhir+json'}`);
  }
  const range = parseMediaRange(contentType);
  if (!accepted.includes(range.type)) {
    throw unsupportedMediaType(`Content-Type '${contentType}' is not supported here; use ${accepted.join(' or ')}`);
  }
  const charset = range.params.charset;
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw unsupportedMediaType(`charset '${charset}' is not supported; use utf-8`);
  }
}

/** Parses a JSON request body, numbers kept as written; syntax errors and shapes beyond the limits become 400 outcomes. */
export function parseJsonBody(text: string, where = '$'): unknown {
  if (text.trim() === '') throw badRequest('The request body is empty; a JSON resource was expected', undefined, 'structure');
  try {
    return parseUntrustedJson(text, where);
  } catch (error) {
    if (error instanceof SyntaxError) throw badRequest(`The request body is not valid JSON: ${error.message}`, undefined, 'structure');
    throw error;
  }
}
