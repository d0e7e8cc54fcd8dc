/**
 * A goal in the client's own words ("Tavoite kirjataan asiakkaan omin sanoin", HOPA) as a Goal
 * profile: the words are `description.text`, and the client is the one who expressed it.
 *
 * @see docs/profile.md#client-goal
 */
import { HETU_SYSTEM, PROFILES } from '../canonical.js';
import type { InvariantCheck } from '../types.js';
import { isLiteralOf, isRecord } from '../values.js';
import { element, referenceTo, resourceProfile, type ProfileSource } from './common.js';

/** cgl-1: the goal was expressed by the client: a Patient reference, or their henkilötunnus. */
const expressedByClient: InvariantCheck = ({ value, at }) => {
  const byIdentifier = isRecord(value) && isRecord(value.identifier) && value.identifier.system === HETU_SYSTEM && typeof value.identifier.value === 'string';
  return isLiteralOf(value, 'Patient') || byIdentifier
    ? []
    : [{ expression: at, detail: `names no client: give reference Patient/<id> or identifier { system: '${HETU_SYSTEM}', value: '<henkilötunnus>' }` }];
};

export const clientGoal: ProfileSource = {
  definition: resourceProfile(
    PROFILES.goal,
    {
      name: 'ClientGoal',
      title: "A goal in the client's own words",
      description: "A goal of the shared plan, recorded in the client's own words and expressed by the client; concrete sub-goals are goals of their own or notes, target dates in target.dueDate.",
      purpose: 'The HOPA form records the goals in the client\'s own words ("Tavoite kirjataan asiakkaan omin sanoin").',
    },
    [
      element('Goal.description.text', { short: "The goal in the client's own words", min: 1 }),
      element('Goal.expressedBy', {
        short: 'The client, who expressed the goal',
        min: 1,
        type: referenceTo('Patient'),
        constraint: [
          {
            key: 'cgl-1',
            severity: 'error',
            human: 'The goal is expressed by the client: a Patient reference or a henkilötunnus identifier',
            expression: `reference.startsWith('Patient/') or identifier.system = '${HETU_SYSTEM}'`,
            source: PROFILES.goal.url,
          },
        ],
      }),
    ],
  ),
  invariants: { 'cgl-1': expressedByClient },
};
