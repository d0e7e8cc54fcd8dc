/**
 * `POST [base]` with a Bundle of type transaction (all or nothing) or batch (independent
 * entries).
 *
 * @see https://hl7.org/fhir/R4/http.html#transaction
 */
import { executeBatch, executeTransaction, parseBundle } from '../bundle/index.js';
import type { FhirRequest, FhirResponse, InteractionContext } from './types.js';

/** `POST [base]`. */
export async function bundle(request: FhirRequest, context: InteractionContext): Promise<FhirResponse> {
  const { type, entries } = parseBundle(request.body, request.baseUrl);
  const body = type === 'transaction' ? await executeTransaction(entries, request, context) : await executeBatch(entries, request, context);
  return { status: 200, body };
}
