/**
 * Representative search queries over the generated data set, covering every searched element
 * of the four resource types, each modifier and prefix implemented, and OR / AND combinations.
 * Written as a FHIR client would send them (values URL-encoded where needed).
 */
import type { Dataset } from './dataset.js';
import { HOPA_PLAN_DEFINITION, SYSTEMS } from './dataset-values.js';

/** One query: `GET [base]/[type]?[query]`. `{lastUpdated}` is replaced at run time (see below). */
export interface RepresentativeQuery {
  type: 'CarePlan' | 'CareTeam' | 'Consent' | 'Goal';
  query: string;
}

/**
 * Placeholder for the `meta.lastUpdated` the server gave the middle resource of the type, so
 * that a `_lastUpdated` query splits the stored resources although the times are assigned at load.
 */
export const LAST_UPDATED_PLACEHOLDER = '{lastUpdated}';

/** The queries for `dataset`; patients are picked by id, their HETUs looked up. */
export function representativeQueries(dataset: Dataset): RepresentativeQuery[] {
  const hetu = (id: string) => {
    const patient = dataset.patients.find((p) => p.id === id);
    if (!patient) throw new Error(`no patient ${id} in the data set`);
    return encodeURIComponent(`${SYSTEMS.hetu}|${patient.hetu}`);
  };
  const sote = (n: number) => encodeURIComponent(`${SYSTEMS.sote}|1.2.246.10.12345678.10.${n}`);
  const enc = encodeURIComponent;
  const q = (type: RepresentativeQuery['type'], ...queries: string[]) => queries.map((query) => ({ type, query }));
  return [
    ...q(
      'CarePlan',
      'patient=Patient/pat-12',
      `patient:identifier=${hetu('pat-12')}`,
      'patient=Patient/pat-07,Patient/pat-21',
      `subject:identifier=${hetu('pat-21')}`,
      'subject=Group/grp-1,Group/grp-2',
      'patient:missing=true',
      'status=active',
      'status=active,on-hold&intent=plan',
      'status:not=completed',
      'status:not=completed&status:not=revoked',
      `category=${enc(`${SYSTEMS.snomed}|734163000`)}`,
      `category=${enc(`${SYSTEMS.planType}|`)}`,
      'category:missing=true',
      'intent:not=plan&category=734163000',
      `identifier=${enc(`${SYSTEMS.carePlanId}|CP-22`)},${enc('|LEGACY-56')},CP-4`,
      'care-team=CareTeam/ct-12,CareTeam/ct-20',
      'care-team:missing=false',
      'goal=Goal/goal-12-1',
      'goal=goal-21-3',
      'performer=Practitioner/prac-03',
      `activity-code=${enc(`${SYSTEMS.snomed}|410155007`)}`,
      'date=ge2026-06-01',
      'date=ge2026',
      'date=le2026-06',
      'date=lt2026',
      'date=eq2026',
      'date=ne2026',
      'date=sa2025-06-30&date=eb2027',
      'date:missing=true',
      'activity-date=ge2027-01-01',
      'activity-date=ge2026-06',
      'activity-date=le2025-06-30',
      'activity-date=eb2026-01',
      `activity-date=gt${enc('2026-06-15T12:00:00+03:00')}`,
      'activity-date:missing=true',
      '_id=cp-01-1,cp-12-2,cp-grp-3,no-such-id',
      `_tag=${enc(`${SYSTEMS.dataset}|batch-a`)}`,
      `instantiates-uri=${enc(HOPA_PLAN_DEFINITION)}`,
      '_lastUpdated=gt2000-01-01',
      '_lastUpdated=lt2000-01-01',
      `_lastUpdated=lt${LAST_UPDATED_PLACEHOLDER}`,
    ),
    ...q(
      'CareTeam',
      'participant=Practitioner/prac-02',
      'participant=RelatedPerson/rp-12,RelatedPerson/rp-21',
      'participant=Organization/org-1&status=active',
      `participant:identifier=${sote(3)}`,
      'patient=Patient/pat-02',
      `patient:identifier=${hetu('pat-15')}`,
      'subject:missing=true',
      'status=active,proposed',
      'status:missing=true',
      'status:not=active',
      `category=${enc(`${SYSTEMS.loinc}|LA28865-6`)}`,
      'date=ge2027-01-01',
      'date=le2025-12-31',
      'date=gt2026&date=le2027',
      '_id=ct-02,ct-grp-1',
    ),
    ...q(
      'Consent',
      'actor=Organization/org-2',
      `actor:identifier=${sote(3)}`,
      'status=active',
      'status:not=active',
      'patient=Patient/pat-20,Patient/pat-41',
      `patient:identifier=${hetu('pat-35')}`,
      'organization=org-1',
      'period=ge2027-06-01',
      'period=le2026',
      'period=eb2026-07-01',
      'period:missing=true',
      'date=lt2026-01-01',
      'date:missing=true',
      `category=${enc(`${SYSTEMS.loinc}|59284-0`)}&status=inactive`,
      `scope=${enc(`${SYSTEMS.consentScope}|patient-privacy`)}`,
    ),
    ...q(
      'Goal',
      'lifecycle-status=active,accepted',
      'lifecycle-status:not=cancelled&lifecycle-status:not=entered-in-error',
      `category=${enc(`${SYSTEMS.goalCategory}|behavioral`)},${enc(`${SYSTEMS.goalCategory}|safety`)}`,
      'category:missing=true',
      `category:not=${enc(`${SYSTEMS.goalCategory}|behavioral`)}`,
      'start-date=ge2026-06-01',
      'start-date=lt2026',
      'start-date=eq2026-05',
      'start-date:missing=true',
      'target-date=le2027-06-30',
      'target-date=ge2027',
      'target-date=sa2027-12-31',
      'target-date=ge2026-01-01&target-date=lt2026-07-01',
      'patient=Patient/pat-07&lifecycle-status=active',
      `patient:identifier=${hetu('pat-21')}`,
      'subject=Group/grp-2',
      `achievement-status=${enc(`${SYSTEMS.goalAchievement}|in-progress`)},improving`,
      `identifier=${enc(`${SYSTEMS.goalId}|`)}`,
      '_tag:missing=false',
      `_lastUpdated=ge${LAST_UPDATED_PLACEHOLDER}`,
    ),
  ];
}
