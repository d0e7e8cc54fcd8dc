/**
 * The pieces of the search parameters beyond R4 and of `$indicators` that need no DynamoDB:
 * `next-review` extraction (`extension.where(url=…)`), the coordinator rule in county time, and
 * the median and reporting-period rules. The HTTP behaviour is in `test/api/search-extensions.test.ts`
 * and `test/api/indicators.test.ts`.
 */
import type { CarePlan, CareTeam, CareTeamParticipant } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { CODE_SYSTEMS, COORDINATOR_ROLE, EXTENSIONS } from '../../functions/api/profile/canonical.js';
import type { StoredVersion } from '../../functions/api/repository/index.js';
import { isActiveCoordinator, membersOf } from '../../functions/api/search/execute/index.js';
import { extractIndex } from '../../functions/api/search/index-values/index.js';
import { median, parseReportingPeriod } from '../../functions/api/indicators/index.js';
import { FhirError } from '../../functions/shared/errors.js';

const coordinatorRole = [{ coding: [{ system: CODE_SYSTEMS.careTeamRole.url, code: COORDINATOR_ROLE }] }];
/** 00:30 on 2 December 2026 in Helsinki, still 1 December in UTC. */
const NOW = new Date('2026-12-01T22:30:00.000Z');

const stored = (resource: CareTeam): StoredVersion => ({ resourceType: 'CareTeam', id: 't', versionId: 1, lastUpdated: NOW.toISOString(), method: 'POST', deleted: false, resource });

describe('next-review index values', () => {
  it('are extracted from the next-review extension only', () => {
    const plan: CarePlan = {
      resourceType: 'CarePlan',
      status: 'active',
      intent: 'plan',
      subject: { reference: 'Patient/p' },
      extension: [
        { url: 'https://example.fi/fhir/StructureDefinition/other-date', valueDate: '2020-01-01' },
        { url: EXTENSIONS.nextReview.url, valueDate: '2026-12-15' },
      ],
    };
    const index = extractIndex(plan);
    expect(index['next-review']).toEqual([{ low: '2026-12-15T00:00:00.000Z', high: '2026-12-15T23:59:59.999Z' }]);
  });

  it('leave the parameters found through the care team without stored values', () => {
    const index = extractIndex({ resourceType: 'CarePlan', status: 'active', intent: 'plan', subject: { reference: 'Patient/p' }, careTeam: [{ reference: 'CareTeam/t' }] });
    expect(index['care-team']).toEqual([{ type: 'CareTeam', id: 't' }]);
    expect(index).not.toHaveProperty('coordinator');
    expect(index).not.toHaveProperty('participant');
  });
});

describe('the active coordinator', () => {
  const participant = (period?: CareTeamParticipant['period'], role = coordinatorRole): CareTeamParticipant => ({ role, member: { reference: 'Practitioner/x' }, ...(period ? { period } : {}) });

  it('judges period dates as Europe/Helsinki days', () => {
    expect(isActiveCoordinator(participant({ start: '2026-12-02' }), NOW)).toBe(true);
    expect(isActiveCoordinator(participant({ end: '2026-12-01' }), NOW)).toBe(false);
    expect(isActiveCoordinator(participant({ start: '2026-11-01', end: '2026-12-02' }), NOW)).toBe(true);
    expect(isActiveCoordinator(participant({ start: '2026-12-03' }), NOW)).toBe(false);
    expect(isActiveCoordinator(participant(), NOW)).toBe(true);
  });

  it('needs the coordinator code of the care-team-role CodeSystem and a readable period', () => {
    expect(isActiveCoordinator(participant(undefined, [{ coding: [{ system: 'https://example.fi/roles', code: COORDINATOR_ROLE }] }]), NOW)).toBe(false);
    expect(isActiveCoordinator(participant({ start: '1.12.2026' }), NOW)).toBe(false);
  });

  it('is nobody on a team entered in error', () => {
    const team: CareTeam = { resourceType: 'CareTeam', status: 'active', participant: [participant()] };
    expect(membersOf(stored(team), 'coordinator', NOW)).toEqual([{ type: 'Practitioner', id: 'x' }]);
    expect(membersOf(stored({ ...team, status: 'entered-in-error' }), 'member', NOW)).toEqual([]);
  });
});

describe('indicator rules', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([])).toEqual({ count: 0 });
    expect(median([7, 1, 3])).toEqual({ count: 3, median: 3 });
    expect(median([21, 5, 10, 20])).toEqual({ count: 4, median: 15 });
  });

  it('reads the reporting period as Europe/Helsinki days, both ends inclusive', () => {
    const period = parseReportingPeriod(new URLSearchParams('periodStart=2026-01&periodEnd=2026-12-31'));
    expect(period).toEqual({ start: '2026-01', end: '2026-12-31', from: Date.parse('2025-12-31T22:00:00.000Z'), to: Date.parse('2026-12-31T21:59:59.999Z') });
  });

  it('refuses a missing, malformed or reversed period with one issue per parameter', () => {
    const issues = (query: string): unknown => {
      try {
        parseReportingPeriod(new URLSearchParams(query));
      } catch (error) {
        return (error as FhirError).issues.map((issue) => [issue.code, issue.expression]);
      }
      throw new Error('accepted');
    };
    expect(issues('periodStart=2026-02-29')).toEqual([['value', ['periodStart']], ['required', ['periodEnd']]]);
    expect(issues('periodStart=2027&periodEnd=2026')).toEqual([['invalid', ['periodStart', 'periodEnd']]]);
    expect(issues('periodStart=2026&periodEnd=2026&_count=1')).toEqual([['not-supported', ['_count']]]);
  });
});
