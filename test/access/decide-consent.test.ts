import { describe, expect, it } from 'vitest';
import {
  accessTargetOf,
  consentFacts,
  decide,
  type AccessAction,
  type AccessDecision,
  type AccessTarget,
  type ConsentFacts,
} from '../../functions/api/access/index.js';
import {
  CLIENT_HETU,
  CLIENT_KEY,
  consentJson,
  CUSTODIAN_ORG,
  HETU_SYSTEM,
  NOW,
  OTHER_CLIENT_HETU,
  OTHER_CLIENT_KEY,
  OTHER_ORG,
  orgActor,
  planTarget,
  principal,
  RECIPIENT_ORG,
  SOTE_SYSTEM,
} from './builders.js';

interface Ask {
  readonly action?: AccessAction;
  readonly now?: Date | string;
  readonly target?: AccessTarget;
  readonly organization?: string;
}

const facts = (json: unknown = consentJson(), custodian: string = CUSTODIAN_ORG): ConsentFacts => consentFacts(json, custodian);

function ask(consents: readonly ConsentFacts[], { action = 'read', now = NOW, target = planTarget(), organization = RECIPIENT_ORG }: Ask = {}): AccessDecision {
  return decide({ principal: principal(organization), action, target, consents, now: typeof now === 'string' ? new Date(now) : now });
}

const allowedBy = (id = 'consent-1'): AccessDecision => ({ allowed: true, basis: { kind: 'consent', consentId: id } });
const granted = (consents: readonly ConsentFacts[], options?: Ask): boolean => ask(consents, options).allowed;
/** A Consent whose root permit names the recipient and has `period`. */
const withPeriod = (period: unknown): ConsentFacts => facts(consentJson({}, { period }));
/** A Consent whose root permit names the recipient, with nested provisions. */
const withNested = (...provision: unknown[]): ConsentFacts => facts(consentJson({}, { provision }));

describe('an active privacy Consent recorded by the custodian', () => {
  it.each(['CarePlan', 'CareTeam', 'Goal'])('lets a named organisation read and update a %s', (resourceType) => {
    const target = planTarget({ resourceType });
    expect(ask([facts()], { target, action: 'read' })).toEqual(allowedBy());
    expect(ask([facts()], { target, action: 'update' })).toEqual(allowedBy());
  });

  it.each(['CarePlan', 'CareTeam', 'Goal'])('never lets a named organisation delete a %s (readable, so 403)', (resourceType) => {
    const decision = ask([facts()], { target: planTarget({ resourceType }), action: 'delete' });
    expect(decision).toMatchObject({ allowed: false, readable: true });
  });

  it('opens nothing to an organisation it does not name', () => {
    expect(ask([facts()], { organization: OTHER_ORG })).toMatchObject({ allowed: false, readable: false });
    expect(ask([facts()], { organization: OTHER_ORG, action: 'update' })).toMatchObject({ allowed: false, readable: false });
  });
});

describe('Consent status', () => {
  it.each([
    ['active', true],
    ['draft', false],
    ['proposed', false],
    ['rejected', false],
    ['inactive', false],
    ['entered-in-error', false],
    ['', false],
    ['ACTIVE', false],
  ])('status %j grants access: %s', (status, expected) => expect(granted([facts(consentJson({ status }))])).toBe(expected));

  it('withdrawal stops sharing at once: the same Consent made inactive grants nothing', () => {
    expect(granted([facts(consentJson({ status: 'active' }))])).toBe(true);
    expect(granted([facts(consentJson({ status: 'inactive' }))])).toBe(false);
  });

  it('requires the patient-privacy scope', () => {
    const research = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'research' }] };
    expect(granted([facts(consentJson({ scope: research }))])).toBe(false);
    expect(granted([facts(consentJson({ scope: undefined }))])).toBe(false);
  });
});

describe('validity period (date-only bounds in Europe/Helsinki, inclusive)', () => {
  // Default period 2026-11-16..2026-12-31 in Finland (UTC+2): 2026-11-15T22:00Z..2026-12-31T21:59:59.999Z.
  it.each([
    ['long before the start', '2026-01-01T00:00:00Z', false],
    ['one millisecond before Finnish midnight of the start day', '2026-11-15T21:59:59.999Z', false],
    ['at Finnish midnight of the start day (still the 15th in UTC)', '2026-11-15T22:00:00.000Z', true],
    ['within the period', '2026-12-01T10:00:00Z', true],
    ['at the last millisecond of the end day in Finland', '2026-12-31T21:59:59.999Z', true],
    ['at Finnish midnight after the end day (still the 31st in UTC)', '2026-12-31T22:00:00.000Z', false],
    ['long after the end', '2027-06-01T00:00:00Z', false],
  ])('%s: %s', (_name, now, expected) => expect(granted([facts()], { now })).toBe(expected));

  describe('across the autumn DST change (2026-10-25, EEST → EET)', () => {
    const consent = withPeriod({ start: '2026-10-01', end: '2026-10-25' });
    it.each([
      ['21:00Z on the 25th is 23:00 EET, still the end day', '2026-10-25T21:00:00Z', true],
      ['the last millisecond of the 25th in Finland (UTC+2 after the change)', '2026-10-25T21:59:59.999Z', true],
      ['midnight of the 26th in Finland', '2026-10-25T22:00:00.000Z', false],
      ['still the 25th in UTC but the 26th in Finland', '2026-10-25T23:30:00Z', false],
      ['start: the 1st begins at 21:00Z on 30 September (UTC+3)', '2026-09-30T21:00:00.000Z', true],
      ['start: one millisecond earlier', '2026-09-30T20:59:59.999Z', false],
    ])('%s: %s', (_name, now, expected) => expect(granted([consent], { now })).toBe(expected));
  });

  describe('across the spring DST change (2026-03-29, EET → EEST)', () => {
    const consent = withPeriod({ start: '2026-03-29', end: '2026-03-29' });
    it.each([
      ['one millisecond before the day begins (UTC+2)', '2026-03-28T21:59:59.999Z', false],
      ['the day begins at 22:00Z on the 28th', '2026-03-28T22:00:00.000Z', true],
      ['the last millisecond of the day (UTC+3 after the change)', '2026-03-29T20:59:59.999Z', true],
      ['midnight of the 30th in Finland', '2026-03-29T21:00:00.000Z', false],
    ])('%s: %s', (_name, now, expected) => expect(granted([consent], { now })).toBe(expected));
  });

  it.each([
    ['a month: December 2026', { start: '2026-12', end: '2026-12' }, '2026-12-31T21:59:59.999Z', true],
    ['a month: after December 2026 in Finland', { start: '2026-12', end: '2026-12' }, '2026-12-31T22:00:00.000Z', false],
    ['a year: 2026 begins in Finland', { start: '2026', end: '2026' }, '2025-12-31T22:00:00.000Z', true],
    ['a year: before 2026 in Finland', { start: '2026', end: '2026' }, '2025-12-31T21:59:59.999Z', false],
  ])('reads partial dates as whole periods in Finland — %s: %s', (_name, period, now, expected) =>
    expect(granted([withPeriod(period)], { now })).toBe(expected));

  it.each([
    ['at the exact start dateTime', '2026-12-01T08:00:00.000Z', true],
    ['one millisecond before it', '2026-12-01T07:59:59.999Z', false],
    ['at the exact end dateTime (minute precision)', '2026-12-01T14:30:00.000Z', true],
    ['one millisecond after it', '2026-12-01T14:30:00.001Z', false],
  ])('converts dateTimes with offsets exactly — %s: %s', (_name, now, expected) =>
    expect(granted([withPeriod({ start: '2026-12-01T10:00:00+02:00', end: '2026-12-01T16:30+02:00' })], { now })).toBe(expected));

  it.each([
    ['no period', undefined],
    ['an empty period', {}],
    ['only a start', { start: '2026-01-01' }],
    ['only an end', { end: '2030-12-31' }],
  ])('treats %s as open', (_name, period) => {
    for (const now of ['2026-06-01T00:00:00Z', '2029-06-01T00:00:00Z']) expect(granted([withPeriod(period)], { now })).toBe(true);
  });

  it.each([
    ['an unparseable start', { start: '16.11.2026' }],
    ['an unparseable end', { end: '2026-02-30' }],
    ['a time without offset', { start: '2026-11-16T08:00:00' }],
    ['a start after the end', { start: '2026-12-31', end: '2026-11-16' }],
  ])('fails closed: a root permit with %s is never in force', (_name, period) =>
    expect(granted([withPeriod(period)])).toBe(false));

  it('fails closed when now is not a valid date', () => expect(granted([facts()], { now: new Date(Number.NaN) })).toBe(false));
});

describe('provisions', () => {
  it.each([
    ['a root deny, even naming the organisation', { type: 'deny' }],
    ['a root provision without type', { type: undefined }],
    ['a root permit without actors (it names nobody)', { actor: [] }],
  ])('grant nothing with %s', (_name, root) => expect(granted([facts(consentJson({}, root))])).toBe(false));

  it('grant nothing without any provision', () => expect(granted([facts(consentJson({ provision: undefined }))])).toBe(false));

  it.each([
    ['a nested deny without actors (everyone)', { type: 'deny' }, false],
    ['a nested deny naming this organisation', { type: 'deny', actor: [orgActor(RECIPIENT_ORG)] }, false],
    ['a nested deny naming another organisation', { type: 'deny', actor: [orgActor(OTHER_ORG)] }, true],
    ['a nested deny whose period has ended', { type: 'deny', period: { end: '2026-11-30' } }, true],
    ['a nested deny not yet started', { type: 'deny', period: { start: '2026-12-02' } }, true],
    ['a nested deny in force now', { type: 'deny', period: { start: '2026-11-30', end: '2026-12-01' } }, false],
    ['a nested deny with an unparseable period (fails closed: always in force)', { type: 'deny', period: { end: 'soon' } }, false],
    ['a nested provision without type (counts as deny)', { actor: [orgActor(RECIPIENT_ORG)] }, false],
    ['a nested permit naming another organisation', { type: 'permit', actor: [orgActor(OTHER_ORG)] }, true],
  ])('%s: granted = %s', (_name, nested, expected) => expect(granted([withNested(nested)])).toBe(expected));

  it('lets a deny nested under a nested permit win', () =>
    expect(granted([withNested({ type: 'permit', actor: [orgActor(OTHER_ORG)], provision: [{ type: 'deny', actor: [orgActor(RECIPIENT_ORG)] }] })])).toBe(false));

  describe('a nested permit naming the organisation when the root permit does not', () => {
    const rootNamesOther = { actor: [orgActor(OTHER_ORG)] };
    const nested = (provision: Record<string, unknown>): ConsentFacts =>
      facts(consentJson({}, { ...rootNamesOther, provision: [{ type: 'permit', actor: [orgActor(RECIPIENT_ORG)], ...provision }] }));
    it.each([
      ['grants while in force', {}, NOW, true],
      ['grants within its own period', { period: { start: '2026-11-20', end: '2026-12-10' } }, NOW, true],
      ['grants nothing after its period', { period: { end: '2026-11-30' } }, NOW, false],
      ['grants nothing before its period', { period: { start: '2026-12-02' } }, NOW, false],
      ['grants nothing with an unparseable period', { period: { start: 'tomorrow' } }, NOW, false],
      ['grants nothing once the root period has ended', { period: { end: '2027-12-31' } }, new Date('2027-01-15T10:00:00Z'), false],
    ])('%s', (_name, provision, now, expected) => expect(granted([nested(provision)], { now })).toBe(expected));

    it('still grants the organisation the root names', () => expect(granted([nested({})], { organization: OTHER_ORG })).toBe(true));
  });

  describe('actor naming', () => {
    const naming = (reference: unknown): ConsentFacts => facts(consentJson({}, { actor: [{ reference }] }));
    it.each([
      ['Organization/<oid>', { reference: `Organization/${RECIPIENT_ORG}` }, true],
      ['an absolute Organization URL', { reference: `https://fhir.example.fi/fhir/Organization/${RECIPIENT_ORG}` }, true],
      ['the SOTE organisation identifier', { identifier: { system: SOTE_SYSTEM, value: RECIPIENT_ORG } }, true],
      ['a urn:ietf:rfc:3986 identifier urn:oid:<oid>', { identifier: { system: 'urn:ietf:rfc:3986', value: `urn:oid:${RECIPIENT_ORG}` } }, true],
      ['Organization/<non-OID id>', { reference: 'Organization/terveysasema' }, false],
      ['a display name', { display: 'Testialueen terveysasema' }, false],
      ['a practitioner of the organisation', { reference: 'Practitioner/pr-1' }, false],
    ])('by %s: granted = %s', (_name, reference, expected) => expect(granted([naming(reference)])).toBe(expected));
  });
});

describe('who recorded the Consent', () => {
  it('opens only the resources of the organisation that recorded it', () => {
    expect(granted([facts(consentJson(), CUSTODIAN_ORG)])).toBe(true);
    expect(granted([facts(consentJson(), CUSTODIAN_ORG)], { target: planTarget({ custodian: OTHER_ORG }) })).toBe(false);
  });

  it('cannot be used to grant oneself access to another organisation’s plan', () => {
    const selfGranted = facts(consentJson(), RECIPIENT_ORG);
    expect(ask([selfGranted])).toMatchObject({ allowed: false, readable: false });
    expect(ask([selfGranted], { action: 'update' })).toMatchObject({ allowed: false, readable: false });
  });

  it('grants nothing when its custodian is unknown', () => expect(granted([consentFacts(consentJson(), undefined)])).toBe(false));
});

describe('which client', () => {
  const patientRef = { reference: 'Patient/p-1' };
  const hetu = { identifier: { system: HETU_SYSTEM, value: CLIENT_HETU } };
  const planOf = (subject: unknown): AccessTarget => accessTargetOf({ resourceType: 'CarePlan', id: 'plan-1', subject }, CUSTODIAN_ORG);
  it.each([
    ['both by henkilötunnus', hetu, hetu, true],
    ['both by the same Patient reference', patientRef, patientRef, true],
    ['by an absolute and a relative Patient reference', { reference: 'https://fhir.example.fi/fhir/Patient/p-1' }, patientRef, true],
    ['the Consent by reference, the plan by reference and henkilötunnus', patientRef, { ...patientRef, ...hetu }, true],
    ['the Consent by henkilötunnus, the plan by reference and henkilötunnus', hetu, { ...patientRef, ...hetu }, true],
    ['another henkilötunnus', { identifier: { system: HETU_SYSTEM, value: OTHER_CLIENT_HETU } }, hetu, false],
    ['another Patient', { reference: 'Patient/p-2' }, patientRef, false],
    ['the Consent by henkilötunnus, the plan by reference only', hetu, patientRef, false],
    ['the same value in another system', { identifier: { system: 'urn:oid:1.2.246.537.6.999', value: CLIENT_HETU } }, hetu, false],
    ['a plan about a Group', hetu, { reference: 'Group/family-1' }, false],
    ['a Consent about a Group', { reference: 'Group/family-1' }, { reference: 'Group/family-1' }, false],
    ['a Consent without patient', undefined, hetu, false],
  ])('matches when %s: %s', (_name, consentPatient, planSubject, expected) =>
    expect(granted([facts(consentJson({ patient: consentPatient }))], { target: planOf(planSubject) })).toBe(expected));

  it('grants nothing for a target whose client is unknown', () =>
    expect(granted([facts()], { target: planTarget({ clientKeys: [] }) })).toBe(false));

  it('matches when any key is shared', () =>
    expect(granted([facts()], { target: planTarget({ clientKeys: [OTHER_CLIENT_KEY, CLIENT_KEY] }) })).toBe(true));
});

describe('several Consents', () => {
  const named = (id: string, extra: Record<string, unknown> = {}, root: Record<string, unknown> = {}): ConsentFacts =>
    facts(consentJson({ id, ...extra }, root));

  it('grants when any one of them grants, and reports that one', () =>
    expect(ask([named('c-old', { status: 'inactive' }), named('c-new'), named('c-research', { scope: undefined })])).toEqual(allowedBy('c-new')));

  it('reports the lowest id when several grant, whatever their order', () => {
    expect(ask([named('c-2'), named('c-1'), named('c-3')])).toEqual(allowedBy('c-1'));
    expect(ask([named('c-1'), named('c-3'), named('c-2')])).toEqual(allowedBy('c-1'));
  });

  it('judges each Consent on its own: a deny in one does not withdraw another’s permit', () =>
    expect(ask([named('c-1', {}, { provision: [{ type: 'deny' }] }), named('c-2')])).toEqual(allowedBy('c-2')));

  it('grants nothing when none grants', () =>
    expect(granted([named('c-1', { status: 'inactive' }), named('c-2', {}, { type: 'deny' }), named('c-3', {}, { period: { end: '2026-11-30' } })])).toBe(false));

  it('grants nothing without Consents', () => expect(ask([])).toMatchObject({ allowed: false, readable: false }));
});
