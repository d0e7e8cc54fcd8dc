/**
 * Bulk loader for the search benchmark: stores synthetic shared care plans in the table exactly
 * as the API would — the same items, built by the same code — but with BatchWriteItem instead of
 * one TransactWriteItems per resource.
 *
 * Per resource the API's create path is followed step by step:
 * `validated(stripServerManaged(body))` (the stored body is the validator's output),
 * {@link ResourceService.plan} (version 1, `lastUpdated` strictly after the lane's last change,
 * the lane's next number, {@link indexEntries}), and {@link buildTransaction}, whose
 * put actions — current item with its index attributes, version record, anchor items, identifier
 * uniqueness items — become BatchWriteItem put requests (their conditions only guard against
 * concurrent writers). Everything goes into lane 0 of each type; its numbers are tracked here in
 * the order the resources are generated, and the lane counters are written once at the end with
 * the very `Update` actions a transaction would carry. Nothing of the layout is
 * re-implemented, so a change to the item codec, the keys or the transaction changes what the
 * loader writes too (`bench/search.ts` checks the result item for item against the API).
 *
 * The data are deterministic: patient `i` always yields the same resources, ids and identity code,
 * so a table of 200 patients holds exactly the first 200 patients of a table of 20 000.
 */
import { createHash } from 'node:crypto';
import { BatchWriteItemCommand, UpdateItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { CarePlan, CareTeam, Consent, FhirResource, Goal, Reference } from 'fhir/r4.js';
import type { SupportedResourceType } from '../schemas/index.js';
import { DynamoResourceRepository, type LaneState } from '../functions/api/repository/index.js';
import { buildTransaction } from '../functions/api/repository/transaction.js';
import { ResourceService, writeOf } from '../functions/api/services/resource-service.js';
import { BENCH_ORG, benchActor } from './actor.js';
import { SOTE_ORGANIZATION_SYSTEM } from '../functions/api/access/index.js';
import { carePlanFixture, careTeamFixture, consentFixture, goalFixture } from '../test/fixtures/shared-plan.js';
import { seededRandom } from '../test/support/seeded-random.js';

/** Henkilötunnus (Finnish personal identity code) system. */
export const HETU_SYSTEM = 'urn:oid:1.2.246.21';
/** System of the synthetic care plans' business identifiers. */
export const PLAN_IDENTIFIER_SYSTEM = 'https://example.fi/fhir/NamingSystem/shared-care-plan-id';
/** Resources stored per synthetic patient: 1 CarePlan, 1 CareTeam, 1 Consent, 2 Goals. */
export const RESOURCES_PER_PATIENT = 5;
/**
 * A second organisation (synthetic OID, the fictitious business ID 7654321) that holds nothing
 * but is named by the Consents of a few patients: what a non-custodian's search finds.
 */
export const PARTNER_ORG = '1.2.246.10.7654321.10.3';
/**
 * Whether patient `index`'s Consent also names {@link PARTNER_ORG}, from 2023-12-01 with no end
 * (so it is in force whenever the benchmark runs): every 20th of the first 200 patients, so a table of 1 000
 * resources and one of 100 000 both hold the same 10 such clients.
 */
export const namesPartner = (index: number): boolean => index < 200 && index % 20 === 0;
/**
 * Patients per care unit. Each unit has its own {@link PRACTITIONERS_PER_UNIT} practitioners, and
 * every care team draws its members from its unit, so how many teams a practitioner is in does
 * not grow with the table — a participant search has the same result size at any table size.
 */
export const PATIENTS_PER_UNIT = 20;
/** Practitioners of one care unit. */
export const PRACTITIONERS_PER_UNIT = 8;

const CHECK_CHARS = '0123456789ABCDEFHJKLMNPRSTUVWXY';
const FIRST_BIRTH_DAY = Date.UTC(1930, 0, 1);
/** Days from 1930-01-01 to 2020-12-31 inclusive. */
const BIRTH_DAYS = Math.round((Date.UTC(2020, 11, 31) - FIRST_BIRTH_DAY) / 86_400_000) + 1;
/** Distinct (birth date, individual number 900–999) pairs. */
const HETU_SPACE = BIRTH_DAYS * 100;
/** A prime not dividing {@link HETU_SPACE}: `i ↦ i·STRIDE mod HETU_SPACE` is a bijection. */
const HETU_STRIDE = 7919;

const CARE_PLAN_STATUSES: readonly { status: CarePlan['status']; weight: number }[] = [
  { status: 'active', weight: 60 },
  { status: 'draft', weight: 10 },
  { status: 'on-hold', weight: 10 },
  { status: 'completed', weight: 15 },
  { status: 'revoked', weight: 5 },
];
const GOAL_STATUSES: readonly Goal['lifecycleStatus'][] = ['active', 'active', 'active', 'accepted', 'planned', 'completed', 'on-hold'];
const PRACTITIONER_ROLES = [
  { system: 'https://example.fi/fhir/CodeSystem/shared-plan-role', code: 'coordinator', display: 'Vastuutyöntekijä' },
  { system: 'http://snomed.info/sct', code: '106328005', display: 'Social worker' },
  { system: 'http://snomed.info/sct', code: '224535009', display: 'Registered nurse' },
  { system: 'http://snomed.info/sct', code: '158965000', display: 'Medical practitioner' },
  { system: 'http://snomed.info/sct', code: '36682004', display: 'Physiotherapist' },
] as const;

export { seededRandom };

/** A deterministic version-4-shaped UUID for `name` (so ids look like the API's). */
export function syntheticId(name: string): string {
  const hex = createHash('sha256').update(`scp-bench:${name}`).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The personal identity code of synthetic patient `index`: a birth date in 1930–2020, an
 * individual number in the test range 900–999 and a correct check character. Distinct for every
 * index below 3.3 million.
 */
export function syntheticHetu(index: number): string {
  const k = (index * HETU_STRIDE + 12_345) % HETU_SPACE;
  const birth = new Date(FIRST_BIRTH_DAY + (k % BIRTH_DAYS) * 86_400_000);
  const individual = String(900 + Math.floor(k / BIRTH_DAYS));
  const dd = String(birth.getUTCDate()).padStart(2, '0');
  const mm = String(birth.getUTCMonth() + 1).padStart(2, '0');
  const yy = String(birth.getUTCFullYear() % 100).padStart(2, '0');
  const century = birth.getUTCFullYear() >= 2000 ? 'A' : '-';
  const check = CHECK_CHARS[Number(`${dd}${mm}${yy}${individual}`) % 31];
  return `${dd}${mm}${yy}${century}${individual}${check}`;
}

/** Id of practitioner `n` of care unit `unit`. */
export const practitionerId = (unit: number, n: number): string => syntheticId(`practitioner:${unit}:${n}`);

/** One resource to store, with the id the loader gives it. */
export interface SyntheticResource {
  readonly resourceType: SupportedResourceType;
  readonly id: string;
  /** The request body: no id, no meta (as a client would POST it). */
  readonly body: FhirResource;
}

/** Everything of one synthetic patient, and what searches for it must find. */
export interface SyntheticPatient {
  readonly index: number;
  readonly patientId: string;
  readonly hetu: string;
  readonly carePlanId: string;
  /** `<system>|<value>` of the care plan's business identifier. */
  readonly carePlanIdentifier: string;
  readonly carePlanStatus: CarePlan['status'];
  readonly careTeamId: string;
  readonly consentId: string;
  readonly goalIds: readonly [string, string];
  /** `Practitioner/<id>` of the care team's members. */
  readonly participants: readonly string[];
  /** In store order: CareTeam, Goal, Goal, CarePlan, Consent. */
  readonly resources: readonly SyntheticResource[];
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Synthetic patient `index` with their plan, care team, consent and two goals (deterministic). */
export function syntheticPatient(index: number): SyntheticPatient {
  const random = seededRandom(0x5eed ^ Math.imul(index + 1, 0x9e3779b1));
  const patientId = syntheticId(`patient:${index}`);
  const hetu = syntheticHetu(index);
  const carePlanId = syntheticId(`careplan:${index}`);
  const careTeamId = syntheticId(`careteam:${index}`);
  const consentId = syntheticId(`consent:${index}`);
  const goalIds = [syntheticId(`goal:${index}:0`), syntheticId(`goal:${index}:1`)] as const;
  const patient = (): Reference => ({ reference: `Patient/${patientId}`, type: 'Patient', identifier: { system: HETU_SYSTEM, value: hetu } });

  // Plan period: started some time in 2024–2026, six or twelve months long.
  const start = Date.UTC(2024, 0, 1) + Math.floor(random() * 3 * 365) * 86_400_000;
  const end = start + (random() < 0.5 ? 182 : 365) * 86_400_000;
  let roll = random() * 100;
  const carePlanStatus = (CARE_PLAN_STATUSES.find((entry) => (roll -= entry.weight) < 0) ?? CARE_PLAN_STATUSES[0]!).status;
  const planNumber = `SCP-${String(index).padStart(7, '0')}`;

  const unit = Math.floor(index / PATIENTS_PER_UNIT);
  const teamSize = 2 + Math.floor(random() * 3);
  const members: number[] = [];
  while (members.length < teamSize) {
    const n = Math.floor(random() * PRACTITIONERS_PER_UNIT);
    if (!members.includes(n)) members.push(n);
  }
  const participants = members.map((n) => `Practitioner/${practitionerId(unit, n)}`);

  const careTeam: CareTeam = {
    ...careTeamFixture(),
    name: `Asiakkaan ${planNumber} omatiimi`,
    subject: patient(),
    period: { start: isoDate(start) },
    participant: members.map((n, position) => {
      const role = PRACTITIONER_ROLES[position === 0 ? 0 : 1 + (n % (PRACTITIONER_ROLES.length - 1))]!;
      return {
        role: [{ coding: [{ ...role }], text: role.display }],
        member: { reference: `Practitioner/${practitionerId(unit, n)}`, display: `Työntekijä ${unit}-${n}` },
        period: { start: isoDate(start) },
      };
    }),
  };

  const goals = goalIds.map((_, n): Goal => {
    const base = goalFixture();
    return {
      ...base,
      lifecycleStatus: pick(random, GOAL_STATUSES),
      subject: patient(),
      expressedBy: patient(),
      startDate: isoDate(start),
      target: [{ dueDate: isoDate(end) }],
      ...(n === 1 ? { description: { text: 'Haluan liikkua kodin ulkopuolella itsenäisesti ja käydä kaupassa kerran viikossa.' }, category: [{ text: 'Liikkuminen' }] } : {}),
    };
  });

  const planBase = carePlanFixture();
  const carePlan: CarePlan = {
    ...planBase,
    identifier: [{ system: PLAN_IDENTIFIER_SYSTEM, value: planNumber }],
    status: carePlanStatus,
    subject: patient(),
    period: { start: isoDate(start), end: isoDate(end) },
    created: `${isoDate(start)}T10:30:00+02:00`,
    contributor: [patient(), ...participants.slice(0, 2).map((reference) => ({ reference }))],
    careTeam: [{ reference: `CareTeam/${careTeamId}` }],
    goal: goalIds.map((id) => ({ reference: `Goal/${id}` })),
  };

  const consentBase = consentFixture();
  const consent: Consent = {
    ...consentBase,
    patient: patient(),
    performer: [patient()],
    dateTime: `${isoDate(start - 4 * 86_400_000)}T09:15:00+02:00`,
    provision: { ...consentBase.provision, period: { start: isoDate(start - 4 * 86_400_000), end: isoDate(start + 361 * 86_400_000) } },
  };
  if (namesPartner(index)) {
    const actors = consentBase.provision?.actor ?? [];
    const partner = { role: actors[0]!.role, reference: { type: 'Organization', identifier: { system: SOTE_ORGANIZATION_SYSTEM, value: PARTNER_ORG } } };
    consent.provision = { ...consent.provision, period: { start: '2023-12-01' }, actor: [...actors, partner] };
  }

  return {
    index,
    patientId,
    hetu,
    carePlanId,
    carePlanIdentifier: `${PLAN_IDENTIFIER_SYSTEM}|${planNumber}`,
    carePlanStatus,
    careTeamId,
    consentId,
    goalIds,
    participants,
    resources: [
      { resourceType: 'CareTeam', id: careTeamId, body: careTeam },
      { resourceType: 'Goal', id: goalIds[0], body: goals[0]! },
      { resourceType: 'Goal', id: goalIds[1], body: goals[1]! },
      { resourceType: 'CarePlan', id: carePlanId, body: carePlan },
      { resourceType: 'Consent', id: consentId, body: consent },
    ],
  };
}

/** Options of {@link loadSynthetic}. */
export interface LoadOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Patients to store ({@link RESOURCES_PER_PATIENT} resources each), indexes `0 … patients-1`. */
  readonly patients: number;
  /**
   * BatchWriteItem calls in flight. DynamoDB Local runs all SQLite work on one thread, so more
   * than a few only add lock waits (on a table with a stream, 4 or 8 are far slower than 1).
   * @default 3
   */
  readonly concurrency?: number;
  /** The clock of {@link ResourceService.plan}. @default the real clock */
  readonly now?: () => Date;
  /** Called after every `patients / 20` patients with the patients and items written so far. */
  readonly onProgress?: (patients: number, items: number) => void;
}

/** What {@link loadSynthetic} stored and how long it took. */
export interface LoadResult {
  readonly resources: number;
  readonly items: number;
  readonly batchCalls: number;
  /** Wall-clock milliseconds, generation and validation included. */
  readonly ms: number;
}

/** DynamoDB's limit of put requests in one BatchWriteItem. */
const BATCH_SIZE = 25;

/**
 * Writes one BatchWriteItem and retries its UnprocessedItems with jittered backoff. The SDK
 * already retries throttling and network errors.
 */
async function batchWrite(client: DynamoDBClient, tableName: string, requests: WriteRequest[]): Promise<void> {
  let pending = requests;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** Math.min(attempt, 6)));
    if (attempt > 20) throw new Error(`BatchWriteItem on ${tableName}: ${pending.length} items still unprocessed after ${attempt} attempts`);
    const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
    pending = result.UnprocessedItems?.[tableName] ?? [];
  }
}

/**
 * Stores synthetic patients `0 … patients-1` in `tableName`, item for item as the API's create
 * would (see the module comment), continuing lane 0 of each type's change feed.
 * The table must not hold these patients yet: puts are unconditional.
 */
export async function loadSynthetic(options: LoadOptions): Promise<LoadResult> {
  const started = performance.now();
  const { client, tableName } = options;
  const concurrency = options.concurrency ?? 3;
  const repository = new DynamoResourceRepository({ client, tableName });
  const service = new ResourceService({ repository, actor: benchActor(repository, options.now), ...(options.now ? { now: options.now } : {}) });
  const types: SupportedResourceType[] = ['CarePlan', 'CareTeam', 'Consent', 'Goal'];
  const initial: ReadonlyMap<string, LaneState> = await repository.readLanes(types.map((resourceType) => ({ resourceType, lane: 0 })));
  const lanes = new Map(initial);
  /** The first lastUpdated stamped in each lane by this load. */
  const first = new Map<string, string>();

  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let buffer: WriteRequest[] = [];
  let items = 0;
  let batchCalls = 0;
  /** Each Consent's facts on its client's consents item: Update actions, applied after the puts. */
  const consentUpdates: NonNullable<import('@aws-sdk/client-dynamodb').TransactWriteItem['Update']>[] = [];
  const flush = async (): Promise<void> => {
    if (buffer.length === 0) return;
    const requests = buffer;
    buffer = [];
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure) throw failure;
    batchCalls++;
    const call: Promise<void> = batchWrite(client, tableName, requests).then(
      () => void inFlight.delete(call),
      (error: unknown) => {
        inFlight.delete(call);
        failure ??= error;
      },
    );
    inFlight.add(call);
  };

  for (let index = 0; index < options.patients; index++) {
    for (const { resourceType, id, body } of syntheticPatient(index).resources) {
      // The create path of ResourceService: validate (store the validator's output), plan, build.
      const resource = service.prepare(resourceType, body, true, BENCH_ORG);
      const lane = lanes.get(resourceType)!;
      const { version } = service.plan(resourceType, id, resource, undefined, lane, 'POST', { kind: 'creator' });
      lanes.set(resourceType, { ...lane, seq: version.seq ?? lane.seq + 1, lastUpdated: version.lastUpdated });
      if (!first.has(resourceType)) first.set(resourceType, version.lastUpdated);
      const write = writeOf(version, undefined);
      const { items: actions, purposes } = buildTransaction(tableName, { writes: [write], sequences: [] });
      actions.forEach((action, position) => {
        const purpose = purposes[position];
        // The lane advances are written once, at the end; consent summaries with them.
        if (purpose?.kind === 'sequence') return;
        if (purpose?.kind === 'consents' && action.Update) {
          consentUpdates.push(action.Update);
          return;
        }
        // The rest of a create are puts whose conditions only guard against concurrent writers,
        // which a bulk load into fresh keys does not have.
        if (!action.Put?.Item) throw new Error(`unexpected ${purpose?.kind ?? '?'} action for a create of ${resourceType}/${id}`);
        buffer.push({ PutRequest: { Item: action.Put.Item } });
        items++;
      });
      if (buffer.length >= BATCH_SIZE) {
        const rest = buffer.splice(BATCH_SIZE);
        await flush();
        buffer = rest;
      }
    }
    if (options.onProgress && (index + 1) % Math.max(1, Math.floor(options.patients / 20)) === 0) options.onProgress(index + 1, items);
  }
  while (buffer.length > 0) {
    const rest = buffer.splice(BATCH_SIZE);
    await flush();
    buffer = rest;
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  for (const update of consentUpdates) {
    await client.send(new UpdateItemCommand(update));
    items++;
  }

  // The lane counters, advanced from what was read to the last number assigned, with the same
  // Update actions (and conditions) a transaction carries.
  const advances = types.flatMap((resourceType) => {
    const from = initial.get(resourceType)!;
    const to = lanes.get(resourceType)!;
    return to.seq === from.seq ? [] : [{ resourceType, lane: 0, expected: from.seq, next: to.seq, first: first.get(resourceType)!, lastUpdated: to.lastUpdated ?? '' }];
  });
  for (const action of buildTransaction(tableName, { writes: [], sequences: advances }).items) {
    if (!action.Update) throw new Error('expected only lane Update actions');
    await client.send(new UpdateItemCommand(action.Update));
    items++;
  }
  return { resources: options.patients * RESOURCES_PER_PATIENT, items, batchCalls, ms: performance.now() - started };
}
