/**
 * The reporting period of `$indicators`: either `period` — a FHIR `date` (`2026`, `2026-01`,
 * `2026-01-01`: that whole year, month or day) or an ISO 8601 interval of two (`2026-01/2026-06`)
 * — or, as `$evaluate-measure` gives it, `periodStart` and `periodEnd`, each a FHIR `date`, both
 * required then. Inclusive, read as Europe/Helsinki calendar days like every date of the access
 * policy.
 *
 * @see https://hl7.org/fhir/R4/measure-operation-evaluate-measure.html
 * @see docs/indicators.md
 */
import { periodEndInstant, periodStartInstant } from '../access/county-time.js';
import { badRequest, FhirError } from '../../shared/errors.js';
import type { Issue } from '../../shared/operation-outcome.js';

/** A FHIR `date` (year, month or day precision; no time). */
const FHIR_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
const DATE_FORMS = 'YYYY, YYYY-MM or YYYY-MM-DD';

/** The reporting period: as written, and its first and last instants (epoch ms). */
export interface ReportingPeriod {
  readonly start: string;
  readonly end: string;
  readonly from: number;
  readonly to: number;
}

/** The operation's input parameters. */
export const PERIOD_PARAMETERS = ['period', 'periodStart', 'periodEnd'] as const;
type PeriodParameter = (typeof PERIOD_PARAMETERS)[number];

interface Bound {
  readonly text: string;
  readonly instant: number;
}

/** The first (`start`) or last (`end`) instant of the FHIR date `text`, if it is one. */
function dateBound(text: string, side: 'start' | 'end'): Bound | undefined {
  const instant = FHIR_DATE.test(text) ? (side === 'start' ? periodStartInstant(text) : periodEndInstant(text)) : undefined;
  return instant === undefined ? undefined : { text, instant: Date.parse(instant) };
}

/** The one value of `name`, or an issue (missing, repeated). */
function single(query: URLSearchParams, name: PeriodParameter, issues: Issue[]): string | undefined {
  const values = query.getAll(name);
  if (values.length === 1) return values[0]!;
  issues.push({ code: 'required', diagnostics: values.length === 0 ? `${name} is required (a date: ${DATE_FORMS})` : `${name} may be given once`, expression: [name] });
  return undefined;
}

function bound(query: URLSearchParams, name: 'periodStart' | 'periodEnd', issues: Issue[]): Bound | undefined {
  const text = single(query, name, issues);
  if (text === undefined) return undefined;
  const parsed = dateBound(text, name === 'periodStart' ? 'start' : 'end');
  if (parsed === undefined) issues.push({ code: 'value', diagnostics: `${name} '${text}' is not a FHIR date (${DATE_FORMS})`, expression: [name] });
  return parsed;
}

/** `period`: one date (its whole extent) or `start/end`. */
function interval(query: URLSearchParams, issues: Issue[]): [Bound, Bound] | undefined {
  if (query.has('periodStart') || query.has('periodEnd')) {
    issues.push({ code: 'invalid', diagnostics: 'Give either period or periodStart and periodEnd, not both', expression: ['period'] });
    return undefined;
  }
  const text = single(query, 'period', issues);
  if (text === undefined) return undefined;
  const parts = text.split('/');
  const [first, last] = [parts[0]!, parts[parts.length - 1]!];
  const from = parts.length <= 2 ? dateBound(first, 'start') : undefined;
  const to = parts.length <= 2 ? dateBound(last, 'end') : undefined;
  if (from === undefined || to === undefined) {
    issues.push({ code: 'value', diagnostics: `period '${text}' is not a FHIR date (${DATE_FORMS}) or two joined by '/' (2026-01/2026-06)`, expression: ['period'] });
    return undefined;
  }
  return [from, to];
}

/**
 * Parses `period`, or `periodStart` and `periodEnd`; every problem is one issue of a single 400
 * naming the parameter: missing, repeated, not a date, both forms at once, a start after the
 * end, or a parameter the operation does not take.
 */
export function parseReportingPeriod(query: URLSearchParams): ReportingPeriod {
  const issues: Issue[] = [];
  for (const name of new Set(query.keys())) {
    if (!(PERIOD_PARAMETERS as readonly string[]).includes(name)) {
      issues.push({ code: 'not-supported', diagnostics: `Unknown parameter '${name}': $indicators takes period, or periodStart and periodEnd`, expression: [name] });
    }
  }
  const shorthand = query.has('period');
  const [start, end] = shorthand ? (interval(query, issues) ?? []) : [bound(query, 'periodStart', issues), bound(query, 'periodEnd', issues)];
  if (issues.length > 0) throw new FhirError(400, issues);
  if (start!.instant > end!.instant) {
    throw badRequest(`The period starts (${start!.text}) after it ends (${end!.text})`, shorthand ? ['period'] : ['periodStart', 'periodEnd'], 'invalid');
  }
  return { start: start!.text, end: end!.text, from: start!.instant, to: end!.instant };
}

/**
 * The parameters of `POST CarePlan/$indicators`: a `Parameters` resource whose `periodStart` and
 * `periodEnd` are `valueDate`s, as query parameters for {@link parseReportingPeriod} (which
 * reports missing, repeated and unknown ones). 400 naming the element when the body is not a
 * Parameters resource or a parameter is not a name with a date value.
 *
 * @see https://hl7.org/fhir/R4/operations.html#request
 * @see https://hl7.org/fhir/R4/parameters.html
 */
export function periodQueryOf(body: unknown): URLSearchParams {
  const resource = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  if (resource?.resourceType !== 'Parameters') {
    throw badRequest('POST CarePlan/$indicators takes a Parameters resource (periodStart and periodEnd as valueDate)', 'Parameters', 'structure');
  }
  const parameters = resource.parameter ?? [];
  if (!Array.isArray(parameters)) throw badRequest('Parameters.parameter must be an array', 'Parameters.parameter', 'structure');
  const query = new URLSearchParams();
  const issues: Issue[] = [];
  parameters.forEach((parameter: unknown, index) => {
    const where = `Parameters.parameter[${index}]`;
    const entry = typeof parameter === 'object' && parameter !== null && !Array.isArray(parameter) ? (parameter as Record<string, unknown>) : {};
    const { name, valueDate, ...rest } = entry;
    const others = Object.keys(rest).filter((key) => key !== 'id' && key !== 'extension');
    if (typeof name !== 'string' || typeof valueDate !== 'string' || others.length > 0) {
      issues.push({
        code: 'structure',
        diagnostics: `${where} must be a name with a valueDate${others.length > 0 ? `, not ${others.join(', ')}` : ''}`,
        expression: [typeof name === 'string' ? `${where}.value` : `${where}.name`],
      });
      return;
    }
    query.append(name, valueDate);
  });
  if (issues.length > 0) throw new FhirError(400, issues);
  return query;
}
