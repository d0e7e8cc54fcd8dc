/**
 * The search parser: a pure function from query parameters to a {@link SearchRequest}.
 * Every problem in the query is collected, so one 400 OperationOutcome lists them all.
 *
 * @see https://hl7.org/fhir/R4/search.html
 */
import type { SupportedResourceType } from '../../../../schemas/index.js';
import { FhirError, badRequest } from '../../../shared/errors.js';
import type { Issue } from '../../../shared/operation-outcome.js';
import type { SearchRequest } from '../types.js';
import { parseCriterion } from './criterion.js';
import type { ParseOptions } from './options.js';
import { resolveName } from './resolve-name.js';
import { applyResultParam, type Draft } from './result-params.js';

/** Runs `parse`, turning a 400 into issues so the remaining parameters are still checked. */
function collect(issues: Issue[], parse: () => void): void {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof FhirError) || error.status !== 400) throw error;
    issues.push(...error.issues);
  }
}

function build(resourceType: SupportedResourceType, draft: Draft, options: ParseOptions): SearchRequest {
  return {
    resourceType,
    criteria: draft.criteria,
    count: draft.count ?? options.defaultCount,
    sort: draft.sort ?? [],
    include: draft.include,
    revinclude: draft.revinclude,
    ...(draft.summary !== undefined ? { summary: draft.summary } : {}),
    ...(draft.elements !== undefined ? { elements: draft.elements } : {}),
    total: draft.total ?? 'none',
    ...(draft.cursor !== undefined ? { cursor: draft.cursor } : {}),
    ignored: draft.ignored,
  };
}

/**
 * Parses a search query of `resourceType`. Repeated parameters are ANDed (one criterion each),
 * comma-separated values ORed (one criterion, several values).
 *
 * Unknown parameters, unsupported modifiers and unsupported result parameters fail the request,
 * or under `options.lenient` (`Prefer: handling=lenient`) are skipped and listed in `ignored`.
 * Malformed values of known parameters always fail. `_format` and `_pretty` belong to the HTTP
 * layer and are passed over.
 *
 * @throws FhirError 400 with one issue per offending parameter (`expression` = the name as written).
 * @see https://hl7.org/fhir/R4/search.html#errors
 */
export function parseSearchRequest(resourceType: SupportedResourceType, params: URLSearchParams, options: ParseOptions): SearchRequest {
  const draft: Draft = { criteria: [], include: [], revinclude: [], ignored: [] };
  const issues: Issue[] = [];
  for (const [name, raw] of params) {
    const resolved = resolveName(resourceType, name);
    if (resolved.kind === 'unsupported') {
      if (options.lenient) draft.ignored.push({ name, reason: resolved.reason });
      else issues.push(...badRequest(resolved.reason, name, 'not-supported').issues);
    } else if (resolved.kind === 'criterion') {
      collect(issues, () => draft.criteria.push(parseCriterion(resolved, raw, name)));
    } else if (resolved.kind === 'result') {
      collect(issues, () => applyResultParam(draft, resourceType, resolved, raw, options, name));
    }
  }
  if (draft.summary !== undefined && draft.elements !== undefined) {
    issues.push(...badRequest('_summary and _elements cannot be combined', ['_summary', '_elements'], 'invalid').issues);
  }
  if (issues.length > 0) throw new FhirError(400, issues);
  return build(resourceType, draft, options);
}
