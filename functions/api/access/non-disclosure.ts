/**
 * Non-disclosure for personal safety (turvakielto): a resource whose `meta.security` carries the
 * HL7 Finland label `TURVAKIELTO` shows its contact and address data to its custodian only.
 * Every other organisation — also one a Consent opens the plan to, also in an emergency —
 * receives a copy without that data, marked with the security label `REDACTED`. Pure functions
 * of the stored resource: no clock, no I/O.
 *
 * Contact and address data, wherever in the resource (contained resources and extensions too):
 * - every element of type Address or ContactPoint — `address`, `telecom`, `…Address` and
 *   `…ContactPoint` choice values (`valueAddress`, `locationAddress`), `Endpoint`/`Device.contact`;
 * - where the client can be found: `location` elements, references to a Location, contained
 *   Location resources, and the municipality of residence (fi-base `municipality-code` extension);
 * - an extension left with neither value nor extensions, and an element left empty, go with them;
 * - when anything was removed, the narratives (`text` of the resource and of contained
 *   resources), which may render it.
 * Free text (`description`, `note`, `Reference.display`, …) is not scanned: writers must keep
 * contact data out of it.
 *
 * @see docs/access-policy.md
 * @see https://hl7.org/fhir/R4/security-labels.html
 */
import { asArray, asRecord } from './json.js';

/**
 * The non-disclosure marking, as HL7 Finland's base profiles carry DVV's non-disclosure for
 * personal safety in `meta.security` (its CodeSystem is case-insensitive).
 *
 * @see https://hl7.fi/fhir/finnish-base-profiles/CodeSystem-fi-base-security-label-cs.html
 */
export const NON_DISCLOSURE_LABEL = {
  system: 'https://hl7.fi/fhir/finnish-base-profiles/CodeSystem/fi-base-security-label-cs',
  code: 'TURVAKIELTO',
  display: 'Turvakielto',
} as const;

/** The label a redacted view carries (R4 security labels: information removed). */
export const REDACTED_LABEL = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'REDACTED', display: 'redacted' } as const;

/** Whether a `meta.security` entry is {@link REDACTED_LABEL}. */
export const isRedactedLabel = (label: unknown): boolean => asRecord(label)?.system === REDACTED_LABEL.system && asRecord(label)?.code === REDACTED_LABEL.code;

/** Elements that hold contact or address data in any resource or datatype. */
const CONTACT_ELEMENTS: ReadonlySet<string> = new Set(['address', '_address', 'telecom', 'location']);
/** Choice and other elements typed Address or ContactPoint (`valueAddress`, `locationAddress`, …). */
const TYPED_CONTACT = /^[a-z][A-Za-z]*(Address|ContactPoint)$/;
/** Resource types whose `contact` is a ContactPoint. */
const CONTACT_POINT_CONTACT: ReadonlySet<string> = new Set(['Endpoint', 'Device']);
/** Extensions whose value is address data though not typed so: the municipality of residence. */
const ADDRESS_EXTENSIONS: ReadonlySet<string> = new Set(['https://hl7.fi/fhir/finnish-base-profiles/StructureDefinition/municipality-code']);
const LOCATION_REFERENCE = /(^|\/)Location\/[^/]+(\/_history\/[^/]+)?$/;

const DROP = Symbol('drop');
type Stripped = unknown | typeof DROP;

const isMarking = (label: unknown): boolean => {
  const coding = asRecord(label);
  return coding?.system === NON_DISCLOSURE_LABEL.system && typeof coding.code === 'string' && coding.code.toUpperCase() === NON_DISCLOSURE_LABEL.code;
};

/**
 * Whether `resource` carries the non-disclosure marking in `meta.security` — its own, or that of
 * a resource it contains (a contained Patient carrying the client's marking marks the whole).
 */
export function isNonDisclosed(resource: unknown): boolean {
  const record = asRecord(resource);
  return [record, ...asArray(record?.contained).map(asRecord)].some((item) => asArray(asRecord(item?.meta)?.security).some(isMarking));
}

/** Whether the organisation `recipient` may receive the contact and address data of `resource`, whose custodian is `custodian`. */
export function mayReceiveContactData(resource: unknown, custodian: string | undefined, recipient: string): boolean {
  return (custodian !== undefined && custodian === recipient) || !isNonDisclosed(resource);
}

/**
 * `resource` as the organisation `recipient` may receive it: unchanged (the same object) for its
 * custodian, when it is not marked, or when it holds no contact or address data; otherwise a copy
 * without them, carrying {@link REDACTED_LABEL}. Never mutates `resource`.
 */
export function recipientView<T extends object>(resource: T, custodian: string | undefined, recipient: string): T {
  return mayReceiveContactData(resource, custodian, recipient) ? resource : withoutContactData(resource);
}

/** Whether {@link recipientView} hides anything of `resource` from `recipient`. */
export function hidesContactData(resource: object, custodian: string | undefined, recipient: string): boolean {
  return recipientView(resource, custodian, recipient) !== resource;
}

/**
 * `resource` without its contact and address data (see the module comment), marked
 * {@link REDACTED_LABEL}; the same object when it holds none. Never mutates `resource`.
 */
export function withoutContactData<T extends object>(resource: T): T {
  const root = resource as Record<string, unknown>;
  const locations = new Set(asArray(root.contained).flatMap((item) => {
    const contained = asRecord(item);
    return contained?.resourceType === 'Location' && typeof contained.id === 'string' ? [`#${contained.id}`] : [];
  }));
  const removed = { count: 0 };
  const stripped = strip(root, { locations, resourceType: String(root.resourceType), parentKey: '', removed });
  if (removed.count === 0 || stripped === DROP) return resource;
  const view = withoutNarratives(stripped as Record<string, unknown>);
  const meta = asRecord(view.meta) ?? {};
  const security = asArray(meta.security);
  const labelled = security.some(isRedactedLabel);
  return { ...view, meta: { ...meta, security: labelled ? security : [...security, { ...REDACTED_LABEL }] } } as T;
}

interface Walk {
  /** `#id` of the contained Location resources. */
  readonly locations: ReadonlySet<string>;
  /** The type of the (contained) resource being walked. */
  readonly resourceType: string;
  readonly parentKey: string;
  readonly removed: { count: number };
}

function isContactElement(key: string, resourceType: string): boolean {
  return CONTACT_ELEMENTS.has(key) || TYPED_CONTACT.test(key) || (key === 'contact' && CONTACT_POINT_CONTACT.has(resourceType));
}

function pointsToLocation(value: Record<string, unknown>, locations: ReadonlySet<string>): boolean {
  const { reference, type } = value;
  if (typeof reference === 'string' && (locations.has(reference) || LOCATION_REFERENCE.test(reference))) return true;
  return type === 'Location' || type === 'http://hl7.org/fhir/StructureDefinition/Location';
}

const isExtensionList = (key: string): boolean => key === 'extension' || key === 'modifierExtension';
const hasExtensionContent = (value: Record<string, unknown>): boolean => Object.keys(value).some((key) => key === 'extension' || key.startsWith('value'));

function strip(value: unknown, walk: Walk): Stripped {
  if (Array.isArray(value)) {
    const kept = value.map((item) => strip(item, walk)).filter((item) => item !== DROP);
    return kept.length === 0 && value.length > 0 ? DROP : kept;
  }
  const record = asRecord(value);
  if (!record) return value;
  const inExtensions = isExtensionList(walk.parentKey);
  const drop =
    record.resourceType === 'Location' ||
    pointsToLocation(record, walk.locations) ||
    (inExtensions && typeof record.url === 'string' && ADDRESS_EXTENSIONS.has(record.url));
  if (drop) {
    walk.removed.count += 1;
    return DROP;
  }
  const resourceType = typeof record.resourceType === 'string' ? record.resourceType : walk.resourceType;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    if (isContactElement(key, resourceType)) {
      walk.removed.count += 1;
      continue;
    }
    const kept = strip(item, { ...walk, resourceType, parentKey: key });
    if (kept !== DROP) out[key] = kept;
  }
  if (Object.keys(out).length === 0 && Object.keys(record).length > 0) return DROP;
  // An extension that lost its value (and has no nested extensions left) would be invalid: it goes too.
  if (inExtensions && hasExtensionContent(record) && !hasExtensionContent(out)) return DROP;
  return out;
}

/** Drops the narrative of the resource and of its contained resources: it may render what was removed. */
function withoutNarratives(resource: Record<string, unknown>): Record<string, unknown> {
  const { text: _text, ...rest } = resource;
  if (!Array.isArray(rest.contained)) return rest;
  return {
    ...rest,
    contained: rest.contained.map((item) => {
      const contained = asRecord(item);
      if (!contained || contained.text === undefined) return item;
      const { text: _containedText, ...kept } = contained;
      return kept;
    }),
  };
}
