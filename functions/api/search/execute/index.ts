export { executeSearch, MAX_CANDIDATES, type AccessPredicate, type SearchPage, type SearchPosition } from './execute.js';
export { resolveIncludes } from './include.js';
export { planSearch, type SourcePlan } from './plan.js';
export { subset } from './subset.js';
