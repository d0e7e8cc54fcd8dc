/**
 * Builders of the differential StructureDefinitions: the publication fields every profile and
 * extension shares, element ids and paths, extension slices, and a client identified by
 * henkilötunnus.
 *
 * @see https://hl7.org/fhir/R4/structuredefinition.html
 */
import type { ElementDefinition, ElementDefinitionType, StructureDefinition, StructureDefinitionContext } from 'fhir/r4.js';
import { HETU_SYSTEM } from '../canonical.js';
import { CONFORMANCE_COMMON } from '../publication.js';
import type { InvariantCheck } from '../types.js';

/** A differential StructureDefinition and the hand-written checks of its invariants. */
export interface ProfileSource {
  /** The StructureDefinition without its snapshot (generated: `scripts/generate-profile-snapshots.ts`). */
  readonly definition: StructureDefinition;
  /** Checks of the invariants the differential declares, by key. */
  readonly invariants: Readonly<Record<string, InvariantCheck>>;
}

/** What a StructureDefinition says about itself. */
export interface Description {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly purpose?: string;
}

const CORE = 'http://hl7.org/fhir/StructureDefinition/';

/** The StructureDefinition URL of a core type (`Patient` → `http://hl7.org/fhir/StructureDefinition/Patient`). */
export const core = (type: string): string => `${CORE}${type}`;

/** A differential element: its path is its id without slice names. */
export function element(id: string, constraints: Omit<ElementDefinition, 'id' | 'path'> = {}): ElementDefinition {
  const path = id
    .split('.')
    .map((segment) => segment.split(':')[0])
    .join('.');
  return { id, path, ...constraints };
}

/** A Reference type to the given core resource types. */
export const referenceTo = (...types: string[]): ElementDefinitionType[] => [{ code: 'Reference', targetProfile: types.map(core) }];

/** Open slicing of `<root>.extension` by URL, so that the named extension slices can follow. */
export const extensionSlicing = (root: string): ElementDefinition =>
  element(`${root}.extension`, { slicing: { discriminator: [{ type: 'value', path: 'url' }], ordered: false, rules: 'open' } });

/** The slice of `<root>.extension` holding `extension` (its definition is the extension's description). */
export function extensionSlice(root: string, sliceName: string, extension: StructureDefinition, cardinality: { min: number; max: string }, short: string): ElementDefinition {
  return element(`${root}.extension:${sliceName}`, {
    sliceName,
    short,
    ...(extension.description !== undefined ? { definition: extension.description } : {}),
    ...cardinality,
    type: [{ code: 'Extension', profile: [extension.url] }],
  });
}

/**
 * `<path>` names the client by henkilötunnus: `identifier` with system `urn:oid:1.2.246.21` and a
 * value (checked for format and check character by the base validation). `toPatient` also
 * restricts a literal reference to Patient.
 */
export function henkilotunnusReference(path: string, short: string, options: { min?: number; toPatient?: boolean } = {}): ElementDefinition[] {
  return [
    element(path, { short, ...(options.min !== undefined ? { min: options.min } : {}), ...(options.toPatient ? { type: referenceTo('Patient') } : {}), mustSupport: true }),
    element(`${path}.identifier`, { short: 'The henkilötunnus of the client', min: 1 }),
    element(`${path}.identifier.system`, { short: 'Henkilötunnus (HL7 Finland PIC)', min: 1, fixedUri: HETU_SYSTEM }),
    element(`${path}.identifier.value`, { short: 'The henkilötunnus, DDMMYYCZZZQ', min: 1 }),
  ];
}

/** A profile of a core resource: `derivation` constraint on its base definition. */
export function resourceProfile(profile: { readonly id: string; readonly url: string; readonly type: string }, text: Description, elements: ElementDefinition[]): StructureDefinition {
  return {
    resourceType: 'StructureDefinition',
    id: profile.id,
    url: profile.url,
    ...CONFORMANCE_COMMON,
    ...text,
    fhirVersion: '4.0.1',
    kind: 'resource',
    abstract: false,
    type: profile.type,
    baseDefinition: core(profile.type),
    derivation: 'constraint',
    differential: { element: elements },
  };
}

/** The value of a simple extension: its type and, for a coded value, its required value set. */
export interface ExtensionValue {
  readonly type: ElementDefinitionType[];
  readonly valueSet?: string;
}

/** A simple extension (one `value[x]`, no nested extensions) usable on `context`. */
export function extensionDefinition(
  extension: { readonly id: string; readonly url: string },
  text: Description,
  context: StructureDefinitionContext[],
  value: ExtensionValue,
): StructureDefinition {
  return {
    resourceType: 'StructureDefinition',
    id: extension.id,
    url: extension.url,
    ...CONFORMANCE_COMMON,
    ...text,
    fhirVersion: '4.0.1',
    kind: 'complex-type',
    abstract: false,
    context,
    type: 'Extension',
    baseDefinition: core('Extension'),
    derivation: 'constraint',
    differential: {
      element: [
        element('Extension', { short: text.title, definition: text.description }),
        element('Extension.extension', { max: '0' }),
        element('Extension.url', { fixedUri: extension.url }),
        element('Extension.value[x]', {
          min: 1,
          type: value.type,
          ...(value.valueSet !== undefined ? { binding: { strength: 'required', valueSet: value.valueSet } } : {}),
        }),
      ],
    },
  };
}
