/**
 * `CarePlan/$indicators`: the reporting period, the indicators (pure), the MeasureReport and the
 * OperationDefinition.
 *
 * @see docs/indicators.md
 */
export { computeIndicators, median, type IndicatorInputs, type IndicatorResults } from './compute.js';
export { INDICATORS_MEASURE_URL, INDICATORS_OPERATION, INDICATORS_OPERATION_DEFINITION, INDICATOR_GROUPS, indicatorReport } from './definition.js';
export { parseReportingPeriod, periodQueryOf, type ReportingPeriod } from './period.js';
