/**
 * The conformance resources this API publishes — StructureDefinitions (with their generated
 * snapshots), CodeSystems and ValueSets — and the rules enforced for each profile, built once at
 * module load.
 */
import type { CodeSystem, StructureDefinition, ValueSet } from 'fhir/r4.js';
import { EXTENSION_DEFINITIONS, PROFILE_SOURCES, type ProfileSource } from './definitions/index.js';
import { SNAPSHOTS } from './generated/snapshots.js';
import { rulesOf, type RuleSupport } from './rules.js';
import { CODE_SYSTEM_RESOURCES, VALUE_SET_RESOURCES, valueSetCodes } from './terminology.js';
import type { ProfileRule } from './types.js';

/** A StructureDefinition as served: the differential with its generated snapshot. */
function withSnapshot(definition: StructureDefinition): StructureDefinition {
  const snapshot = SNAPSHOTS[definition.id ?? ''];
  if (snapshot === undefined) throw new Error(`No generated snapshot for ${definition.id}: run scripts/generate-profile-snapshots.ts`);
  const { differential, ...rest } = definition;
  return { ...rest, snapshot: { element: [...snapshot] }, ...(differential ? { differential } : {}) };
}

/** An enforced profile: its StructureDefinition and rules. */
export interface EnforcedProfile {
  readonly id: string;
  readonly url: string;
  /** The resource type it constrains. */
  readonly type: string;
  readonly rules: readonly ProfileRule[];
}

const noInvariants: ProfileSource['invariants'] = {};

const extensionRules = new Map<string, { id: string; rules: readonly ProfileRule[] }>();
const support: RuleSupport = { invariants: noInvariants, extension: (url) => extensionRules.get(url), valueSet: valueSetCodes };
for (const definition of EXTENSION_DEFINITIONS) {
  extensionRules.set(definition.url, { id: definition.id ?? definition.url, rules: rulesOf(definition, support) });
}

/** The profiles of the stored resource types, each with its rules. */
export const ENFORCED_PROFILES: readonly EnforcedProfile[] = PROFILE_SOURCES.map(({ definition, invariants }) => ({
  id: definition.id ?? '',
  url: definition.url,
  type: definition.type,
  rules: rulesOf(definition, { ...support, invariants }),
}));

/** The rules of each extension, by URL (an extension slice of a profile checks its instances with them). */
export const EXTENSION_RULES: ReadonlyMap<string, { readonly id: string; readonly rules: readonly ProfileRule[] }> = extensionRules;

/** Every published StructureDefinition: the four profiles, then the extensions. */
export const STRUCTURE_DEFINITIONS: readonly StructureDefinition[] = [...PROFILE_SOURCES.map((source) => source.definition), ...EXTENSION_DEFINITIONS].map(withSnapshot);

/** The conformance resource types served read-only, with their resources. */
export const CONFORMANCE_RESOURCES: {
  readonly StructureDefinition: readonly StructureDefinition[];
  readonly CodeSystem: readonly CodeSystem[];
  readonly ValueSet: readonly ValueSet[];
} = {
  StructureDefinition: STRUCTURE_DEFINITIONS,
  CodeSystem: CODE_SYSTEM_RESOURCES,
  ValueSet: VALUE_SET_RESOURCES,
};

/** A conformance resource type this API serves. */
export type ConformanceType = keyof typeof CONFORMANCE_RESOURCES;

/** The profile URLs that apply to `resourceType` (for CapabilityStatement.rest.resource.supportedProfile). */
export function supportedProfiles(resourceType: string): string[] {
  return ENFORCED_PROFILES.filter((profile) => profile.type === resourceType).map((profile) => profile.url);
}
