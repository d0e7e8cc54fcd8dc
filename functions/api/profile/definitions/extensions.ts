/**
 * The extensions of the shared-plan profile. Each is simple: one `value[x]` of a fixed type and
 * no nested extensions.
 */
import type { StructureDefinition } from 'fhir/r4.js';
import { EXTENSIONS, VALUE_SETS } from '../canonical.js';
import { extensionDefinition } from './common.js';

/** CarePlan: the date of the next review of the plan (HOPA: follow-up and evaluation). */
export const nextReview: StructureDefinition = extensionDefinition(
  EXTENSIONS.nextReview,
  {
    name: 'NextReview',
    title: 'Next review of the plan',
    description: 'The date by which the plan is next reviewed with the client (HOPA: "Seuranta ja arviointi": agreed interval, next contact). Searchable as `next-review`: `next-review=lt<today>` finds overdue reviews.',
  },
  [{ type: 'element', expression: 'CarePlan' }],
  { type: [{ code: 'date' }] },
);

/** CarePlan: what supports the plan. */
export const supportingFactor: StructureDefinition = extensionDefinition(
  EXTENSIONS.supportingFactor,
  {
    name: 'SupportingFactor',
    title: 'What supports the plan',
    description: 'One thing that supports the plan: a strength of the client or their network, "what goes well" (HOPA: "Suunnitelmaa tukevat asiat", "Mikä sujuu hyvin?"), in the words recorded with the client. R4 CarePlan has no element for it.',
  },
  [{ type: 'element', expression: 'CarePlan' }],
  { type: [{ code: 'string' }] },
);

/** Consent: how the consent was given. */
export const consentMethod: StructureDefinition = extensionDefinition(
  EXTENSIONS.consentMethod,
  {
    name: 'ConsentMethod',
    title: 'How the consent was given',
    description: 'How the client gave the consent to data exchange: written, oral or electronic (HOPA: "Suostumus tietojenvaihtoon kysytty: kirjallinen / suullinen").',
  },
  [{ type: 'element', expression: 'Consent' }],
  { type: [{ code: 'Coding' }], valueSet: VALUE_SETS.consentMethod.url },
);

/** Consent: on what medium the consent document is kept; the place is `Consent.source[x]`. */
export const consentStorage: StructureDefinition = extensionDefinition(
  EXTENSIONS.consentStorage,
  {
    name: 'ConsentStorage',
    title: 'Where the consent document is kept',
    description:
      'Whether the consent document is kept electronically or on paper (HOPA: "Suostumus tallennettu: sähköisesti / paperilla, missä"). The place itself is Consent.sourceAttachment (title: the place, e.g. the archive; url: where it can be fetched) or Consent.sourceReference (the document in a record system).',
  },
  [{ type: 'element', expression: 'Consent' }],
  { type: [{ code: 'Coding' }], valueSet: VALUE_SETS.consentStorage.url },
);

/** Any stored resource (`meta.extension`): the organisation holding the record, set by the server. */
export const custodian: StructureDefinition = extensionDefinition(
  EXTENSIONS.custodian,
  {
    name: 'Custodian',
    title: 'Custodian organisation',
    description:
      'The organisation that created the resource and holds the record, as an identifier in the SOTE organisation register (system urn:oid:1.2.246.537.6.202.2008, value its OID). Set by the server on every stored resource in meta.extension; a value a client sends is replaced. See docs/access-policy.md.',
  },
  [{ type: 'element', expression: 'Meta' }],
  { type: [{ code: 'Identifier' }] },
);

/** Every extension, in the order they are served. */
export const EXTENSION_DEFINITIONS: readonly StructureDefinition[] = [nextReview, supportingFactor, consentMethod, consentStorage, custodian];
