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
  const parsed = parseBundle(request.body, request.baseUrl);
  context.caller.audit.setInteraction(parsed.type);
  const body = parsed.type === 'transaction' ? await executeTransaction(parsed.entries, request, context) : await executeBatch(parsed.entries, request, context);
  return { status: 200, body };
}
