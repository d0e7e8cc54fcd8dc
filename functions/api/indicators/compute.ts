/**
 * The indicators of `$indicators`, computed from what the caller may see: its active plans, the
 * care teams of those plans it may read and the active Consents it may read. Pure: the service
 * (`services/indicator-service.ts`) reads the inputs through the search machinery.
 *
 * @see docs/indicators.md
 */
import type { CarePlan, CareTeam, CareTeamParticipant, Consent, Reference } from 'fhir/r4.js';
import { consentFacts } from '../access/consent-facts.js';
import { COUNTY_TIME_ZONE, periodEndInstant, periodStartInstant } from '../access/county-time.js';
import { organizationOf } from '../access/organizations.js';
import { EXTENSIONS } from '../profile/canonical.js';
import type { StoredVersion } from '../repository/index.js';
import { isActiveCoordinator } from '../search/execute/index.js';
import type { ReportingPeriod } from './period.js';

/** What the indicators are computed from (each already filtered by the access decision). */
export interface IndicatorInputs {
  /** The caller's visible CarePlans with status `active`. */
  readonly plans: readonly StoredVersion[];
  /** Plan id → the CareTeams it references that the caller may read. */
  readonly teamsOf: ReadonlyMap<string, readonly StoredVersion[]>;
  /** The caller's visible Consents with status `active`. */
  readonly consents: readonly StoredVersion[];
}

/** A share: numerator of denominator. */
export interface Share {
  readonly numerator: number;
  readonly denominator: number;
}

/** A median over a population (undefined when the population is empty). */
export interface Median {
  readonly count: number;
  readonly median?: number;
}

/** The five indicators. */
export interface IndicatorResults {
  /** Active plans whose period overlaps the reporting period. */
  readonly activePlans: number;
  /** Of those, the plans with an active named coordinator on a care team. */
  readonly namedCoordinator: Share;
  /** Days from the client's sharing consent to the plan, over the plans created in the period. */
  readonly consentToPlanDays: Median;
  /** Of the active plans, those whose next review is before today. */
  readonly overdueReview: Share;
  /** Distinct organisations per care team of the active plans. */
  readonly organisationsPerCareTeam: Median;
}

const LOCAL_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: COUNTY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The Europe/Helsinki calendar day of a date or dateTime (`YYYY-MM-DD`), if it names one. */
function localDay(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (DAY.test(text)) return periodStartInstant(text) === undefined ? undefined : text;
  const instant = text.length > 10 ? periodStartInstant(text) : undefined;
  return instant === undefined ? undefined : LOCAL_DATE.format(Date.parse(instant));
}

const dayNumber = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

/** The median of `values` (the mean of the middle two of an even count). */
export function median(values: readonly number[]): Median {
  if (values.length === 0) return { count: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { count: values.length, median: value };
}

/** Whether the plan's period overlaps the reporting period (an open or absent side always does). */
function overlaps(plan: CarePlan, period: ReportingPeriod): boolean {
  const start = plan.period?.start === undefined ? undefined : periodStartInstant(plan.period.start);
  const end = plan.period?.end === undefined ? undefined : periodEndInstant(plan.period.end);
  return (start === undefined || Date.parse(start) <= period.to) && (end === undefined || Date.parse(end) >= period.from);
}

const usableTeams = (teams: readonly StoredVersion[] | undefined): CareTeam[] =>
  (teams ?? []).flatMap((team) => {
    const resource = team.resource as CareTeam | undefined;
    return resource && resource.status !== 'entered-in-error' ? [resource] : [];
  });

/** A named coordinator: a participant with a member, the coordinator role and a period that includes now. */
const hasNamedCoordinator = (teams: readonly CareTeam[], now: Date): boolean =>
  teams.some((team) => (team.participant ?? []).some((participant) => participant.member !== undefined && isActiveCoordinator(participant, now)));

/** Whether the plan's next review (extension, a date) was due before today (Europe/Helsinki). */
function reviewOverdue(plan: CarePlan, today: string): boolean {
  const review = plan.extension?.find((extension) => extension.url === EXTENSIONS.nextReview.url)?.valueDate;
  const due = review === undefined ? undefined : periodEndInstant(review);
  return due !== undefined && Date.parse(due) < Date.parse(periodStartInstant(today)!);
}

/**
 * The days from the client's sharing consent to the plan: the earliest `dateTime` among the
 * active privacy Consents the plan's custodian recorded about the same client (calendar days in
 * Europe/Helsinki; negative when the plan was made first). Undefined when there is none, or a
 * date is missing or not a day.
 */
function consentToPlanDays(plan: StoredVersion, consents: readonly { readonly facts: ReturnType<typeof consentFacts>; readonly day: string }[]): number | undefined {
  const created = localDay((plan.resource as CarePlan).created);
  const clientKeys = new Set(plan.access?.clientKeys ?? []);
  if (created === undefined || plan.access?.custodian === undefined) return undefined;
  const days = consents
    .filter(({ facts }) => facts.custodian === plan.access!.custodian && facts.clientKeys.some((key) => clientKeys.has(key)))
    .map(({ day }) => day)
    .sort();
  return days[0] === undefined ? undefined : dayNumber(created) - dayNumber(days[0]);
}

/** A key that tells organisations apart: the SOTE OID, else the literal reference, else the identifier. */
function organisationKey(reference: Reference | undefined): string | undefined {
  if (reference === undefined) return undefined;
  const oid = organizationOf(reference);
  if (oid !== undefined) return `oid:${oid}`;
  const literal = reference.reference;
  if (literal !== undefined && /(^|\/)Organization\/[^/]+$/.test(literal)) return `ref:${literal.slice(literal.lastIndexOf('Organization/'))}`;
  const identifier = reference.identifier;
  return identifier?.value !== undefined ? `ident:${identifier.system ?? ''}|${identifier.value}` : undefined;
}

const isOrganisation = (reference: Reference | undefined): boolean =>
  reference !== undefined && (reference.type === 'Organization' || (reference.type === undefined && /(^|\/)Organization\//.test(reference.reference ?? '')));

/** The organisations a participant brings: an Organization member, and the organisation it acts for (`onBehalfOf`). */
function organisationsOf(participant: CareTeamParticipant): string[] {
  const member = isOrganisation(participant.member) ? organisationKey(participant.member) : undefined;
  const behalf = organisationKey(participant.onBehalfOf);
  return [member, behalf].filter((key): key is string => key !== undefined);
}

/** Computes the indicators for `period` at `now`. */
export function computeIndicators(inputs: IndicatorInputs, period: ReportingPeriod, now: Date): IndicatorResults {
  const plans = inputs.plans.filter((plan) => plan.resource !== undefined && overlaps(plan.resource as CarePlan, period));
  const today = LOCAL_DATE.format(now);
  const sharing = inputs.consents.flatMap((consent) => {
    const facts = consentFacts(consent.resource, consent.access?.custodian);
    const day = localDay((consent.resource as Consent | undefined)?.dateTime);
    return facts.status === 'active' && facts.patientPrivacy && day !== undefined ? [{ facts, day }] : [];
  });

  const created = plans.filter((plan) => {
    const text = (plan.resource as CarePlan).created;
    const instant = text === undefined ? undefined : periodStartInstant(text);
    return instant !== undefined && Date.parse(instant) >= period.from && Date.parse(instant) <= period.to;
  });
  const days = created.map((plan) => consentToPlanDays(plan, sharing)).filter((value): value is number => value !== undefined);

  const teams = new Map<string, CareTeam>();
  for (const plan of plans) for (const team of usableTeams(inputs.teamsOf.get(plan.id))) teams.set(team.id!, team);
  const organisations = [...teams.values()].map((team) => new Set((team.participant ?? []).flatMap(organisationsOf)).size);

  return {
    activePlans: plans.length,
    namedCoordinator: { numerator: plans.filter((plan) => hasNamedCoordinator(usableTeams(inputs.teamsOf.get(plan.id)), now)).length, denominator: plans.length },
    consentToPlanDays: median(days),
    overdueReview: { numerator: plans.filter((plan) => reviewOverdue(plan.resource as CarePlan, today)).length, denominator: plans.length },
    organisationsPerCareTeam: median(organisations),
  };
}
