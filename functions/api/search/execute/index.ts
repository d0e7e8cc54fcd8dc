export { executeSearch, type AccessPredicate, type SearchOptions, type SearchPage, type SearchPosition } from './execute.js';
export { ExaminedBudget, MAX_CANDIDATES, tooCostly } from './budget.js';
export { resolveIncludes } from './include.js';
export { CareTeamLookup, isActiveCoordinator, membersOf } from './care-teams.js';
export { planSearch, type SourcePlan } from './plan.js';
export { subset } from './subset.js';
export { MAX_NAMING_CONSENTS, type SearchCaller } from './visible-set.js';
