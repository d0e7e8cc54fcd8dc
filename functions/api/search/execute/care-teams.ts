/**
 * Search parameters about the plan's CareTeam rather than the plan (`coordinator`, `participant`
 * of CarePlan, `throughCareTeam` in the registry). They depend on another resource, so nothing is
 * stored on the plan for them: they are resolved at query time, with the same guarantees as any
 * search — strongly consistent reads, never a Scan, every read within the request's budget.
 *
 * - **Narrowing** ({@link careTeamPlan}): a search with nothing more selective first finds the
 *   CareTeams with the member (an internal CareTeam `participant` search: the participant anchor,
 *   filtered by the access decision), then the plans referencing them (the `care-team` anchor).
 * - **Matching** ({@link matchesThroughCareTeam}): every candidate plan is judged on the CareTeams
 *   it references that the caller may read ({@link CareTeamLookup}), like any other criterion.
 *
 * Only CareTeams the caller may read count, so a plan is never found by a member the caller could
 * not see on its care team.
 *
 * @see docs/data-model.md ("Searches through the care team")
 */
import type { CareTeam, CareTeamParticipant } from 'fhir/r4.js';
import { periodEndInstant, periodStartInstant } from '../../access/county-time.js';
import { CODE_SYSTEMS, COORDINATOR_ROLE } from '../../profile/canonical.js';
import type { SearchStore } from '../../repository/search-store.js';
import type { StoredVersion } from '../../repository/index.js';
import { matchesCriterion } from '../index-values/index.js';
import { toReferences } from '../index-values/reference.js';
import { lookup } from '../parse/registry.js';
import type { Criterion, ReferenceValue, SearchRequest } from '../types.js';
import type { ExaminedBudget } from './budget.js';
import type { SourcePlan } from './plan.js';

/** Runs an internal search (the CareTeam side of a narrowing) with the outer request's caller, access and budget. */
export type InnerSearch = (request: SearchRequest) => Promise<readonly StoredVersion[]>;

/** Which of the given versions the caller may read. */
type Readable = (versions: readonly StoredVersion[]) => Promise<readonly boolean[]>;

/** The CareTeam ids a plan references literally (`CareTeam/<id>`); contained or absolute references name none. */
export function careTeamIdsOf(plan: StoredVersion): string[] {
  const references = (plan.index?.values['care-team'] ?? []) as readonly ReferenceValue[];
  return references.flatMap((reference) => (reference.type === 'CareTeam' && reference.id !== undefined && reference.url === undefined ? [reference.id] : []));
}

/** Whether `instant` (ms) lies in a participant's period; dates are Europe/Helsinki days, an unreadable bound fails closed. */
function inPeriod(period: CareTeamParticipant['period'], instant: number): boolean {
  if (period?.start !== undefined) {
    const start = periodStartInstant(period.start);
    if (start === undefined || Date.parse(start) > instant) return false;
  }
  if (period?.end !== undefined) {
    const end = periodEndInstant(period.end);
    if (end === undefined || Date.parse(end) < instant) return false;
  }
  return true;
}

/** Whether a participant is the team's coordinator at `now`: the care-team-role `coordinator` code, and a period that includes now. */
export function isActiveCoordinator(participant: CareTeamParticipant, now: Date): boolean {
  const coded = (participant.role ?? []).some((role) => (role.coding ?? []).some((coding) => coding.system === CODE_SYSTEMS.careTeamRole.url && coding.code === COORDINATOR_ROLE));
  return coded && inPeriod(participant.period, now.getTime());
}

/** A team that was recorded in error names no members. */
const usable = (team: StoredVersion): CareTeam | undefined => {
  const resource = team.resource as CareTeam | undefined;
  return resource?.status === 'entered-in-error' ? undefined : resource;
};

/** The member references of a team's participants — all of them, or only its active coordinators. */
export function membersOf(team: StoredVersion, which: 'member' | 'coordinator', now: Date): ReferenceValue[] {
  const participants = usable(team)?.participant ?? [];
  return participants
    .filter((participant) => which === 'member' || isActiveCoordinator(participant, now))
    .flatMap((participant) => (participant.member ? toReferences({ value: participant.member }) : []));
}

/**
 * Whether a plan whose readable care teams are `teams` satisfies a `throughCareTeam` criterion:
 * the criterion is matched, with the usual reference semantics (`:identifier`, `:[type]`,
 * `:missing`), against the members (or active coordinators) of those teams.
 */
export function matchesThroughCareTeam(criterion: Criterion, teams: readonly StoredVersion[], now: Date): boolean {
  const which = criterion.param.throughCareTeam ?? 'member';
  const members = teams.flatMap((team) => membersOf(team, which, now));
  return matchesCriterion(criterion, { [criterion.param.code]: members }, { now });
}

/** The CareTeams plans reference, read once per request, kept only when live and readable. */
export class CareTeamLookup {
  /** CareTeam id → the readable live version, or null when absent, deleted or not readable. */
  private readonly teams = new Map<string, StoredVersion | null>();

  constructor(
    private readonly store: SearchStore,
    private readonly readable: Readable,
    private readonly budget: ExaminedBudget,
  ) {}

  /** Teams an internal search already found (and judged readable). */
  remember(teams: readonly StoredVersion[]): void {
    for (const team of teams) this.teams.set(team.id, team);
  }

  /** The readable CareTeams of each plan (by plan id), reading the ones not yet known in one batch. */
  async teamsOf(plans: readonly StoredVersion[]): Promise<Map<string, StoredVersion[]>> {
    const missing = [...new Set(plans.flatMap(careTeamIdsOf))].filter((id) => !this.teams.has(id));
    if (missing.length > 0) {
      const found = await this.store.currentByIds('CareTeam', missing);
      this.budget.examine(found.length);
      const live = found.filter((team) => !team.deleted && team.resource !== undefined);
      const allowed = await this.readable(live);
      for (const id of missing) this.teams.set(id, null);
      live.forEach((team, n) => allowed[n] && this.teams.set(team.id, team));
    }
    return new Map(plans.map((plan) => [plan.id, careTeamIdsOf(plan).flatMap((id) => this.teams.get(id) ?? [])]));
  }
}

/** A `throughCareTeam` criterion that names members (not `:missing`), which the CareTeams' participant anchor can answer. */
function narrowing(request: SearchRequest): Criterion | undefined {
  return request.criteria.find((criterion) => criterion.param.throughCareTeam !== undefined && criterion.values.every((value) => value.kind === 'reference'));
}

/**
 * The plan of a search that would otherwise walk the type: the plans referencing a CareTeam in
 * which the criterion's member is (for `coordinator`: is the active coordinator), found by an
 * internal CareTeam `participant` search (anchor, access decision, same budget) and the plans'
 * `care-team` anchors. No such team: an empty plan. Undefined when no criterion can narrow.
 */
export async function careTeamPlan(request: SearchRequest, lookupTeams: CareTeamLookup, search: InnerSearch, now: Date): Promise<SourcePlan | undefined> {
  const criterion = narrowing(request);
  const participant = lookup('CareTeam', 'participant');
  if (criterion === undefined || participant === undefined) return undefined;
  const inner: SearchRequest = {
    resourceType: 'CareTeam',
    criteria: [{ ...criterion, param: participant }],
    count: Number.MAX_SAFE_INTEGER,
    sort: [],
    include: [],
    revinclude: [],
    total: 'accurate',
    ignored: [],
  };
  const found = await search(inner);
  lookupTeams.remember(found);
  const teams = found.filter((team) => matchesThroughCareTeam(criterion, [team], now));
  return { kind: 'anchors', anchors: teams.map((team) => `care-team=CareTeam/${team.id}`) };
}
