/**
 * Shared client plan (HOPA plan form, Kanta-Häme "Parempi Arki", appendix 2) as a CarePlan
 * profile: the client's need, goals in the client's own words, what supports the plan, agreed
 * actions with who and when, follow-up with a next review date, background and notes — about
 * one client named by henkilötunnus, held by exactly one care team.
 *
 * @see docs/profile.md#shared-care-plan
 */
import { PROFILES } from '../canonical.js';
import type { InvariantCheck } from '../types.js';
import { isRecord } from '../values.js';
import { element, extensionSlice, extensionSlicing, henkilotunnusReference, resourceProfile, type ProfileSource } from './common.js';
import { nextReview, supportingFactor } from './extensions.js';

/** scp-1: the client's need is recorded, in words or as the conditions the plan addresses. */
const needRecorded: InvariantCheck = ({ value, at }) => {
  if (!isRecord(value)) return [];
  const addresses = Array.isArray(value.addresses) && value.addresses.length > 0;
  return typeof value.description === 'string' || addresses ? [] : [{ expression: `${at}.description`, detail: 'neither description nor addresses is given' }];
};

export const sharedCarePlan: ProfileSource = {
  definition: resourceProfile(
    PROFILES.carePlan,
    {
      name: 'SharedCarePlan',
      title: 'Shared client plan (HOPA)',
      description:
        "The shared multi-professional client plan of a Finnish wellbeing services county, made together with the client and their network (HOPA / Omatiimi): the client's need and goals in their own words, what supports the plan, agreed actions with who does what and when, follow-up with the next review date, background and notes.",
      purpose: 'One plan that the health-record and social-care client systems of the county read and write, instead of typing it into one system and copying it by hand into the other.',
    },
    [
      element('CarePlan', {
        short: 'Shared client plan (HOPA)',
        constraint: [
          {
            key: 'scp-1',
            severity: 'error',
            human: "The client's need is recorded: description (in the client's own words) or addresses",
            expression: 'description.exists() or addresses.exists()',
            source: PROFILES.carePlan.url,
          },
        ],
      }),
      extensionSlicing('CarePlan'),
      extensionSlice('CarePlan', 'nextReview', nextReview, { min: 0, max: '1' }, 'Next review date (HOPA: follow-up)'),
      extensionSlice('CarePlan', 'supportingFactor', supportingFactor, { min: 0, max: '*' }, 'What supports the plan (HOPA: strengths, "what goes well")'),
      element('CarePlan.intent', { short: 'A plan agreed with the client', fixedCode: 'plan' }),
      element('CarePlan.description', { short: "The client's need in the client's own words (HOPA)", mustSupport: true }),
      ...henkilotunnusReference('CarePlan.subject', 'The client, by henkilötunnus', { toPatient: true }),
      element('CarePlan.created', { short: 'Date the plan was made (HOPA: date)', min: 1 }),
      element('CarePlan.contributor', { short: 'People who took part in making the plan (HOPA)', mustSupport: true }),
      element('CarePlan.careTeam', { short: "The client's network: exactly one care team", min: 1, max: '1' }),
      element('CarePlan.addresses', { short: "The client's needs as conditions (HOPA: need)", mustSupport: true }),
      element('CarePlan.supportingInfo', { short: 'Background: medication, diagnoses, care contacts (HOPA)', mustSupport: true }),
      element('CarePlan.goal', { short: "The client's goals, in the client's own words (HOPA)", min: 1 }),
      element('CarePlan.activity', { short: 'Agreed actions (HOPA: implementation and means)', mustSupport: true }),
      element('CarePlan.activity.detail', { short: 'What is done, by whom and when', min: 1 }),
      element('CarePlan.activity.detail.status', { short: 'Status of the agreed action (required by R4 itself)', mustSupport: true }),
      element('CarePlan.activity.detail.scheduled[x]', { short: 'When (e.g. "läheisneuvonpito 1 kk kuluessa")', min: 1 }),
      element('CarePlan.activity.detail.performer', { short: 'Who does it', min: 1 }),
      element('CarePlan.note', { short: 'Other (HOPA)', mustSupport: true }),
    ],
  ),
  invariants: { 'scp-1': needRecorded },
};
