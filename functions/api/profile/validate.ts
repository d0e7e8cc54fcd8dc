/**
 * Profile enforcement on every write, after the base R4 validation: the profiles a resource
 * names in `meta.profile` (an unknown one is an error), and — when the county requires profiles
 * — the profile of its type whether named or not. Each failed rule is one issue naming the
 * profile, the differential element and the rule, with the FHIRPath of every place it failed.
 *
 * @see https://hl7.org/fhir/R4/resource-definitions.html#Meta.profile
 * @see https://hl7.org/fhir/R4/validation.html#profile
 */
import type { FhirResource } from 'fhir/r4.js';
import type { Issue } from '../../shared/operation-outcome.js';
import { ENFORCED_PROFILES, type EnforcedProfile } from './catalogue.js';
import { PROFILE_VERSION } from './publication.js';

/** How a write is checked against the profiles. */
export interface ProfileOptions {
  /** Every write must conform to the profile of its type, named in `meta.profile` or not (`REQUIRE_PROFILES`). @default false */
  readonly requireProfiles?: boolean;
  /** The instant of the write. @default now */
  readonly now?: Date;
}

const CORE = 'http://hl7.org/fhir/StructureDefinition/';

/** The profiles `meta.profile` names, and an issue for each it names that this server cannot check the resource against. */
function namedProfiles(resource: FhirResource): { profiles: EnforcedProfile[]; issues: Issue[] } {
  const type = resource.resourceType;
  const profiles: EnforcedProfile[] = [];
  const issues: Issue[] = [];
  (resource.meta?.profile ?? []).forEach((canonical, index) => {
    const expression = [`${type}.meta.profile[${index}]`];
    const bar = canonical.indexOf('|');
    const url = bar < 0 ? canonical : canonical.slice(0, bar);
    const version = bar < 0 ? undefined : canonical.slice(bar + 1);
    // The core definition of the type itself: the base validation has checked it.
    if (url === `${CORE}${type}`) return;
    const profile = ENFORCED_PROFILES.find((candidate) => candidate.url === url);
    if (profile === undefined || (version !== undefined && version !== PROFILE_VERSION)) {
      const known = ENFORCED_PROFILES.filter((candidate) => candidate.type === type).map((candidate) => candidate.url);
      issues.push({ code: 'value', diagnostics: `Unknown profile '${canonical}' in meta.profile; this server checks ${type} against ${[...known, `${CORE}${type}`].join(' and ')}`, expression });
    } else if (profile.type !== type) {
      issues.push({ code: 'value', diagnostics: `Profile '${canonical}' in meta.profile constrains ${profile.type}, not ${type}`, expression });
    } else if (!profiles.includes(profile)) {
      profiles.push(profile);
    }
  });
  return { profiles, issues };
}

/**
 * What keeps `resource` (already valid R4) from conforming to the profiles that apply to it:
 * empty when it conforms.
 */
export function profileIssues(resource: FhirResource, options: ProfileOptions = {}): Issue[] {
  const { profiles, issues } = namedProfiles(resource);
  if (options.requireProfiles) {
    for (const profile of ENFORCED_PROFILES) if (profile.type === resource.resourceType && !profiles.includes(profile)) profiles.push(profile);
  }
  const context = { now: options.now ?? new Date() };
  const root = { value: resource, at: resource.resourceType };
  for (const profile of profiles) {
    for (const rule of profile.rules) {
      const violations = rule.check(root, context);
      if (violations.length === 0) continue;
      issues.push({
        code: rule.code,
        diagnostics: `Profile ${profile.id}, rule ${rule.element} ${rule.statement} — ${violations.map((violation) => `${violation.expression}: ${violation.detail}`).join('; ')}`,
        expression: [...new Set(violations.map((violation) => violation.expression))],
      });
    }
  }
  return issues;
}
