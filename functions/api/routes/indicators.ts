/**
 * `GET [base]/CarePlan/$indicators?period=…` (or `periodStart=…&periodEnd=…`), `POST [base]/CarePlan/$indicators`
 * with a Parameters resource, and the OperationDefinition at
 * `GET [base]/OperationDefinition/CarePlan-indicators`.
 *
 * @see docs/indicators.md
 */
import { isEmergency } from '../access/index.js';
import type { ScopeOperation } from '../access/types.js';
import { requireScope } from '../context/request-context.js';
import { FhirError, notFound } from '../../shared/errors.js';
import { INDICATORS_OPERATION, INDICATORS_OPERATION_DEFINITION, indicatorReport, parseReportingPeriod, periodQueryOf } from '../indicators/index.js';
import { measureIndicators } from '../services/indicator-service.js';
import { requireId } from './params.js';
import type { FhirRequest, FhirResponse, InteractionContext } from './types.js';

/** What the operation reads: it searches and reads the plans, reads their care teams and the consents. */
const INDICATOR_SCOPES: readonly (readonly [string, ScopeOperation])[] = [
  ['CarePlan', 'r'],
  ['CarePlan', 's'],
  ['CareTeam', 'r'],
  ['Consent', 'r'],
];

/**
 * `CarePlan/$indicators`: a summary MeasureReport over what the caller may see. 403 without its
 * scopes, or under an emergency purpose of use — an emergency opens a client's plan for treating
 * that client, not the county's plans for statistics — before anything is read.
 */
export async function carePlanIndicators(request: FhirRequest, context: InteractionContext): Promise<FhirResponse> {
  return indicators(request.query, context);
}

/** `POST CarePlan/$indicators`: the period as a Parameters resource; the audit records it as the query a GET would send. */
export async function carePlanIndicatorsPost(request: FhirRequest, context: InteractionContext): Promise<FhirResponse> {
  const query = new URLSearchParams(request.query);
  for (const [name, value] of periodQueryOf(request.body)) query.append(name, value);
  context.caller.audit.setInteraction('operation', query.toString());
  return indicators(query, context);
}

async function indicators(query: URLSearchParams, context: InteractionContext): Promise<FhirResponse> {
  for (const [type, operation] of INDICATOR_SCOPES) requireScope(context.caller, type, operation);
  if (isEmergency(context.caller.principal)) {
    throw new FhirError(403, [{ code: 'forbidden', diagnostics: 'Indicators are not computed under an emergency purpose of use (ETREAT): an emergency opens one client\'s plan for treatment, not every plan for statistics' }]);
  }
  const period = parseReportingPeriod(query);
  const now = new Date();
  const results = await measureIndicators(context.search, period, now);
  return { status: 200, body: indicatorReport(results, period, context.caller.principal.organization, now) };
}

/** `OperationDefinition/{id}`: the definitions of this API's operations (one: `CarePlan-indicators`). */
export async function readOperationDefinition(request: FhirRequest): Promise<FhirResponse> {
  const id = requireId(request);
  if (id !== INDICATORS_OPERATION.id) throw notFound(`OperationDefinition/${id} is not known`);
  return { status: 200, body: INDICATORS_OPERATION_DEFINITION };
}
