/**
 * The Finnish shared-plan profile (issue 9): the profiles, extensions, CodeSystems and
 * ValueSets this API publishes, and their enforcement on writes.
 *
 * @see docs/profile.md
 */
export { CONFORMANCE_RESOURCES, ENFORCED_PROFILES, EXTENSION_RULES, STRUCTURE_DEFINITIONS, supportedProfiles, type ConformanceType, type EnforcedProfile } from './catalogue.js';
export { profileIssues, type ProfileOptions } from './validate.js';
export type { ProfileRule, RuleKind, Violation } from './types.js';
