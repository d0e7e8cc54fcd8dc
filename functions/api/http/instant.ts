/**
 * Parsing of FHIR `instant` query values such as `_since`.
 *
 * @see https://hl7.org/fhir/R4/datatypes.html#instant
 */
import { badRequest } from '../../shared/errors.js';

const INSTANT = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$/;

/** Parses an instant parameter into a canonical UTC ISO string with milliseconds; 400 if malformed. */
export function parseInstantParam(name: string, raw: string): string {
  const time = Date.parse(raw);
  if (!INSTANT.test(raw) || Number.isNaN(time)) {
    throw badRequest(`${name} '${raw}' must be a FHIR instant with a time zone, e.g. 2026-11-30T10:00:00Z`, name, 'value');
  }
  return new Date(time).toISOString();
}
