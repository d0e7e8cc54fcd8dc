import { describe, expect, it } from 'vitest';
import { describeRequiredScope, parseScopes, requiredScope, scopeAllows } from '../../functions/api/auth/index.js';

/** Scopes as `{ type: 'ops' }` for readable expectations. */
const grants = (scope: string | readonly string[] | undefined): Record<string, string> =>
  Object.fromEntries(parseScopes(scope).map((grant) => [grant.resourceType, [...grant.operations].join('')]));

describe('parseScopes', () => {
  it.each([
    ['system/CarePlan.rs', { CarePlan: 'rs' }],
    ['system/Consent.cruds', { Consent: 'cruds' }],
    ['system/*.cruds', { '*': 'cruds' }],
    ['system/Goal.c', { Goal: 'c' }],
    ['system/Goal.cud', { Goal: 'cud' }],
    ['system/Goal.rd', { Goal: 'rd' }],
    ['system/Goal.us', { Goal: 'us' }],
    ['system/CareTeam.read', { CareTeam: 'rs' }],
    ['system/CareTeam.write', { CareTeam: 'cud' }],
    ['system/CareTeam.*', { CareTeam: 'cruds' }],
    ['system/*.read', { '*': 'rs' }],
    ['system/*.*', { '*': 'cruds' }],
  ])('grants %s as %o', (scope, expected) => {
    expect(grants(scope)).toEqual(expected);
  });

  it.each([
    ['letters out of cruds order', 'system/CarePlan.sr'],
    ['a repeated letter', 'system/CarePlan.rrs'],
    ['an unknown letter', 'system/CarePlan.rx'],
    ['v1 and v2 mixed', 'system/CarePlan.r*'],
    ['an unknown v1 word', 'system/CarePlan.readwrite'],
    ['an empty permission', 'system/CarePlan.'],
    ['a lower-case resource type', 'system/careplan.rs'],
    ['a user scope', 'user/CarePlan.rs'],
    ['a patient scope', 'patient/*.cruds'],
    ['a granular scope with search parameters', 'system/CarePlan.rs?category=http://snomed.info/sct|734163000'],
    ['openid', 'openid'],
    ['launch', 'launch'],
    ['offline_access', 'offline_access'],
    ['an empty string', ''],
  ])('ignores %s', (_, scope) => {
    expect(parseScopes(scope)).toEqual([]);
  });

  it('reads a space-separated string, tolerating repeated whitespace', () => {
    expect(grants('openid  system/CarePlan.rs\tsystem/Goal.cruds\n user/Consent.rs')).toEqual({ CarePlan: 'rs', Goal: 'cruds' });
  });

  it('reads an array (scp), including entries that hold several scopes', () => {
    expect(grants(['system/CarePlan.rs', 'system/Goal.c system/Goal.u'])).toEqual({ CarePlan: 'rs', Goal: 'cu' });
  });

  it('merges scopes of the same type, v1 and v2 alike', () => {
    expect(grants('system/CarePlan.r system/CarePlan.write system/CarePlan.s')).toEqual({ CarePlan: 'rcuds' });
  });

  it('grants nothing for an absent claim', () => {
    expect(parseScopes(undefined)).toEqual([]);
  });
});

describe('scopeAllows', () => {
  const scopes = parseScopes('system/CarePlan.rs system/*.c');

  it('allows an operation a scope of that type grants', () => {
    expect(scopeAllows(scopes, 'CarePlan', 'r')).toBe(true);
    expect(scopeAllows(scopes, 'CarePlan', 's')).toBe(true);
  });

  it('allows an operation the wildcard type grants', () => {
    expect(scopeAllows(scopes, 'Goal', 'c')).toBe(true);
  });

  it('refuses an operation no scope grants', () => {
    expect(scopeAllows(scopes, 'CarePlan', 'u')).toBe(false);
    expect(scopeAllows(scopes, 'Goal', 'r')).toBe(false);
    expect(scopeAllows([], 'Goal', 'r')).toBe(false);
  });
});

describe('describeRequiredScope', () => {
  it('names the v2 scope and its v1 equivalent', () => {
    expect(requiredScope('CarePlan', 'r')).toBe('system/CarePlan.r');
    expect(describeRequiredScope('CarePlan', 'r')).toBe('system/CarePlan.r (SMART v1: system/CarePlan.read)');
    expect(describeRequiredScope('Goal', 's')).toBe('system/Goal.s (SMART v1: system/Goal.read)');
    expect(describeRequiredScope('Consent', 'd')).toBe('system/Consent.d (SMART v1: system/Consent.write)');
  });
});
