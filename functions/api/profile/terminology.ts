/**
 * The CodeSystems of the shared-plan profile and one ValueSet per CodeSystem holding all its
 * codes. Displays are Finnish (the CodeSystems' language); each concept also carries Finnish,
 * Swedish and English designations.
 *
 * @see https://hl7.org/fhir/R4/codesystem.html
 * @see https://hl7.org/fhir/R4/valueset.html
 */
import type { CodeSystem, CodeSystemConcept, CodeSystemConceptDesignation, ValueSet } from 'fhir/r4.js';
import { CARE_TEAM_ROLES, type Term } from './care-team-roles.js';
import { CODE_SYSTEMS, VALUE_SETS } from './canonical.js';
import { CONFORMANCE_COMMON } from './publication.js';

const DISPLAY_USE = { system: 'http://terminology.hl7.org/CodeSystem/designation-usage', code: 'display' };
const SYNONYM_USE = { system: 'http://snomed.info/sct', code: '900000000000013009', display: 'Synonym' };
const LANGUAGES = ['fi', 'sv', 'en'] as const;

function concept(term: Term): CodeSystemConcept {
  const designation: CodeSystemConceptDesignation[] = LANGUAGES.map((language) => ({ language, use: DISPLAY_USE, value: term[language] }));
  for (const language of LANGUAGES) {
    const synonym = term.synonyms?.[language];
    if (synonym !== undefined) designation.push({ language, use: SYNONYM_USE, value: synonym });
  }
  return { code: term.code, display: term.fi, definition: term.definition, designation };
}

interface CodeSystemInput {
  readonly key: keyof typeof CODE_SYSTEMS;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly concepts: readonly Term[];
}

function codeSystem(input: CodeSystemInput): CodeSystem {
  const { id, url } = CODE_SYSTEMS[input.key];
  return {
    resourceType: 'CodeSystem',
    id,
    language: 'fi',
    url,
    ...CONFORMANCE_COMMON,
    name: input.name,
    title: input.title,
    description: input.description,
    caseSensitive: true,
    valueSet: VALUE_SETS[input.key].url,
    content: 'complete',
    count: input.concepts.length,
    concept: input.concepts.map(concept),
  };
}

function valueSet(system: CodeSystem, key: keyof typeof VALUE_SETS): ValueSet {
  const { id, url } = VALUE_SETS[key];
  return {
    resourceType: 'ValueSet',
    id,
    url,
    ...CONFORMANCE_COMMON,
    name: `${system.name ?? id}VS`,
    title: `${system.title ?? id} (all codes)`,
    description: `All codes of the CodeSystem ${system.url ?? ''}.`,
    immutable: false,
    compose: { include: [{ system: system.url ?? '' }] },
  };
}

/** The CodeSystems this API defines. */
export const CODE_SYSTEM_RESOURCES: readonly CodeSystem[] = [
  codeSystem({
    key: 'careTeamRole',
    name: 'CareTeamRole',
    title: 'Roles in the client network',
    description: "Roles of the members of a client's network (Omatiimi, yhteisasiakkuus) in a shared multi-professional client plan: CareTeam.participant.role.",
    concepts: CARE_TEAM_ROLES,
  }),
  codeSystem({
    key: 'consentMethod',
    name: 'ConsentMethod',
    title: 'How the consent was given',
    description: 'How the client gave the consent to data exchange (HOPA form: written or oral), or electronically.',
    concepts: [
      { code: 'written', fi: 'Kirjallinen', sv: 'Skriftligt', en: 'Written', definition: 'The client signed a written consent.' },
      { code: 'oral', fi: 'Suullinen', sv: 'Muntligt', en: 'Oral', definition: 'The client consented orally; the professional recorded it.' },
      { code: 'electronic', fi: 'Sähköinen', sv: 'Elektroniskt', en: 'Electronic', definition: 'The client consented in an electronic service (e.g. strong electronic identification).' },
    ],
  }),
  codeSystem({
    key: 'consentStorage',
    name: 'ConsentStorage',
    title: 'Where the consent document is stored',
    description: 'The medium on which the consent document is kept (HOPA form: electronically or on paper); the place is Consent.source[x].',
    concepts: [
      { code: 'electronic', fi: 'Sähköisesti', sv: 'Elektroniskt', en: 'Electronically', definition: 'Kept in an information system (e.g. the client record system).' },
      { code: 'paper', fi: 'Paperilla', sv: 'På papper', en: 'On paper', definition: 'Kept as a paper document.' },
    ],
  }),
];

const systemOf = (key: keyof typeof CODE_SYSTEMS): CodeSystem => CODE_SYSTEM_RESOURCES.find((system) => system.url === CODE_SYSTEMS[key].url) as CodeSystem;

/** One ValueSet per CodeSystem, with all its codes. */
export const VALUE_SET_RESOURCES: readonly ValueSet[] = (Object.keys(VALUE_SETS) as (keyof typeof VALUE_SETS)[]).map((key) => valueSet(systemOf(key), key));

/** A code of a value set, as `system|code`. */
export const codeKey = (system: string, code: string): string => `${system}|${code}`;

const CODES_BY_VALUE_SET: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  VALUE_SET_RESOURCES.map((set) => [
    set.url ?? '',
    new Set(
      (set.compose?.include ?? []).flatMap((include) => {
        const system = CODE_SYSTEM_RESOURCES.find((candidate) => candidate.url === include.system);
        return (system?.concept ?? []).map((entry) => codeKey(include.system ?? '', entry.code));
      }),
    ),
  ]),
);

/** The codes (`system|code`) of one of this API's value sets, or undefined for any other URL. */
export function valueSetCodes(url: string): ReadonlySet<string> | undefined {
  return CODES_BY_VALUE_SET.get(url);
}
