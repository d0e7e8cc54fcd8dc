/**
 * `POST [base]/[type]/_search`: a search whose parameters come in an
 * `application/x-www-form-urlencoded` body, plus any in the URL. One wrapper for every searchable
 * type, so a POST search answers exactly what the GET answers and the disclosure log records the
 * criteria wherever they were sent.
 *
 * @see https://hl7.org/fhir/R4/http.html#search
 */
import type { Interaction } from './types.js';

/** The POST `_search` form of the GET search `handler`. */
export function viaPostSearch(handler: Interaction): Interaction {
  return async (request, context) => {
    const query = new URLSearchParams(request.query);
    for (const [name, value] of (request.body as URLSearchParams | undefined) ?? []) query.append(name, value);
    context.caller.audit.setInteraction('search-type', query.toString());
    return handler({ ...request, query }, context);
  };
}
