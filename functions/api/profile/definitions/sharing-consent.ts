/**
 * The client's consent to data exchange between social care and health care (HOPA:
 * "Suostumus tietojenvaihtoon") as a Consent profile, shaped like the Kanta
 * sote-luovutuslupa: a privacy permit about one client named by henkilötunnus, given on a date
 * in a recorded way, valid for a period, naming the recipient organisations by their SOTE
 * organisation OID — the organisations the access policy then opens the client's plan to.
 *
 * @see docs/profile.md#sharing-consent
 * @see docs/access-policy.md#how-a-consent-opens-sharing
 */
import { organizationOf, SOTE_ORGANIZATION_SYSTEM } from '../../access/organizations.js';
import { PROFILES } from '../canonical.js';
import type { InvariantCheck } from '../types.js';
import { isRecord } from '../values.js';
import { element, extensionSlice, extensionSlicing, henkilotunnusReference, referenceTo, resourceProfile, type ProfileSource } from './common.js';
import { consentMethod, consentStorage } from './extensions.js';

/** scn-1: each recipient is an organisation the access policy can recognise: named by its OID. */
const recipientByOid: InvariantCheck = ({ value, at }) =>
  isRecord(value) && organizationOf(value.reference) !== undefined
    ? []
    : [{ expression: `${at}.reference`, detail: `names no organisation by OID: give identifier { system: '${SOTE_ORGANIZATION_SYSTEM}', value: '<OID>' } or reference Organization/<OID>` }];

export const sharingConsent: ProfileSource = {
  definition: resourceProfile(
    PROFILES.consent,
    {
      name: 'SharingConsent',
      title: 'Consent to sharing the plan',
      description:
        "The client's consent to data exchange between social care and health care for the shared plan: when and how it was given, where it is kept, its validity period and the organisations that may receive the plan. While active and in force it opens the recording organisation's CarePlan, CareTeam and Goal of the client to the named organisations.",
      purpose: 'Joint work and data exchange start only with the client\'s consent; the consent has a validity period and can be withdrawn (status inactive) with immediate effect.',
    },
    [
      extensionSlicing('Consent'),
      extensionSlice('Consent', 'consentMethod', consentMethod, { min: 1, max: '1' }, 'How the consent was given (HOPA: written / oral)'),
      extensionSlice('Consent', 'consentStorage', consentStorage, { min: 0, max: '1' }, 'Kept electronically or on paper (HOPA); the place is source[x]'),
      element('Consent.scope', {
        short: 'Privacy consent',
        patternCodeableConcept: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
      }),
      ...henkilotunnusReference('Consent.patient', 'The client, by henkilötunnus', { min: 1 }),
      element('Consent.dateTime', { short: 'When the consent was given (HOPA: date asked)', min: 1 }),
      element('Consent.source[x]', { short: 'Where the consent document is kept: sourceAttachment.title the place, or sourceReference the document', mustSupport: true }),
      element('Consent.provision', { short: 'What is permitted, for how long, to whom', min: 1 }),
      element('Consent.provision.type', { short: 'A permit', min: 1, fixedCode: 'permit' }),
      element('Consent.provision.period', { short: 'Validity period of the consent (HOPA)', min: 1 }),
      element('Consent.provision.period.start', { short: 'The consent is valid from', min: 1 }),
      element('Consent.provision.actor', {
        short: 'The organisations that may receive the plan',
        min: 1,
        constraint: [
          {
            key: 'scn-1',
            severity: 'error',
            human: 'The recipient is an organisation named by its OID: an identifier in the SOTE organisation register or Organization/<OID>',
            expression: `reference.identifier.system = '${SOTE_ORGANIZATION_SYSTEM}' or reference.reference.startsWith('Organization/')`,
            source: PROFILES.consent.url,
          },
        ],
      }),
      element('Consent.provision.actor.reference', { short: 'The recipient organisation', type: referenceTo('Organization') }),
      element('Consent.provision.data.reference', { short: 'The plan the consent is for, when it exists already', type: referenceTo('CarePlan') }),
    ],
  ),
  invariants: { 'scn-1': recipientByOid },
};
