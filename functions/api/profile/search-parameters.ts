/**
 * The search parameters this API defines beyond R4 (issue 9): their definitions as the search
 * registry uses them, and the SearchParameter resources published at
 * `[base]/SearchParameter/{id}`.
 *
 * - `next-review` (date) is a property of the CarePlan itself: its index values are extracted
 *   and stored like any other date parameter's.
 * - `participant` and `coordinator` (reference) are about the plan's CareTeam: they are resolved
 *   at query time through `CarePlan.careTeam` (docs/data-model.md, "Searches through the care team").
 *
 * @see https://hl7.org/fhir/R4/searchparameter.html
 */
import type { SearchParameter } from 'fhir/r4.js';
import type { SupportedResourceType } from '../../../schemas/index.js';
import type { SearchParamDefinition } from '../search/types.js';
import { CODE_SYSTEMS, COORDINATOR_ROLE, EXTENSIONS, SEARCH_PARAMETERS } from './canonical.js';
import { CONFORMANCE_COMMON } from './publication.js';

/** Who may be a member of a CareTeam (R4 `CareTeam.participant.member`). */
const MEMBER_TARGETS = ['Practitioner', 'Organization', 'CareTeam', 'Patient', 'PractitionerRole', 'RelatedPerson'] as const;

const coordinatorWhere =
  `role.coding.where(system='${CODE_SYSTEMS.careTeamRole.url}' and code='${COORDINATOR_ROLE}').exists()` +
  ' and (period.start.empty() or period.start <= now()) and (period.end.empty() or period.end >= now())';

/** The definitions, by type and code, in the shape of the generated R4 registry. */
export const PROFILE_SEARCH_PARAMETERS: Readonly<Partial<Record<SupportedResourceType, Readonly<Record<string, SearchParamDefinition>>>>> = {
  CarePlan: {
    [SEARCH_PARAMETERS.coordinator.code]: {
      code: SEARCH_PARAMETERS.coordinator.code,
      type: 'reference',
      expression: `CarePlan.careTeam.resolve().participant.where(${coordinatorWhere}).member`,
      targets: [...MEMBER_TARGETS],
      throughCareTeam: 'coordinator',
    },
    [SEARCH_PARAMETERS.nextReview.code]: {
      code: SEARCH_PARAMETERS.nextReview.code,
      type: 'date',
      expression: `CarePlan.extension.where(url='${EXTENSIONS.nextReview.url}').value`,
    },
    [SEARCH_PARAMETERS.participant.code]: {
      code: SEARCH_PARAMETERS.participant.code,
      type: 'reference',
      expression: 'CarePlan.careTeam.resolve().participant.member',
      targets: [...MEMBER_TARGETS],
      throughCareTeam: 'member',
    },
  },
};

const DATE_COMPARATORS: NonNullable<SearchParameter['comparator']> = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'];

/** What each parameter says beyond its definition. */
const DESCRIPTIONS: Readonly<Record<keyof typeof SEARCH_PARAMETERS, { readonly name: string; readonly description: string }>> = {
  coordinator: {
    name: 'CarePlanCoordinator',
    description:
      "The plan's named coordinator (vastuutyöntekijä): a member of the plan's care team (CarePlan.careTeam) whose participant role has the code " +
      `'${COORDINATOR_ROLE}' of ${CODE_SYSTEMS.careTeamRole.url} and whose period includes now (Europe/Helsinki dates). A coordinator whose period has ended ` +
      'is no longer found, so a hand-over (ending one period, starting another) moves the plan to the new coordinator at once. ' +
      'Only care teams the caller may read count. Modifiers: :identifier, :[type], :missing.',
  },
  nextReview: {
    name: 'CarePlanNextReview',
    description: `The date of the plan's next review (extension ${EXTENSIONS.nextReview.url}, valueDate). next-review=lt<today> finds the plans whose review is overdue. Every date prefix; :missing.`,
  },
  participant: {
    name: 'CarePlanParticipant',
    description:
      "Any member of the plan's care team (CareTeam.participant.member of a CareTeam the plan references in CarePlan.careTeam), whatever their role or period. " +
      'Only care teams the caller may read count. Modifiers: :identifier, :[type], :missing.',
  },
};

function searchParameterResource(key: keyof typeof SEARCH_PARAMETERS): SearchParameter {
  const canonical = SEARCH_PARAMETERS[key];
  const definition = PROFILE_SEARCH_PARAMETERS[canonical.base]![canonical.code]!;
  const isDate = definition.type === 'date';
  return {
    resourceType: 'SearchParameter',
    id: canonical.id,
    url: canonical.url,
    ...CONFORMANCE_COMMON,
    name: DESCRIPTIONS[key].name,
    description: DESCRIPTIONS[key].description,
    code: canonical.code,
    base: [canonical.base],
    type: definition.type,
    expression: definition.expression,
    xpathUsage: 'normal',
    ...(definition.targets ? { target: [...definition.targets] as NonNullable<SearchParameter['target']> } : {}),
    ...(isDate ? { comparator: DATE_COMPARATORS } : {}),
    modifier: isDate ? ['missing'] : ['missing', 'identifier', 'type'],
  };
}

/** Every SearchParameter this API defines, in id order. */
export const PROFILE_SEARCH_PARAMETER_RESOURCES: readonly SearchParameter[] = (Object.keys(SEARCH_PARAMETERS) as (keyof typeof SEARCH_PARAMETERS)[])
  .map(searchParameterResource)
  .sort((a, b) => (a.id! < b.id! ? -1 : 1));

/** The canonical URL of the SearchParameter defining `code` on `resourceType`, if this API defines one. */
export function profileSearchParameterUrl(resourceType: string, code: string): string | undefined {
  return Object.values(SEARCH_PARAMETERS).find((param) => param.base === resourceType && param.code === code)?.url;
}
