/**
 * Batch: every entry is its own interaction, atomic on its own; one failing does not affect
 * the others.
 *
 * @see https://hl7.org/fhir/R4/http.html#transaction
 */
import type { Bundle } from 'fhir/r4.js';
import { FhirError } from '../../shared/errors.js';
import { toFhirError } from '../http/render.js';
import type { FhirRequest, InteractionContext } from '../routes/types.js';
import { dispatchEntry, failureEntry, responseEntry } from './dispatch.js';
import type { BundleEntryRequest, InvalidEntry } from './entry.js';

/** Runs the entries one after another and reports each. */
export async function executeBatch(entries: readonly (BundleEntryRequest | InvalidEntry)[], outer: FhirRequest, context: InteractionContext): Promise<Bundle> {
  const results = [];
  for (const entry of entries) {
    if ('error' in entry) {
      results.push(failureEntry(entry.error));
      continue;
    }
    try {
      results.push(responseEntry(outer.baseUrl, await dispatchEntry(entry, outer, context), entry.method));
    } catch (error) {
      results.push(failureEntry(error instanceof FhirError ? error : toFhirError(error, outer.requestId, context.log)));
    }
  }
  return { resourceType: 'Bundle', type: 'batch-response', ...(results.length > 0 ? { entry: results } : {}) };
}
