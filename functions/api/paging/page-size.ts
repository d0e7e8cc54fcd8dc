/**
 * `_count`: how many entries a page holds.
 *
 * @see https://hl7.org/fhir/R4/search.html#count
 */
import { badRequest } from '../../shared/errors.js';

/** Parses `_count` (default and maximum from config); 0 is allowed (no entries, total only). */
export function pageSize(raw: string | null, defaults: { readonly defaultPageSize: number; readonly maxPageSize: number }): number {
  if (raw === null) return defaults.defaultPageSize;
  if (!/^\d{1,6}$/.test(raw.trim())) throw badRequest(`_count '${raw}' must be a non-negative integer`, '_count', 'value');
  return Math.min(Number(raw.trim()), defaults.maxPageSize);
}
