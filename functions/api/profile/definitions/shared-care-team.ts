/**
 * The client's network (Omatiimi) as a CareTeam profile: every member with a role from the
 * care-team-role CodeSystem, and one named coordinator (vastuutyöntekijä) at a time. A
 * hand-over ends the previous coordinator's period and adds the next one; the resource history
 * keeps who coordinated when.
 *
 * @see docs/profile.md#shared-care-team
 */
import { periodEndInstant, periodStartInstant } from '../../access/county-time.js';
import { CODE_SYSTEMS, COORDINATOR_ROLE, PROFILES, VALUE_SETS } from '../canonical.js';
import type { InvariantCheck } from '../types.js';
import { isRecord } from '../values.js';
import { element, referenceTo, resourceProfile, type ProfileSource } from './common.js';

interface Coordinator {
  readonly index: number;
  /** First and last millisecond of the period (dates read in the county's time zone); open ends are infinite. */
  readonly start: number;
  readonly end: number;
}

const isCoordinatorRole = (role: unknown): boolean =>
  isRecord(role) && Array.isArray(role.coding) && role.coding.some((coding) => isRecord(coding) && coding.system === CODE_SYSTEMS.careTeamRole.url && coding.code === COORDINATOR_ROLE);

function instant(text: unknown, read: (text: string) => string | undefined, open: number): number {
  const iso = typeof text === 'string' ? read(text) : undefined;
  return iso === undefined ? open : Date.parse(iso);
}

/** The participants with the coordinator role, with their periods. */
function coordinatorsOf(team: unknown): Coordinator[] {
  const participants = isRecord(team) && Array.isArray(team.participant) ? team.participant : [];
  return participants.flatMap((participant: unknown, index): Coordinator[] => {
    if (!isRecord(participant) || !Array.isArray(participant.role) || !participant.role.some(isCoordinatorRole)) return [];
    const period = isRecord(participant.period) ? participant.period : {};
    return [{ index, start: instant(period.start, periodStartInstant, -Infinity), end: instant(period.end, periodEndInstant, Infinity) }];
  });
}

/** sct-1: a coordinator is named whose period has not ended (it may start later: "may be recorded after the plan is made"). */
const coordinatorNamed: InvariantCheck = ({ value, at }, { now }) => {
  const coordinators = coordinatorsOf(value);
  if (coordinators.some((coordinator) => coordinator.end >= now.getTime())) return [];
  const detail =
    coordinators.length === 0
      ? `no participant has the role ${COORDINATOR_ROLE} (${CODE_SYSTEMS.careTeamRole.url})`
      : `the period of every coordinator has ended (${coordinators.map((coordinator) => `participant[${coordinator.index}]`).join(', ')})`;
  return [{ expression: `${at}.participant`, detail }];
};

/** sct-2: coordinator periods do not overlap, so at any instant at most one coordinator is in charge. */
const oneCoordinatorAtATime: InvariantCheck = ({ value, at }) => {
  const coordinators = coordinatorsOf(value);
  return coordinators.flatMap((later, position) =>
    coordinators
      .slice(0, position)
      .filter((earlier) => earlier.start <= later.end && later.start <= earlier.end)
      .map((earlier) => ({
        expression: `${at}.participant[${later.index}]`,
        detail: `its coordinator period overlaps that of participant[${earlier.index}]: end the previous coordinator's period before the next one starts (period ends are inclusive)`,
      })),
  );
};

export const sharedCareTeam: ProfileSource = {
  definition: resourceProfile(
    PROFILES.careTeam,
    {
      name: 'SharedCareTeam',
      title: "The client's network (Omatiimi)",
      description:
        "The people and organisations working with the client on the shared plan, each with a role from the care-team-role CodeSystem, and exactly one named coordinator (vastuutyöntekijä) at any time. A coordinator is handed over by ending the previous coordinator's period and adding the next one.",
      purpose: 'Everyone who took part in the plan knows it ("Asiakassuunnitelma on kaikilla suunnitelmaan osallistuneilla tahoilla tiedossa"), and the network has one named person responsible.',
    },
    [
      element('CareTeam', {
        short: "The client's network (Omatiimi)",
        constraint: [
          {
            key: 'sct-1',
            severity: 'error',
            human: 'A coordinator is named: a participant with the role coordinator whose period has not ended',
            expression: `participant.where(role.coding.where(system = '${CODE_SYSTEMS.careTeamRole.url}' and code = '${COORDINATOR_ROLE}').exists() and (period.end.empty() or period.end >= now())).exists()`,
            source: PROFILES.careTeam.url,
          },
          {
            key: 'sct-2',
            severity: 'error',
            human: 'One coordinator at a time: the periods of participants with the role coordinator do not overlap',
            source: PROFILES.careTeam.url,
          },
        ],
      }),
      element('CareTeam.participant', { short: 'Members of the network', min: 1 }),
      element('CareTeam.participant.role', {
        short: 'Role in the network, with a code from care-team-role',
        min: 1,
        binding: { strength: 'required', valueSet: VALUE_SETS.careTeamRole.url },
      }),
      element('CareTeam.participant.member', {
        short: 'Who: a professional, a relative or other private person, an organisation or the client',
        min: 1,
        type: referenceTo('Practitioner', 'PractitionerRole', 'RelatedPerson', 'Organization', 'Patient'),
      }),
      element('CareTeam.participant.period', { short: 'When the member has the role (a coordinator hand-over ends it)', mustSupport: true }),
      element('CareTeam.managingOrganization', { short: 'The organisation coordinating the client (client-allocation team decision)', mustSupport: true }),
    ],
  ),
  invariants: { 'sct-1': coordinatorNamed, 'sct-2': oneCoordinatorAtATime },
};
