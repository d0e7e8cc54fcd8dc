/**
 * A deterministic generated data set for comparing the production search with the independent
 * evaluator: synthetic clients (test-range HETUs) with CarePlans, CareTeams, Goals and Consents
 * that vary every searched element — statuses, categories, open and closed periods, activity
 * schedules as Period, Timing or string, references by literal id, by identifier or both.
 *
 * All ids are assigned here so that resources can be loaded with `PUT [type]/[id]`
 * (update-as-create) and refer to each other by literal id. Patients, practitioners, related
 * persons, organisations and groups are only referenced, never stored (the API serves the four
 * plan resources only).
 */
import type { CarePlan, CarePlanActivity, CareTeam, CareTeamParticipant, Consent, Goal, Meta, Reference } from 'fhir/r4.js';
import {
  GROUPS, HOPA_PLAN_DEFINITION, PRACTITIONERS, SYSTEMS, coded, dateOn, dateTimeOn, isoDay, makePatients, organizationReference,
  patientReference, randomDay, type SyntheticPatient,
} from './dataset-values.js';
import { Random } from './random.js';

/** A resource type served by the API. */
export type PlanResource = CarePlan | CareTeam | Consent | Goal;

/** The generated data set. */
export interface Dataset {
  patients: SyntheticPatient[];
  /** In load order: CareTeams and Goals before the CarePlans that reference them. */
  resources: PlanResource[];
}

const CARE_PLAN_STATUS = [['active', 40], ['draft', 12], ['on-hold', 10], ['completed', 18], ['revoked', 8], ['entered-in-error', 4], ['unknown', 3]] as const;
const INTENT = [['plan', 60], ['proposal', 15], ['order', 15], ['option', 10]] as const;
const DETAIL_STATUS = ['not-started', 'scheduled', 'in-progress', 'on-hold', 'completed', 'cancelled', 'stopped', 'unknown'] as const;
const CARE_TEAM_STATUS = [['active', 55], ['proposed', 15], ['suspended', 10], ['inactive', 15], ['entered-in-error', 5]] as const;
const LIFECYCLE = [['active', 30], ['accepted', 12], ['planned', 10], ['proposed', 10], ['on-hold', 8], ['completed', 15], ['cancelled', 8], ['rejected', 4], ['entered-in-error', 3]] as const;
const ACHIEVEMENT = ['in-progress', 'improving', 'worsening', 'no-change', 'achieved', 'not-achieved'] as const;
const GOAL_CATEGORY = ['behavioral', 'safety', 'nursing', 'physiotherapy', 'dietary'] as const;
const CARE_TEAM_CATEGORY = ['LA28865-6', 'LA28866-4', 'LA27976-2', 'LA27978-8'] as const;
const ACTIVITY_CODE = ['410155007', '385763009', '225368008', '183524004'] as const;

/** Generation state: the random source and running counters. */
interface Context {
  random: Random;
  sequence: number;
}

function tag(context: Context): Meta | undefined {
  return context.random.chance(0.25) ? { tag: [{ system: SYSTEMS.dataset, code: context.random.pick(['batch-a', 'batch-b']) }] } : undefined;
}

function careTeam(context: Context, id: string, subject: Reference | undefined, relatedPerson: string): CareTeam {
  const { random } = context;
  const start = randomDay(random);
  const participant: CareTeamParticipant[] = [
    {
      role: [coded(SYSTEMS.role, 'coordinator', 'Vastuutyöntekijä')],
      member: { reference: random.pick(PRACTITIONERS) },
      ...(random.chance(0.5) ? { onBehalfOf: organizationReference(random) } : {}),
      ...(random.chance(0.4) ? { period: { start: isoDay(start) } } : {}),
    },
  ];
  for (let i = random.int(0, 3); i > 0; i--) {
    const kind = random.weighted([['practitioner', 50], ['related', 25], ['organization', 25]] as const);
    if (kind === 'practitioner') participant.push({ role: [coded(SYSTEMS.snomed, random.pick(['106328005', '224535009']))], member: { reference: random.pick(PRACTITIONERS) } });
    if (kind === 'related') participant.push({ role: [coded(SYSTEMS.role, 'relative', 'Läheinen')], member: { reference: relatedPerson } });
    if (kind === 'organization') participant.push({ member: organizationReference(random) });
  }
  const meta = tag(context);
  return {
    resourceType: 'CareTeam',
    id,
    ...(meta ? { meta } : {}),
    ...(random.chance(0.4) ? { identifier: [{ system: SYSTEMS.careTeamId, value: `CT-${++context.sequence}` }] } : {}),
    ...(random.chance(0.9) ? { status: random.weighted(CARE_TEAM_STATUS) } : {}),
    ...(random.chance(0.75) ? { category: [coded(SYSTEMS.loinc, random.pick(CARE_TEAM_CATEGORY))] } : {}),
    name: `Omatiimi ${id}`,
    ...(subject ? { subject } : {}),
    ...(random.chance(0.8) ? { period: { start: isoDay(start), ...(random.chance(0.4) ? { end: isoDay(start + random.int(30, 500)) } : {}) } } : {}),
    participant,
    ...(random.chance(0.5) ? { managingOrganization: [organizationReference(random)] } : {}),
  };
}

function goal(context: Context, id: string, subject: Reference): Goal {
  const { random } = context;
  const start = randomDay(random);
  const startChoice = random.weighted([['date', 65], ['concept', 10], ['none', 25]] as const);
  const targets = Array.from({ length: random.int(0, 2) }, () =>
    random.chance(0.9) ? { dueDate: dateOn(random, start + random.int(30, 600)) } : { dueDuration: { value: random.int(1, 12), unit: 'mo', system: 'http://unitsofmeasure.org', code: 'mo' } },
  );
  const meta = tag(context);
  return {
    resourceType: 'Goal',
    id,
    ...(meta ? { meta } : {}),
    ...(random.chance(0.3) ? { identifier: [{ system: SYSTEMS.goalId, value: `G-${++context.sequence}` }] } : {}),
    lifecycleStatus: random.weighted(LIFECYCLE),
    ...(random.chance(0.4) ? { achievementStatus: coded(SYSTEMS.goalAchievement, random.pick(ACHIEVEMENT)) } : {}),
    ...(random.chance(0.7) ? { category: [random.chance(0.8) ? coded(SYSTEMS.goalCategory, random.pick(GOAL_CATEGORY)) : { text: 'Arjen hallinta' }] } : {}),
    description: { text: `Tavoite ${id} asiakkaan omin sanoin` },
    subject,
    ...(startChoice === 'date' ? { startDate: dateOn(random, start) } : {}),
    ...(startChoice === 'concept' ? { startCodeableConcept: { text: 'Kotiutumisen jälkeen' } } : {}),
    ...(targets.length > 0 ? { target: targets } : {}),
  };
}

function activity(context: Context, planStart: number): CarePlanActivity {
  const { random } = context;
  const day = planStart + random.int(-30, 300);
  const schedule = random.weighted([['period', 30], ['timing', 30], ['string', 20], ['none', 20]] as const);
  return {
    detail: {
      kind: random.pick(['Appointment', 'Task', 'ServiceRequest'] as const),
      ...(random.chance(0.7) ? { code: coded(SYSTEMS.snomed, random.pick(ACTIVITY_CODE)) } : {}),
      status: random.pick(DETAIL_STATUS),
      ...(schedule === 'period' ? { scheduledPeriod: { start: isoDay(day), ...(random.chance(0.6) ? { end: isoDay(day + random.int(0, 60)) } : {}) } } : {}),
      ...(schedule === 'timing' ? { scheduledTiming: { event: Array.from({ length: random.int(1, 3) }, (_, i) => dateTimeOn(random, day + i * random.int(7, 40))) } } : {}),
      ...(schedule === 'string' ? { scheduledString: random.pick(['kerran viikossa', 'läheisneuvonpito 1 kk kuluessa', 'tarvittaessa']) } : {}),
      ...(random.chance(0.6) ? { performer: [random.chance(0.6) ? { reference: random.pick(PRACTITIONERS) } : organizationReference(random)] } : {}),
      description: 'Sovittu toimenpide',
    },
  };
}

function carePlan(context: Context, id: string, subject: Reference, careTeamId: string | undefined, goalIds: string[]): CarePlan {
  const { random } = context;
  const start = randomDay(random);
  const end = isoDay(start + random.int(30, 500));
  const period = random.weighted([['none', 15], ['open', 35], ['closed', 40], ['end-only', 10]] as const);
  const categories = random.sample([coded(SYSTEMS.snomed, '734163000', 'Care plan'), coded(SYSTEMS.planType, random.pick(['hopa', 'social-care', 'health-care'])), { text: 'Monialainen suunnitelma' }], random.int(0, 2));
  const goals = random.sample(goalIds, random.int(0, goalIds.length));
  const identifier = random.weighted([['system', 45], ['legacy', 10], ['none', 45]] as const);
  const meta = tag(context);
  return {
    resourceType: 'CarePlan',
    id,
    ...(meta ? { meta } : {}),
    ...(identifier === 'system' ? { identifier: [{ system: SYSTEMS.carePlanId, value: `CP-${++context.sequence}` }] } : {}),
    ...(identifier === 'legacy' ? { identifier: [{ value: `LEGACY-${++context.sequence}` }] } : {}),
    ...(random.chance(0.25) ? { instantiatesUri: [HOPA_PLAN_DEFINITION] } : {}),
    status: random.weighted(CARE_PLAN_STATUS),
    intent: random.weighted(INTENT),
    ...(categories.length > 0 ? { category: categories } : {}),
    title: `Yhteinen asiakassuunnitelma ${id}`,
    subject,
    ...(period === 'open' ? { period: { start: dateTimeOn(random, start) } } : {}),
    ...(period === 'closed' ? { period: { start: isoDay(start), end } } : {}),
    ...(period === 'end-only' ? { period: { end } } : {}),
    created: isoDay(start),
    ...(careTeamId !== undefined && random.chance(0.7) ? { careTeam: [{ reference: `CareTeam/${careTeamId}` }] } : {}),
    ...(goals.length > 0 ? { goal: goals.map((g) => ({ reference: `Goal/${g}` })) } : {}),
    ...(random.chance(0.85) ? { activity: Array.from({ length: random.int(1, 3) }, () => activity(context, start)) } : {}),
  };
}

function consent(context: Context, id: string, patient: Reference): Consent {
  const { random } = context;
  const start = randomDay(random);
  const recipient = { coding: [{ system: SYSTEMS.participationType, code: 'IRCP', display: 'information recipient' }] };
  return {
    resourceType: 'Consent',
    id,
    status: random.weighted([['active', 70], ['inactive', 30]] as const),
    scope: { coding: [{ system: SYSTEMS.consentScope, code: 'patient-privacy' }] },
    category: [random.chance(0.8) ? coded(SYSTEMS.loinc, '59284-0', 'Suostumus') : coded(SYSTEMS.loinc, '57016-8')],
    patient,
    ...(random.chance(0.75) ? { dateTime: `${isoDay(start)}T09:15:00+02:00` } : {}),
    ...(random.chance(0.5) ? { performer: [patient] } : {}),
    ...(random.chance(0.6) ? { organization: [organizationReference(random)] } : {}),
    policyRule: coded(SYSTEMS.actCode, 'OPTIN'),
    provision: {
      type: 'permit',
      ...(random.chance(0.85) ? { period: { start: isoDay(start), ...(random.chance(0.7) ? { end: isoDay(start + random.int(90, 730)) } : {}) } } : {}),
      actor: Array.from({ length: random.int(1, 2) }, () => ({ role: recipient, reference: organizationReference(random) })),
    },
  };
}

/** Generates the data set; the same seed always gives the same resources. */
export function generateDataset(seed = 20_261_116, patientCount = 45): Dataset {
  const context: Context = { random: new Random(seed), sequence: 0 };
  const { random } = context;
  const patients = makePatients(random, patientCount);
  const teams: CareTeam[] = [];
  const goals: Goal[] = [];
  const plans: CarePlan[] = [];
  const consents: Consent[] = [];
  for (const patient of patients) {
    const n = patient.id.slice(4);
    const team = random.chance(0.8) ? careTeam(context, `ct-${n}`, random.chance(0.95) ? patientReference(random, patient) : undefined, `RelatedPerson/rp-${n}`) : undefined;
    if (team) teams.push(team);
    const own = Array.from({ length: random.weighted([[1, 15], [2, 20], [3, 30], [4, 35]] as const) }, (_, k) => goal(context, `goal-${n}-${k + 1}`, patientReference(random, patient)));
    goals.push(...own);
    const planCount = random.weighted([[0, 15], [1, 40], [2, 45]] as const);
    for (let k = 1; k <= planCount; k++) plans.push(carePlan(context, `cp-${n}-${k}`, patientReference(random, patient), team?.id, own.map((g) => g.id!)));
    if (random.chance(0.7)) consents.push(consent(context, `consent-${n}`, patientReference(random, patient)));
  }
  // Group-level plans, teams and goals: `subject` matches them, `patient` must not.
  GROUPS.forEach((group, i) => {
    teams.push(careTeam(context, `ct-grp-${i + 1}`, { reference: group }, `RelatedPerson/rp-grp-${i + 1}`));
    goals.push(goal(context, `goal-grp-${i + 1}`, { reference: group }));
    plans.push(carePlan(context, `cp-grp-${i + 1}`, { reference: group }, `ct-grp-${i + 1}`, [`goal-grp-${i + 1}`]));
  });
  plans.push(carePlan(context, 'cp-grp-3', { type: 'Group', identifier: { system: 'https://example.fi/fhir/sid/group', value: 'ryhma-3' } }, undefined, []));
  // A team not yet assigned to anyone: `subject:missing=true`.
  teams.push(careTeam(context, 'ct-unassigned', undefined, 'RelatedPerson/rp-unassigned'));
  return { patients, resources: [...teams, ...goals, ...plans, ...consents] };
}
