/**
 * FHIR R4 invariants that can be checked without resolving references, and this API's rules for
 * Finnish identifiers (fi-hetu, fi-sote-oid on every `Identifier`).
 *
 * Element invariants ({@link ElementInvariant}) are attached by the generator to the schema of
 * the element they constrain, so they also run inside contained resources and report paths
 * relative to that element. Document invariants ({@link documentInvariants}) need the whole
 * resource (its `contained` list) and run once on the root.
 *
 * Inputs may be partly invalid (every issue is reported at once), so each check reads defensively.
 *
 * @see https://hl7.org/fhir/R4/conformance-rules.html#constraints
 */
import { checkHenkilotunnus } from './henkilotunnus.js';
import { checkNarrativeXhtml } from './xhtml.js';

/** A failed invariant, located relative to the element it was checked on. */
export interface InvariantViolation {
  /** The invariant key from the specification, e.g. `cpl-3`. */
  readonly key: string;
  readonly message: string;
  readonly path: readonly (string | number)[];
}

/** Checks one element (an object already known to be a JSON object). */
export type ElementInvariant = (element: Readonly<Record<string, unknown>>) => readonly InvariantViolation[];

const CONSENT_SCOPE = 'http://terminology.hl7.org/CodeSystem/consentscope';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const exists = (element: Readonly<Record<string, unknown>>, name: string): boolean =>
  element[name] !== undefined || element[`_${name}`] !== undefined;

const records = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter(isRecord) : []);

const violation = (key: string, message: string, path: readonly (string | number)[] = []): InvariantViolation[] => [
  { key, message, path },
];

/** cpl-3 on `CarePlan.activity`: `detail.empty() or reference.empty()`. @see https://hl7.org/fhir/R4/careplan.html#invs */
export const cpl3: ElementInvariant = (activity) =>
  exists(activity, 'detail') && exists(activity, 'reference') ? violation('cpl-3', 'Provide a reference or detail, not both') : [];

/** ppc-1 on `Consent`: `policy.exists() or policyRule.exists()`. @see https://hl7.org/fhir/R4/consent.html#invs */
export const ppc1: ElementInvariant = (consent) =>
  exists(consent, 'policy') || exists(consent, 'policyRule') ? [] : violation('ppc-1', 'Either a policy or a policyRule is required');

/**
 * ppc-2 on `Consent`, as intended rather than as published (the R4 expression tests
 * `system='something'` and never fires): scope `consentscope#patient-privacy` requires `patient`.
 * @see https://hl7.org/fhir/R4/consent.html#invs
 */
export const ppc2: ElementInvariant = (consent) => {
  const scope = isRecord(consent['scope']) ? consent['scope'] : {};
  const privacy = records(scope['coding']).some((c) => c['system'] === CONSENT_SCOPE && c['code'] === 'patient-privacy');
  return privacy && !exists(consent, 'patient')
    ? violation('ppc-2', `A Consent with scope ${CONSENT_SCOPE}#patient-privacy must name the patient`, ['patient'])
    : [];
};

/** gol-1 on `Goal.target`: `(detail.exists() and measure.exists()) or detail.exists().not()`. @see https://hl7.org/fhir/R4/goal.html#invs */
export const gol1: ElementInvariant = (target) => {
  const detail = Object.keys(target).some((key) => /^_?detail[A-Z]/.test(key));
  return detail && !exists(target, 'measure') ? violation('gol-1', 'Goal.target.measure is required if Goal.target.detail is populated') : [];
};

/** ext-1 on `Extension`: `extension.exists() != value.exists()`. @see https://hl7.org/fhir/R4/extensibility.html#Extension */
export const ext1: ElementInvariant = (extension) => {
  const value = Object.keys(extension).some((key) => /^_?value[A-Z]/.test(key));
  return exists(extension, 'extension') === value ? violation('ext-1', 'Must have either extensions or value[x], not both') : [];
};

/**
 * txt-1 and txt-2 on `Narrative.div`: well-formed XHTML in one root div with only the elements,
 * attributes and URLs narrative allows, and some content (see `./xhtml.ts`).
 * @see https://hl7.org/fhir/R4/narrative-definitions.html#Narrative.div
 */
export const narrativeDiv: ElementInvariant = (narrative) => {
  const div = narrative['div'];
  return typeof div === 'string' ? checkNarrativeXhtml(div).map(({ key, message }) => ({ key, message, path: ['div'] })) : [];
};

/** Identifier system of the Finnish personal identity code (HL7 Finland Base Profiles, Patient `identifier[PIC]`). */
export const HENKILOTUNNUS_SYSTEM = 'urn:oid:1.2.246.21';

/** Identifier system of the SOTE organisation register (SOTE-organisaatiorekisteri); values are OIDs. */
export const SOTE_ORGANIZATION_SYSTEM = 'urn:oid:1.2.246.537.6.202.2008';

/** A bare OID in dotted form, as the R4 `oid` type has it without `urn:oid:`. */
const OID = /^[0-2](\.(0|[1-9]\d*))+$/;

/** The value quoted for a message, unless it is too long to be worth repeating back. */
const quoted = (value: string, max: number): string => (value.length <= max ? `'${value}'` : 'The value');

/**
 * fi-hetu on `Identifier`: a value in the henkilötunnus system is a valid henkilötunnus (format,
 * century sign, birth date, individual number and check character; see `./henkilotunnus.ts`).
 * @see https://hl7.fi/fhir/finnish-base-profiles
 */
export const henkilotunnus: ElementInvariant = (identifier) => {
  const value = identifier['value'];
  if (identifier['system'] !== HENKILOTUNNUS_SYSTEM || typeof value !== 'string') return [];
  const problem = checkHenkilotunnus(value);
  return problem ? violation('fi-hetu', `${quoted(value, 20)} is not a valid henkilötunnus: ${problem}`, ['value']) : [];
};

/**
 * fi-sote-oid on `Identifier`: a value in the SOTE organisation register system is an OID
 * (`1.2.246.10.<business id>.10.<unit>`), without the `urn:oid:` prefix.
 * @see https://hl7.org/fhir/R4/datatypes.html#oid
 */
export const soteOrganizationOid: ElementInvariant = (identifier) => {
  const value = identifier['value'];
  if (identifier['system'] !== SOTE_ORGANIZATION_SYSTEM || typeof value !== 'string' || OID.test(value)) return [];
  return violation('fi-sote-oid', `${quoted(value, 64)} is not an OID: a SOTE organisation identifier is a dotted OID such as 1.2.246.10.12345678.10.1`, ['value']);
};

/** Splits a FHIR date/dateTime into what can be compared: date-only strings by text, full times as instants. */
function comparable(value: unknown): { kind: 'date'; text: string } | { kind: 'time'; ms: number } | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.includes('T')) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : { kind: 'time', ms };
  }
  return { kind: 'date', text: value };
}

/**
 * per-1 on `Period`: start SHALL NOT be after end. Compared only when both have the same
 * precision (both date-only of equal length, or both with a time and zone).
 * @see https://hl7.org/fhir/R4/datatypes.html#Period
 */
export const per1: ElementInvariant = (period) => {
  const start = comparable(period['start']);
  const end = comparable(period['end']);
  if (!start || !end) return [];
  const after =
    start.kind === 'time' && end.kind === 'time'
      ? start.ms > end.ms
      : start.kind === 'date' && end.kind === 'date' && start.text.length === end.text.length && start.text > end.text;
  return after ? violation('per-1', `Period start ${String(period['start'])} is after its end ${String(period['end'])}`) : [];
};

/** The resource type a literal reference points to (`Practitioner/1`, `https://x/fhir/Practitioner/1/_history/2`). */
function literalType(reference: unknown): string | undefined {
  if (typeof reference !== 'string') return undefined;
  return /(?:^|\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(reference)?.[1];
}

/** The type of a participant's member, when the reference, a contained target or `type` tells it. */
function memberType(member: unknown, contained: readonly Record<string, unknown>[]): string | undefined {
  if (!isRecord(member)) return undefined;
  const reference = member['reference'];
  if (typeof reference === 'string' && reference.startsWith('#')) {
    const target = contained.find((resource) => resource['id'] === reference.slice(1))?.['resourceType'];
    if (typeof target === 'string') return target;
  }
  const type = literalType(reference) ?? member['type'];
  return typeof type === 'string' ? type.replace(/^http:\/\/hl7\.org\/fhir\/StructureDefinition\//, '') : undefined;
}

/**
 * ctm-1 on `CareTeam`: `participant.onBehalfOf` only when the member is a Practitioner. Decided
 * from the member's literal reference, a contained target or `member.type`; passes when unknown.
 * @see https://hl7.org/fhir/R4/careteam.html#invs
 */
export const ctm1: ElementInvariant = (careTeam) => {
  const contained = records(careTeam['contained']);
  const participants = Array.isArray(careTeam['participant']) ? careTeam['participant'] : [];
  return participants.flatMap((participant: unknown, index) => {
    if (!isRecord(participant) || !exists(participant, 'onBehalfOf')) return [];
    const type = memberType(participant['member'], contained);
    return type !== undefined && type !== 'Practitioner'
      ? violation('ctm-1', `onBehalfOf can only be given when the member is a Practitioner (member is a ${type})`, ['participant', index, 'onBehalfOf'])
      : [];
  });
};

/** Every string in `value` with its path, iteratively (inputs are already depth-limited). */
function strings(value: unknown, base: readonly (string | number)[]): { text: string; path: (string | number)[] }[] {
  const found: { text: string; path: (string | number)[] }[] = [];
  const stack: [unknown, (string | number)[]][] = [[value, [...base]]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, path] = item;
    if (typeof node === 'string') found.push({ text: node, path });
    else if (Array.isArray(node)) node.forEach((child, i) => stack.push([child, [...path, i]]));
    else if (isRecord(node)) for (const key of Object.keys(node)) stack.push([node[key], [...path, key]]);
  }
  return found;
}

/**
 * Invariants over the whole resource: ref-1 (local `#id` references resolve to a contained
 * resource), dom-2 (no nested contained), dom-3 (each contained resource is referenced, or refers
 * to its container), dom-4/dom-5 (contained resources carry no versionId, lastUpdated or security).
 * @see https://hl7.org/fhir/R4/references.html#contained
 * @see https://hl7.org/fhir/R4/domainresource.html#invs
 */
export function documentInvariants(resource: Readonly<Record<string, unknown>>): InvariantViolation[] {
  const contained = Array.isArray(resource['contained']) ? resource['contained'] : [];
  const ids = new Set(contained.filter(isRecord).map((c) => c['id']));
  const out: InvariantViolation[] = [];
  const all = strings(resource, []);
  for (const { text, path } of all) {
    if (path.at(-1) === 'reference' && text.startsWith('#') && text !== '#' && !ids.has(text.slice(1))) {
      out.push(...violation('ref-1', `Local reference '${text}' does not match a contained resource`, path));
    }
  }
  contained.forEach((entry: unknown, index) => {
    if (!isRecord(entry)) return;
    const at = ['contained', index];
    if (entry['contained'] !== undefined) out.push(...violation('dom-2', 'A contained resource SHALL NOT contain nested resources', [...at, 'contained']));
    const meta = isRecord(entry['meta']) ? entry['meta'] : {};
    if (meta['versionId'] !== undefined || meta['lastUpdated'] !== undefined) {
      out.push(...violation('dom-4', 'A contained resource SHALL NOT have a meta.versionId or meta.lastUpdated', [...at, 'meta']));
    }
    if (meta['security'] !== undefined) out.push(...violation('dom-5', 'A contained resource SHALL NOT have a security label', [...at, 'meta', 'security']));
    const inside = (path: readonly (string | number)[]): boolean => path[0] === 'contained' && path[1] === index;
    const referenced = all.some(({ text, path }) => (text === `#${String(entry['id'])}` && !inside(path)) || (text === '#' && inside(path)));
    if (typeof entry['id'] === 'string' && !referenced) {
      out.push(...violation('dom-3', `Contained resource '${entry['id']}' is not referenced from elsewhere in the resource`, at));
    }
  });
  return out;
}
