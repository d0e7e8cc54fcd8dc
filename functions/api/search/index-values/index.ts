/**
 * Search index values: extraction of the normalized values of a resource's search parameters,
 * and matching/sorting over them.
 *
 * @see https://hl7.org/fhir/R4/search.html
 */
export { dateRange } from './date.js';
export type { ClosedRange } from './date.js';
export { extractIndex, extractValues } from './extract.js';
export { compareForSort, matchesCriterion } from './match.js';
export type { MatchOptions } from './match.js';
export { matchesDate } from './date-match.js';
export { HETU_SYSTEM, parseLiteral, satisfiesRestriction } from './reference.js';
export { foldText } from './text.js';
