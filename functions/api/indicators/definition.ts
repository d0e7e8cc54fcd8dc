/**
 * `CarePlan/$indicators`: its canonical names, its OperationDefinition (served at
 * `[base]/OperationDefinition/CarePlan-indicators`) and the MeasureReport it answers with.
 *
 * @see docs/indicators.md
 * @see https://hl7.org/fhir/R4/measurereport.html
 */
import type { MeasureReport, MeasureReportGroup, OperationDefinition, Quantity } from 'fhir/r4.js';
import { SOTE_ORGANIZATION_SYSTEM } from '../access/organizations.js';
import { CANONICAL_BASE } from '../profile/canonical.js';
import { CONFORMANCE_COMMON } from '../profile/publication.js';
import type { IndicatorResults, Median, Share } from './compute.js';
import type { ReportingPeriod } from './period.js';

/** The operation: its OperationDefinition id and URL, and its code. */
export const INDICATORS_OPERATION = {
  id: 'CarePlan-indicators',
  url: `${CANONICAL_BASE}/OperationDefinition/CarePlan-indicators`,
  code: 'indicators',
} as const;

/** The Measure the reports are of (`MeasureReport.measure`); its groups are the indicators below. */
export const INDICATORS_MEASURE_URL = `${CANONICAL_BASE}/Measure/shared-plan-indicators`;

/** The indicators, in report order: `MeasureReport.group.id` and what the group means. */
export const INDICATOR_GROUPS = {
  activePlans: { id: 'active-shared-plans', text: 'Active shared plans whose period overlaps the reporting period' },
  namedCoordinator: { id: 'named-coordinator', text: 'Share of active shared plans with a named coordinator (an active coordinator on the care team)' },
  consentToPlanDays: { id: 'consent-to-plan-days', text: "Median days from the client's sharing consent to the plan, over the plans created in the period" },
  overdueReview: { id: 'overdue-review', text: 'Share of active shared plans whose next review is overdue (before today)' },
  organisationsPerCareTeam: { id: 'organisations-per-care-team', text: 'Median number of distinct organisations per care team of the active shared plans' },
} as const;

const POPULATION = 'http://terminology.hl7.org/CodeSystem/measure-population';
const UCUM = 'http://unitsofmeasure.org';

const population = (code: 'initial-population' | 'numerator' | 'denominator', count: number): NonNullable<MeasureReportGroup['population']>[number] => ({
  code: { coding: [{ system: POPULATION, code }] },
  count,
});

const quantity = (value: number, unit: string, code: string): Quantity => ({ value, unit, system: UCUM, code });

function group(key: keyof typeof INDICATOR_GROUPS, rest: Omit<MeasureReportGroup, 'id' | 'code'>): MeasureReportGroup {
  const { id, text } = INDICATOR_GROUPS[key];
  return { id, code: { text }, ...rest };
}

/** A share as numerator and denominator, scored as a proportion (0–1, four decimals; none of nothing). */
function shareGroup(key: keyof typeof INDICATOR_GROUPS, share: Share): MeasureReportGroup {
  const score = share.denominator === 0 ? undefined : Math.round((share.numerator / share.denominator) * 10_000) / 10_000;
  return group(key, {
    population: [population('denominator', share.denominator), population('numerator', share.numerator)],
    ...(score !== undefined ? { measureScore: quantity(score, 'proportion', '1') } : {}),
  });
}

function medianGroup(key: keyof typeof INDICATOR_GROUPS, median: Median, unit: string, code: string): MeasureReportGroup {
  return group(key, {
    population: [population('initial-population', median.count)],
    ...(median.median !== undefined ? { measureScore: quantity(median.median, unit, code) } : {}),
  });
}

/** The summary MeasureReport of the indicators, as `organization` sees them. */
export function indicatorReport(results: IndicatorResults, period: ReportingPeriod, organization: string, now: Date): MeasureReport {
  return {
    resourceType: 'MeasureReport',
    status: 'complete',
    type: 'summary',
    measure: INDICATORS_MEASURE_URL,
    date: now.toISOString(),
    reporter: { type: 'Organization', identifier: { system: SOTE_ORGANIZATION_SYSTEM, value: organization } },
    period: { start: period.start, end: period.end },
    group: [
      group('activePlans', { population: [population('initial-population', results.activePlans)], measureScore: quantity(results.activePlans, 'plans', '1') }),
      shareGroup('namedCoordinator', results.namedCoordinator),
      medianGroup('consentToPlanDays', results.consentToPlanDays, 'days', 'd'),
      shareGroup('overdueReview', results.overdueReview),
      medianGroup('organisationsPerCareTeam', results.organisationsPerCareTeam, 'organisations', '1'),
    ],
  };
}

/** The OperationDefinition of `CarePlan/$indicators`. */
export const INDICATORS_OPERATION_DEFINITION: OperationDefinition = {
  resourceType: 'OperationDefinition',
  id: INDICATORS_OPERATION.id,
  url: INDICATORS_OPERATION.url,
  ...CONFORMANCE_COMMON,
  name: 'CarePlanIndicators',
  title: 'Indicators of the shared plans',
  kind: 'operation',
  description:
    'The indicators the shared-plan projects track, over the plans, care teams and consents the caller may see: active shared plans, the share with a named ' +
    'coordinator, the median days from consent to plan, the share with an overdue review, and the median number of organisations per care team. ' +
    'Answers a summary MeasureReport, one group per indicator. Needs system/CarePlan.rs, system/CareTeam.r and system/Consent.r. See docs/indicators.md.',
  affectsState: false,
  code: INDICATORS_OPERATION.code,
  resource: ['CarePlan'],
  system: false,
  type: true,
  instance: false,
  parameter: [
    { name: 'period', use: 'in', min: 0, max: '1', type: 'string', documentation: 'The reporting period as one FHIR date — that whole year, month or day (`2026`, `2026-03`) — or two joined by `/` (`2026-01/2026-06`), inclusive, Europe/Helsinki. Either this or periodStart and periodEnd.' },
    { name: 'periodStart', use: 'in', min: 0, max: '1', type: 'date', documentation: 'First day of the reporting period (inclusive, Europe/Helsinki), as in $evaluate-measure; required with periodEnd when period is not given.' },
    { name: 'periodEnd', use: 'in', min: 0, max: '1', type: 'date', documentation: 'Last day of the reporting period (inclusive, Europe/Helsinki), as in $evaluate-measure; required with periodStart when period is not given.' },
    { name: 'return', use: 'out', min: 1, max: '1', type: 'MeasureReport', documentation: 'A summary MeasureReport, one group per indicator.' },
  ],
};
