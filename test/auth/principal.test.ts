import { describe, expect, it } from 'vitest';
import { ACT_REASON_SYSTEM, AuthenticationError, DEFAULT_CLAIM_NAMES, principalFromClaims } from '../../functions/api/auth/index.js';

const ORG = '1.2.246.10.1234567.10.1';

/** The message of the AuthenticationError `claims` are refused with. */
function refusal(claims: Record<string, unknown>, names = DEFAULT_CLAIM_NAMES): string {
  try {
    principalFromClaims(claims, names);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).failure).toBe('invalid-claims');
    return (error as Error).message;
  }
  throw new Error('expected the claims to be refused');
}

describe('principalFromClaims', () => {
  it('reads client, organisation, practitioner, purpose of use and scopes from the default claims', () => {
    const principal = principalFromClaims({
      client_id: 'ehr-system',
      organization: ORG,
      practitioner: 'Practitioner/dev-900',
      purpose_of_use: 'TREAT',
      scope: 'system/CarePlan.rs openid',
    });
    expect(principal).toEqual({
      clientId: 'ehr-system',
      organization: ORG,
      practitioner: 'Practitioner/dev-900',
      purposeOfUse: 'TREAT',
      scopes: [{ resourceType: 'CarePlan', operations: new Set(['r', 's']) }],
    });
  });

  it('leaves out practitioner and purpose of use when the token has none', () => {
    const principal = principalFromClaims({ client_id: 'ehr', organization: ORG });
    expect(principal).toEqual({ clientId: 'ehr', organization: ORG, scopes: [] });
  });

  it('reads custom claim names', () => {
    const names = { client: 'cid', organization: 'https://claims.example.fi/org', practitioner: 'hcp', purposeOfUse: 'pou' };
    const principal = principalFromClaims({ cid: 'social-care', 'https://claims.example.fi/org': ORG, hcp: 'dev-901', pou: 'ETREAT', client_id: 'ignored', organization: '9.9' }, names);
    expect(principal).toMatchObject({ clientId: 'social-care', organization: ORG, practitioner: 'dev-901', purposeOfUse: 'ETREAT' });
  });

  it('falls back to azp, then sub, for the client', () => {
    expect(principalFromClaims({ azp: 'from-azp', sub: 'from-sub', organization: ORG }).clientId).toBe('from-azp');
    expect(principalFromClaims({ sub: 'from-sub', organization: ORG }).clientId).toBe('from-sub');
    expect(refusal({ organization: ORG })).toContain("'client_id', 'azp' or 'sub'");
  });

  it('refuses a token without the organisation claim', () => {
    expect(refusal({ client_id: 'ehr' })).toContain("'organization'");
  });

  it.each([['urn:oid:1.2.246.10.1234567.10.1'], ['1.02.246'], ['3.1.2'], ['1'], ['1.2.'], ['Organization/1.2.3'], [' 1.2.3'], [12]])(
    'refuses the organisation %o, which is not an OID',
    (organization) => {
      expect(refusal({ client_id: 'ehr', organization })).toContain('must be an organisation OID');
    },
  );

  it('does not echo a refused organisation value', () => {
    expect(refusal({ client_id: 'ehr', organization: 'urn:oid:9.8.7.6' })).not.toContain('9.8.7.6');
  });

  it.each([
    ['a code', 'ETREAT'],
    ['an array, first element', ['ETREAT', 'TREAT']],
    ['a Coding', { system: ACT_REASON_SYSTEM, code: 'ETREAT' }],
    ['a Coding without system', { code: 'ETREAT' }],
    ['an array of Codings', [{ system: ACT_REASON_SYSTEM, code: 'ETREAT' }]],
  ])('reads purpose of use given as %s', (_, purpose_of_use) => {
    expect(principalFromClaims({ client_id: 'ehr', organization: ORG, purpose_of_use }).purposeOfUse).toBe('ETREAT');
  });

  it('refuses a purpose-of-use Coding from another code system', () => {
    expect(refusal({ client_id: 'ehr', organization: ORG, purpose_of_use: { system: 'http://example.org/reasons', code: 'ETREAT' } })).toContain(ACT_REASON_SYSTEM);
  });

  it.each([[''], ['two words'], [42], [[]], [{ display: 'emergency' }]])('refuses the purpose of use %o', (purpose_of_use) => {
    expect(refusal({ client_id: 'ehr', organization: ORG, purpose_of_use })).toContain('purpose_of_use');
  });

  it('refuses a practitioner claim that is not a string', () => {
    expect(refusal({ client_id: 'ehr', organization: ORG, practitioner: { id: 'dev-900' } })).toContain("'practitioner'");
  });

  it('reads scopes from scp (array or string) when there is no scope claim', () => {
    expect(principalFromClaims({ client_id: 'ehr', organization: ORG, scp: ['system/Goal.rs'] }).scopes).toEqual([{ resourceType: 'Goal', operations: new Set(['r', 's']) }]);
    expect(principalFromClaims({ client_id: 'ehr', organization: ORG, scp: 'system/Goal.c' }).scopes).toEqual([{ resourceType: 'Goal', operations: new Set(['c']) }]);
    expect(principalFromClaims({ client_id: 'ehr', organization: ORG, scope: 'system/CarePlan.r', scp: ['system/Goal.r'] }).scopes).toEqual([
      { resourceType: 'CarePlan', operations: new Set(['r']) },
    ]);
  });

  it('refuses a scope claim that is neither a string nor an array of strings', () => {
    expect(refusal({ client_id: 'ehr', organization: ORG, scope: { CarePlan: 'rs' } })).toContain('scope');
  });
});
