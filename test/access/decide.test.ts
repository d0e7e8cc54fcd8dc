import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  accessTargetOf,
  canRead,
  consentFacts,
  decide,
  type AccessAction,
  type AccessDecision,
  type AccessTarget,
  type ConsentFacts,
  type Principal,
} from '../../functions/api/access/index.js';
import { CLIENT_KEY, consentJson, CUSTODIAN_ORG, NOW, OTHER_ORG, orgActor, planTarget, principal, RECIPIENT_ORG } from './builders.js';

const ACTIONS: readonly AccessAction[] = ['read', 'create', 'update', 'delete'];
const WRITES: readonly AccessAction[] = ['update', 'delete'];
const PLAN_TYPES = ['CarePlan', 'CareTeam', 'Goal'] as const;
const consent = consentFacts(consentJson(), CUSTODIAN_ORG);
const emergency = (organization: string): Principal => principal(organization, { purposeOfUse: 'ETREAT' });

function run(who: Principal, action: AccessAction, target: AccessTarget, consents: readonly ConsentFacts[] = []): AccessDecision {
  return decide({ principal: who, action, target, consents, now: NOW });
}

const basisOf = (decision: AccessDecision): string | undefined => (decision.allowed ? decision.basis.kind : undefined);

describe('create', () => {
  it.each(['CarePlan', 'CareTeam', 'Goal', 'Consent', 'AuditEvent'])('is always allowed for a %s, the caller becoming its creator', (resourceType) => {
    const target: AccessTarget = { resourceType, clientKeys: [CLIENT_KEY] };
    for (const who of [principal(OTHER_ORG), emergency(OTHER_ORG)]) expect(run(who, 'create', target)).toEqual({ allowed: true, basis: { kind: 'creator' } });
  });
});

describe('the custodian organisation', () => {
  it.each([...PLAN_TYPES, 'Consent', 'AuditEvent'])('may read, update and delete its %s without any Consent', (resourceType) => {
    for (const action of ['read', 'update', 'delete'] as const) {
      expect(run(principal(CUSTODIAN_ORG), action, planTarget({ resourceType }))).toEqual({ allowed: true, basis: { kind: 'custodian' } });
    }
  });

  it('is allowed as custodian even when a Consent or an emergency would also allow', () => {
    expect(basisOf(run(emergency(CUSTODIAN_ORG), 'read', planTarget(), [consent]))).toBe('custodian');
  });

  it('may not read resources of another custodian just because it recorded a Consent', () =>
    expect(run(principal(CUSTODIAN_ORG), 'read', planTarget({ custodian: OTHER_ORG }), [consent])).toMatchObject({ allowed: false }));
});

describe('emergency (purposeOfUse ETREAT)', () => {
  it.each([...PLAN_TYPES, 'Consent'])('may read a %s without any Consent', (resourceType) =>
    expect(run(emergency(OTHER_ORG), 'read', planTarget({ resourceType }))).toEqual({ allowed: true, basis: { kind: 'emergency' } }));

  it.each(WRITES)('may not %s (readable, so 403)', (action) => {
    const decision = run(emergency(OTHER_ORG), action, planTarget());
    expect(decision).toMatchObject({ allowed: false, readable: true });
    expect(decision.allowed ? '' : decision.reason).toMatch(/ETREAT\) allows reading only/);
  });

  it('yields to a Consent: the consent basis is recorded', () =>
    expect(run(emergency(RECIPIENT_ORG), 'read', planTarget(), [consent])).toEqual({ allowed: true, basis: { kind: 'consent', consentId: 'consent-1' } }));

  it('lets a consented organisation update on the consent basis, not the emergency', () =>
    expect(basisOf(run(emergency(RECIPIENT_ORG), 'update', planTarget(), [consent]))).toBe('consent'));

  it.each(['TREAT', 'etreat', 'BTG', undefined])('is not granted for purposeOfUse %s', (purposeOfUse) =>
    expect(run(principal(OTHER_ORG, purposeOfUse ? { purposeOfUse } : {}), 'read', planTarget()).allowed).toBe(false));

  it('does not reach other resource types such as AuditEvent', () =>
    expect(run(emergency(OTHER_ORG), 'read', planTarget({ resourceType: 'AuditEvent' }))).toMatchObject({ allowed: false, readable: false }));
});

describe('a target without custodian', () => {
  const orphan = planTarget({ custodian: undefined });

  it('is readable only in an emergency', () => {
    expect(run(emergency(OTHER_ORG), 'read', orphan)).toEqual({ allowed: true, basis: { kind: 'emergency' } });
    for (const organization of [CUSTODIAN_ORG, RECIPIENT_ORG, OTHER_ORG]) {
      expect(run(principal(organization), 'read', orphan, [consent])).toMatchObject({ allowed: false, readable: false });
    }
  });

  it.each(WRITES)('cannot be %sd by anyone', (action) => {
    expect(run(emergency(OTHER_ORG), action, orphan)).toMatchObject({ allowed: false, readable: true });
    expect(run(principal(RECIPIENT_ORG), action, orphan, [consent])).toMatchObject({ allowed: false, readable: false });
  });

  it('says so in the reason', () => {
    const decision = run(principal(OTHER_ORG), 'read', orphan);
    expect(decision.allowed ? '' : decision.reason).toMatch(/no custodian/);
  });
});

describe('a Consent as the target', () => {
  const json = consentJson({ id: 'consent-7' }, { provision: [{ type: 'deny', actor: [orgActor('1.2.246.10.1234567.10.9')] }] });
  const target = accessTargetOf(json, CUSTODIAN_ORG);

  it('is readable by every organisation any of its provisions names, on the basis of that Consent', () => {
    for (const organization of [RECIPIENT_ORG, '1.2.246.10.1234567.10.9']) {
      expect(run(principal(organization), 'read', target)).toEqual({ allowed: true, basis: { kind: 'consent', consentId: 'consent-7' } });
    }
  });

  it('is readable by a named organisation whatever its status', () =>
    expect(run(principal(RECIPIENT_ORG), 'read', accessTargetOf({ ...json, status: 'inactive' }, CUSTODIAN_ORG)).allowed).toBe(true));

  it.each(WRITES)('may be %sd only by its custodian (a named organisation gets 403)', (action) => {
    expect(run(principal(CUSTODIAN_ORG), action, target)).toEqual({ allowed: true, basis: { kind: 'custodian' } });
    expect(run(principal(RECIPIENT_ORG), action, target)).toMatchObject({ allowed: false, readable: true });
  });

  it('is hidden from organisations it does not name (404)', () => {
    for (const action of ['read', 'update', 'delete'] as const) {
      expect(run(principal(OTHER_ORG), action, target)).toMatchObject({ allowed: false, readable: false });
    }
  });

  it('is not opened by other Consents of the client', () =>
    expect(run(principal(OTHER_ORG), 'read', target, [consentFacts(consentJson({}, { actor: [orgActor(OTHER_ORG)] }), CUSTODIAN_ORG)]).allowed).toBe(false));

  it('is readable in an emergency', () => expect(basisOf(run(emergency(OTHER_ORG), 'read', target))).toBe('emergency'));
});

describe('other resource types', () => {
  it.each(['AuditEvent', 'Patient', 'Provenance', ''])('%j is for its custodian only, whatever the Consents say', (resourceType) => {
    const target = planTarget({ resourceType });
    expect(run(principal(CUSTODIAN_ORG), 'read', target).allowed).toBe(true);
    for (const action of ['read', 'update', 'delete'] as const) {
      expect(run(principal(RECIPIENT_ORG), action, target, [consent])).toMatchObject({ allowed: false, readable: false });
    }
  });
});

describe('the readable flag of a refusal (404 when false, 403 when true)', () => {
  it.each<[string, boolean, Principal, AccessAction, AccessTarget, readonly ConsentFacts[]]>([
    ['a read without any basis', false, principal(OTHER_ORG), 'read', planTarget(), []],
    ['an update without any basis', false, principal(OTHER_ORG), 'update', planTarget(), []],
    ['a delete by a consented organisation', true, principal(RECIPIENT_ORG), 'delete', planTarget(), [consent]],
    ['an update in an emergency', true, emergency(OTHER_ORG), 'update', planTarget(), []],
    ['a delete in an emergency', true, emergency(OTHER_ORG), 'delete', planTarget(), []],
    ['an update of a Consent by a named organisation', true, principal(RECIPIENT_ORG), 'update', accessTargetOf(consentJson(), CUSTODIAN_ORG), []],
    ['a delete of a Consent by an unnamed organisation', false, principal(OTHER_ORG), 'delete', accessTargetOf(consentJson(), CUSTODIAN_ORG), []],
    ['an update after the Consent expired', false, principal(RECIPIENT_ORG), 'update', planTarget(), [consentFacts(consentJson({}, { period: { end: '2026-11-30' } }), CUSTODIAN_ORG)]],
  ])('for %s: readable = %s', (_name, readable, who, action, target, consents) =>
    expect(run(who, action, target, consents)).toMatchObject({ allowed: false, readable }));
});

describe('refusal reasons', () => {
  const reason = (decision: AccessDecision): string => (decision.allowed ? '' : decision.reason);

  it('name the organisation but reveal nothing about any Consent', () => {
    const withoutConsent = reason(run(principal(RECIPIENT_ORG), 'read', planTarget()));
    expect(withoutConsent).toBe(`no active consent names organisation ${RECIPIENT_ORG} for this client`);
    const variants = [
      consentFacts(consentJson({ status: 'inactive' }), CUSTODIAN_ORG),
      consentFacts(consentJson({}, { provision: [{ type: 'deny' }] }), CUSTODIAN_ORG),
      consentFacts(consentJson({}, { period: { end: '2026-11-30' } }), CUSTODIAN_ORG),
      consentFacts(consentJson(), RECIPIENT_ORG),
    ];
    for (const variant of variants) {
      const text = reason(run(principal(RECIPIENT_ORG), 'read', planTarget(), [variant]));
      expect(text).toBe(withoutConsent);
      expect(text).not.toContain('consent-1');
      expect(text).not.toContain(CUSTODIAN_ORG);
    }
  });

  it('explain that only the custodian may delete', () =>
    expect(reason(run(principal(RECIPIENT_ORG), 'delete', planTarget(), [consent]))).toBe('only the custodian organisation may delete a CarePlan'));

  it('do not name the custodian of a Consent', () =>
    expect(reason(run(principal(OTHER_ORG), 'read', accessTargetOf(consentJson(), CUSTODIAN_ORG)))).not.toContain(CUSTODIAN_ORG));
});

describe('a principal whose organisation is not an OID', () => {
  it.each(['', `urn:oid:${CUSTODIAN_ORG}`, 'Terveysasema'])('%j matches no custodian and no Consent, but may create', (organization) => {
    const target = planTarget({ custodian: organization || CUSTODIAN_ORG });
    expect(run(principal(organization), 'read', target, [consent]).allowed).toBe(false);
    expect(run(principal(organization), 'create', target).allowed).toBe(true);
  });
});

describe('canRead', () => {
  it.each<[string, boolean, Principal, AccessTarget, readonly ConsentFacts[]]>([
    ['the custodian', true, principal(CUSTODIAN_ORG), planTarget(), []],
    ['a consented organisation', true, principal(RECIPIENT_ORG), planTarget(), [consent]],
    ['an emergency reader', true, emergency(OTHER_ORG), planTarget(), []],
    ['an unrelated organisation', false, principal(OTHER_ORG), planTarget(), [consent]],
  ])('for %s is %s, as decide says for read', (_name, expected, who, target, consents) => {
    expect(canRead(who, target, consents, NOW)).toBe(expected);
    expect(canRead(who, target, consents, NOW)).toBe(run(who, 'read', target, consents).allowed);
  });
});

describe('purity', () => {
  afterEach(() => vi.useRealTimers());

  it('judges at the given now, not the system clock', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    expect(run(principal(RECIPIENT_ORG), 'read', planTarget(), [consent]).allowed).toBe(true);
    vi.setSystemTime(new Date('2026-12-01T10:00:00Z'));
    expect(decide({ principal: principal(RECIPIENT_ORG), action: 'read', target: planTarget(), consents: [consent], now: new Date('2030-01-01T00:00:00Z') }).allowed).toBe(false);
  });

  it('neither mutates its input nor depends on earlier calls', () => {
    const input = { principal: principal(RECIPIENT_ORG), action: 'update' as const, target: planTarget(), consents: [consent, consentFacts(consentJson({ id: 'c-0', status: 'inactive' }), CUSTODIAN_ORG)], now: NOW };
    const before = structuredClone(input);
    const first = decide(input);
    for (const action of ACTIONS) decide({ ...input, action });
    expect(decide(input)).toEqual(first);
    expect(input).toEqual(before);
  });
});
