/**
 * Compares two versions of a resource ignoring what the server stamps (meta.versionId,
 * meta.lastUpdated) and object key order, so an identical update creates no new version.
 * Decimals compare as written: `0.10` after `0.1` is new content (R4 keeps a decimal's
 * precision), `1.0` after `1.0` is not.
 *
 * @see https://hl7.org/fhir/R4/datatypes.html#decimal
 */
import type { FhirResource } from 'fhir/r4.js';
import { isJsonNumber, stringifyJson } from '../../shared/fhir-json.js';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object' && !isJsonNumber(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

function withoutStamps(resource: FhirResource): unknown {
  const { meta, ...rest } = resource;
  if (!meta) return rest;
  const { versionId: _v, lastUpdated: _l, ...metaRest } = meta;
  return Object.keys(metaRest).length > 0 ? { ...rest, meta: metaRest } : rest;
}

/** True when `a` and `b` carry the same content. */
export function sameContent(a: FhirResource, b: FhirResource): boolean {
  return stringifyJson(canonical(withoutStamps(a))) === stringifyJson(canonical(withoutStamps(b)));
}
