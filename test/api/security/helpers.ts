/**
 * Shared by the authorization matrix (`test/api/security/`): synthetic clients, a custodian's
 * plan carrying a unique marker, Consents in every state the policy distinguishes, and the three
 * checks every case makes — the status, the whole response (status, headers, body) free of what
 * the caller may not see, and the AuditEvents the request left.
 *
 * @see docs/access-policy.md
 */
import { randomUUID } from 'node:crypto';
import type { AuditEvent, CarePlan, CareTeam, Consent, ConsentProvision, Goal, Reference } from 'fhir/r4.js';
import { expect } from 'vitest';
import { LEGAL_BASIS_EXTENSION_URL, REQUEST_ID_SYSTEM } from '../../../functions/api/audit/index.js';
import { CUSTODIAN_EXTENSION_URL } from '../../../functions/api/access/custodian.js';
import { carePlanFixture, careTeamFixture, goalFixture } from '../../fixtures/shared-plan.js';
import { call, type TestApi } from '../../support/api.js';
import { HETU_SYSTEM, makeHetu } from '../../search/independent/hetu.js';
import { auditRecords } from '../bundle/helpers.js';

export { auditRecords, tableSnapshot } from '../bundle/helpers.js';

/** SOTE organisation register: how a Consent names an organisation as actor. */
export const SOTE_SYSTEM = 'urn:oid:1.2.246.537.6.202.2008';
/** A synthetic business identifier system of plans. */
export const PLAN_ID_SYSTEM = 'https://example.fi/fhir/sid/security-matrix-plan';

let nextIndividual = 900;

/** A fresh synthetic henkilötunnus (individual numbers 900–999 only), one per scenario. */
export function newClient(): string {
  if (nextIndividual > 999) throw new Error('out of synthetic individual numbers');
  return makeHetu({ year: 1980, month: 10, day: 31 }, '-', nextIndividual++);
}

/** `Patient` reference by henkilötunnus. */
export const clientRef = (hetu: string): Reference => ({ type: 'Patient', identifier: { system: HETU_SYSTEM, value: hetu } });

/** `patient:identifier=…` search value of a client. */
export const byClient = (hetu: string): string => `patient:identifier=${encodeURIComponent(`${HETU_SYSTEM}|${hetu}`)}`;

/** `identifier=…` search value of a plan. */
export const byPlanIdentifier = (value: string): string => `identifier=${encodeURIComponent(`${PLAN_ID_SYSTEM}|${value}`)}`;

/** A resource body as tests build it. */
export type Body = { readonly resourceType: string; readonly [key: string]: unknown };

/** One HTTP exchange, with everything the caller received as one string (for leak checks). */
export interface Exchange {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
  readonly requestId: string;
  /** Status, every header and the body, serialised. */
  readonly text: string;
}

type CallInit = NonNullable<Parameters<typeof call>[1]>;

/** `call` with a fresh `X-Request-Id`, so the request's AuditEvents can be found afterwards. */
export async function exchange(url: string, init: CallInit = {}): Promise<Exchange> {
  const requestId = `matrix-${randomUUID()}`;
  const res = await call(url, { ...init, headers: { ...init.headers, 'x-request-id': requestId } });
  const text = JSON.stringify({ status: res.status, headers: [...res.headers.entries()], body: res.body });
  return { ...res, requestId, text };
}

/** What a caller must never see of a resource it may not read. */
export interface Secret {
  readonly resourceType: string;
  readonly id: string;
  /** Unique text in the resource's content. */
  readonly marker: string;
  readonly lastUpdated: string;
}

/** A custodian's plan about one client: CarePlan, CareTeam and Goal, each with the marker. */
export interface Plan {
  readonly client: string;
  readonly marker: string;
  /** The plan's business identifier value (system {@link PLAN_ID_SYSTEM}). */
  readonly identifier: string;
  readonly plan: CarePlan & { id: string };
  readonly team: CareTeam & { id: string };
  readonly goal: Goal & { id: string };
  /** All three, for leak checks. */
  readonly secrets: readonly Secret[];
}

async function created<T>(api: TestApi, resource: Body, token?: string): Promise<T & { id: string }> {
  const res = await call(`${api.base}/${resource.resourceType}`, { method: 'POST', body: resource, ...(token ? { token } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const secretOf = (resource: { resourceType: string; id: string; meta?: { lastUpdated?: string } }, marker: string): Secret => ({
  resourceType: resource.resourceType,
  id: resource.id,
  marker,
  lastUpdated: resource.meta!.lastUpdated!,
});

/**
 * Creates a plan about `client` as the caller of `token` (default: the API's token, TEST_ORG):
 * a CareTeam, a Goal and a CarePlan referencing both, each carrying `SALAINEN-<uuid>`.
 */
export async function createPlan(api: TestApi, client: string, options: { token?: string; teamRef?: string } = {}): Promise<Plan> {
  const marker = `SALAINEN-${randomUUID()}`;
  const identifier = `plan-${randomUUID()}`;
  const team = await created<CareTeam>(api, { ...careTeamFixture(), name: `Omatiimi ${marker}`, subject: clientRef(client) }, options.token);
  const goal = await created<Goal>(api, { ...goalFixture(), description: { text: `Tavoite ${marker}` }, subject: clientRef(client), expressedBy: clientRef(client) }, options.token);
  const plan = await created<CarePlan>(
    api,
    {
      ...carePlanFixture(),
      identifier: [{ system: PLAN_ID_SYSTEM, value: identifier }],
      description: `Asiakkaan tarve ${marker}`,
      subject: clientRef(client),
      contributor: [clientRef(client)],
      careTeam: [{ reference: options.teamRef ?? `CareTeam/${team.id}` }],
      goal: [{ reference: `Goal/${goal.id}` }],
    },
    options.token,
  );
  return { client, marker, identifier, plan, team, goal, secrets: [secretOf(plan, marker), secretOf(team, marker), secretOf(goal, marker)] };
}

/** What a Consent says, beyond the policy's minimal permit for one organisation. */
export interface ConsentShape {
  readonly status?: Consent['status'];
  readonly period?: { start?: string; end?: string };
  /** Nested provisions (e.g. a deny). */
  readonly nested?: ConsentProvision[];
}

/** An actor naming organisation `oid` by its SOTE identifier (docs/access-policy.md). */
export const actorOf = (oid: string): NonNullable<ConsentProvision['actor']>[number] => ({
  role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] },
  reference: { identifier: { system: SOTE_SYSTEM, value: oid } },
});

/** The policy's minimal Consent: `client` permits organisation `oid` (status, period and nesting adjustable). */
export function consentFor(client: string, oid: string, shape: ConsentShape = {}): Consent {
  return {
    resourceType: 'Consent',
    status: shape.status ?? 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    patient: { identifier: { system: HETU_SYSTEM, value: client } },
    dateTime: '2026-11-16T10:30:00+02:00',
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
    provision: {
      type: 'permit',
      ...(shape.period ? { period: shape.period } : {}),
      actor: [actorOf(oid)],
      ...(shape.nested ? { provision: shape.nested } : {}),
    },
  };
}

/** Records `consent` as the caller of `token` (default: the custodian TEST_ORG). */
export async function recordConsent(api: TestApi, consent: Consent, token?: string): Promise<Consent & { id: string }> {
  return created<Consent>(api, { ...consent }, token);
}

/**
 * Nothing of `secrets` appears anywhere in the response: not the marker, not the version's
 * instant, and — unless the caller named it in the request — not the id.
 */
export function expectNothingOf(res: Exchange, secrets: readonly Secret[], options: { idNamedByCaller?: boolean } = {}): void {
  for (const secret of secrets) {
    expect(res.text, `marker of ${secret.resourceType}/${secret.id}`).not.toContain(secret.marker);
    expect(res.text, `lastUpdated of ${secret.resourceType}/${secret.id}`).not.toContain(secret.lastUpdated);
    if (!options.idNamedByCaller) expect(res.text, `id of ${secret.resourceType}/${secret.id}`).not.toContain(secret.id);
  }
}

/** A refusal: the status, an OperationOutcome with `code`, and no ETag, Location or Last-Modified. */
export function expectRefused(res: Exchange, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.body?.resourceType).toBe('OperationOutcome');
  expect(res.body.issue.map((issue: { code: string }) => issue.code)).toContain(code);
  for (const header of ['etag', 'location', 'content-location', 'last-modified']) expect(res.headers.get(header), header).toBeNull();
}

/** The AuditEvents of `res` among `events` (found by its `X-Request-Id`). */
export const eventsOf = (events: readonly AuditEvent[], res: Pick<Exchange, 'requestId'>): AuditEvent[] =>
  events.filter((event) => (event.entity ?? []).some((entity) => entity.what?.identifier?.system === REQUEST_ID_SYSTEM && entity.what.identifier.value === res.requestId));

/** The AuditEvents the request left. */
export async function auditOf(api: TestApi, res: Pick<Exchange, 'requestId'>): Promise<AuditEvent[]> {
  return eventsOf((await auditRecords(api)) as AuditEvent[], res);
}

/** The legal bases an AuditEvent records. */
export const basesOf = (event: AuditEvent): string[] =>
  (event.extension ?? []).filter((extension) => extension.url === LEGAL_BASIS_EXTENSION_URL).map((extension) => extension.valueCode!);

/** Every literal reference among an AuditEvent's entities. */
export const entitiesOf = (event: AuditEvent): string[] => (event.entity ?? []).flatMap((entity) => (entity.what?.reference ? [entity.what.reference] : []));

/** The organisation an AuditEvent names as requestor. */
export const organizationOf = (event: AuditEvent): string | undefined =>
  event.agent.find((agent) => agent.who?.identifier?.system === SOTE_SYSTEM)?.who?.identifier?.value;

/** The AuditEvent about `client` (by henkilötunnus). */
export function eventAbout(events: readonly AuditEvent[], client: string): AuditEvent {
  const found = events.filter((event) => (event.entity ?? []).some((entity) => entity.what?.identifier?.system === HETU_SYSTEM && entity.what.identifier.value === client));
  expect(found, `AuditEvent about ${client} in ${JSON.stringify(events)}`).toHaveLength(1);
  return found[0]!;
}

/**
 * The request left AuditEvents, all with the expected outcome, none disclosing `secrets`.
 * `stored` (all AuditEvents, read once) saves a table scan when several requests are checked.
 */
export async function expectAudit(api: TestApi, res: Exchange, expected: { outcome: '0' | '4'; secrets?: readonly Secret[] }, stored?: readonly AuditEvent[]): Promise<AuditEvent[]> {
  const events = stored ? eventsOf(stored, res) : await auditOf(api, res);
  expect(events.length, `AuditEvents of ${res.requestId}`).toBeGreaterThan(0);
  for (const event of events) expect(event.outcome, JSON.stringify(event)).toBe(expected.outcome);
  for (const secret of expected.secrets ?? []) {
    for (const event of events) expect(entitiesOf(event).some((ref) => ref.startsWith(`${secret.resourceType}/${secret.id}/`))).toBe(false);
  }
  return events;
}

/** The custodian a stored resource carries (server-recorded meta extension). */
export const custodianOf = (resource: { meta?: { extension?: { url: string; valueIdentifier?: { value?: string } }[] } }): string | undefined =>
  resource.meta?.extension?.find((extension) => extension.url === CUSTODIAN_EXTENSION_URL)?.valueIdentifier?.value;

/** The ids of a Bundle's resource entries. */
export const idsIn = (bundle: { entry?: { resource?: { id?: string } }[] }): string[] => (bundle.entry ?? []).flatMap((entry) => (entry.resource?.id ? [entry.resource.id] : []));

/** Follows `next` links from `url`, returning each page. */
export async function allPages(url: string, token: string): Promise<Exchange[]> {
  const pages: Exchange[] = [];
  let next: string | undefined = url;
  while (next) {
    const page = await exchange(next, { token });
    expect(page.status, page.text).toBe(200);
    pages.push(page);
    next = (page.body.link as { relation: string; url: string }[]).find((link) => link.relation === 'next')?.url;
    expect(pages.length).toBeLessThan(50);
  }
  return pages;
}

/**
 * The usual scene of a denial: the custodian's plan about `client` (hidden from the other
 * organisation), a Consent of the custodian naming only a third organisation, a Goal the
 * custodian deleted, the other organisation's own plan about the same client, and a second
 * custodian plan referencing the other's CareTeam.
 */
export interface HiddenScene {
  readonly client: string;
  readonly hidden: Plan;
  /** Points at `own.team` (for `_revinclude`). */
  readonly pointing: Plan;
  readonly consent: Consent & { id: string };
  readonly deletedGoal: Goal & { id: string };
  readonly own: Plan;
  /** Everything of the custodian the other organisation must not see. */
  readonly secrets: readonly Secret[];
}

/** A third organisation, named by the custodian's Consent instead of the caller. */
export const THIRD_ORG = '1.2.246.10.2223334.10.3';

export async function hiddenScene(api: TestApi, otherToken: string): Promise<HiddenScene> {
  const client = newClient();
  const hidden = await createPlan(api, client);
  const own = await createPlan(api, client, { token: otherToken });
  const pointing = await createPlan(api, client, { teamRef: `CareTeam/${own.team.id}` });
  const marker = `SALAINEN-${randomUUID()}`;
  const consent = await recordConsent(api, { ...consentFor(client, THIRD_ORG), policyRule: { text: marker } });
  const goal = await created<Goal>(api, { ...goalFixture(), description: { text: `Poistettu ${marker}` }, subject: clientRef(client) });
  expect((await call(`${api.base}/Goal/${goal.id}`, { method: 'DELETE' })).status).toBe(204);
  const secrets = [...hidden.secrets, ...pointing.secrets, secretOf(consent, marker), secretOf(goal, marker)];
  return { client, hidden, pointing, consent, deletedGoal: goal, own, secrets };
}
