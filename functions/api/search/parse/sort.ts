/**
 * `_sort=a,-b`: a comma list, `-` for descending. Only `_lastUpdated` and the date parameters
 * of the type can be sorted by, because only those have a sortable index.
 *
 * @see https://hl7.org/fhir/R4/search.html#sort
 */
import type { SupportedResourceType } from '../../../../schemas/index.js';
import { badRequest } from '../../../shared/errors.js';
import type { SortSpec } from '../types.js';
import { lookup, parametersOf } from './registry.js';

/** Parses a `_sort` value into sort keys, most significant first. */
export function parseSort(resourceType: SupportedResourceType, raw: string, name: string): SortSpec[] {
  return raw.split(',').map((item) => {
    const descending = item.startsWith('-');
    const code = descending ? item.slice(1) : item;
    const param = lookup(resourceType, code);
    if (param?.type !== 'date') {
      const sortable = parametersOf(resourceType).filter((candidate) => candidate.type === 'date').map((candidate) => candidate.code);
      throw badRequest(`cannot sort by '${code}'; ${resourceType} can be sorted by ${sortable.join(', ')}`, name, 'not-supported');
    }
    return { param, descending };
  });
}
