import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../functions/api/auth/dev-issuer.js';
import { authenticate, AuthenticationError, createTokenVerifier, forbiddenScope, KeySetUnavailableError, type TokenVerifier } from '../../functions/api/auth/index.js';
import { FhirError } from '../../functions/shared/errors.js';
import { jwksOf, nowSeconds, ORG, sign, testKey, type TestKey } from './keys.js';

let key: TestKey;
let verify: TokenVerifier;

beforeAll(async () => {
  key = await testKey('ES384');
  verify = createTokenVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: jwksOf(key) });
});

/** The FhirError `authenticate` fails with. */
async function refusal(authorization: string | undefined, verifier: TokenVerifier = verify): Promise<FhirError> {
  const error = await authenticate(authorization, verifier).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(FhirError);
  return error as FhirError;
}

describe('authenticate', () => {
  it('returns the principal of a valid bearer token', async () => {
    const principal = await authenticate(`Bearer ${await sign(key, { purpose_of_use: 'TREAT' })}`, verify);
    expect(principal).toMatchObject({ clientId: 'test-client', organization: ORG, purposeOfUse: 'TREAT' });
    expect(principal.scopes).toEqual([{ resourceType: '*', operations: new Set(['c', 'r', 'u', 'd', 's']) }]);
  });

  it('accepts the scheme in any case', async () => {
    await expect(authenticate(`bearer ${await sign(key)}`, verify)).resolves.toMatchObject({ organization: ORG });
  });

  it('answers 401 login with a bare Bearer challenge when no Authorization header is sent', async () => {
    for (const header of [undefined, '', '   ']) {
      const error = await refusal(header);
      expect(error.status).toBe(401);
      expect(error.outcome.issue[0]).toMatchObject({ severity: 'error', code: 'login' });
      expect(error.headers['WWW-Authenticate']).toBe('Bearer');
    }
  });

  it.each([['Basic dXNlcjpwYXNz'], ['Bearer'], ['Bearer '], ['Bearer two tokens'], ['Token abc.def.ghi'], ['Bearer abc"def']])(
    'answers 401 invalid_token to the Authorization header %o',
    async (header) => {
      const error = await refusal(header);
      expect(error.status).toBe(401);
      expect(error.outcome.issue[0]?.code).toBe('login');
      expect(error.headers['WWW-Authenticate']).toBe(
        'Bearer error="invalid_token", error_description="The Authorization header must be Bearer followed by an access token"',
      );
    },
  );

  it('answers 401 invalid_token with the reason when verification fails', async () => {
    const error = await refusal(`Bearer ${await sign(key, { exp: nowSeconds() - 3600 })}`);
    expect(error.status).toBe(401);
    expect(error.outcome.issue[0]).toMatchObject({ code: 'login', diagnostics: 'The access token has expired' });
    expect(error.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token", error_description="The access token has expired"');
    expect(error.cause).toBeInstanceOf(AuthenticationError);
  });

  it('answers 401 when the claims do not make a principal', async () => {
    const error = await refusal(`Bearer ${await sign(key, { organization: 'not-an-oid' })}`);
    expect(error.status).toBe(401);
    expect(error.outcome.issue[0]?.diagnostics).toContain("'organization'");
    expect(error.outcome.issue[0]?.diagnostics).not.toContain('not-an-oid');
  });

  it('keeps quotes, backslashes and non-ASCII out of error_description', async () => {
    const failing: TokenVerifier = async () => {
      throw new AuthenticationError('malformed', 'say "hi" \\ to ä');
    };
    const error = await refusal('Bearer abc.def.ghi', failing);
    expect(error.headers['WWW-Authenticate']).toBe(`Bearer error="invalid_token", error_description="say 'hi' ' to ?"`);
  });

  it('answers 503 when the issuer key set cannot be fetched', async () => {
    const unavailable: TokenVerifier = async () => {
      throw new KeySetUnavailableError('down');
    };
    const error = await refusal('Bearer abc.def.ghi', unavailable);
    expect(error.status).toBe(503);
    expect(error.outcome.issue[0]?.code).toBe('transient');
  });

  it('lets unexpected errors through for the 500 handler', async () => {
    const broken: TokenVerifier = async () => {
      throw new RangeError('bug');
    };
    await expect(authenticate('Bearer abc.def.ghi', broken)).rejects.toBeInstanceOf(RangeError);
  });
});

describe('forbiddenScope', () => {
  it('answers 403 forbidden naming the scope needed, with an insufficient_scope challenge', () => {
    const error = forbiddenScope('CarePlan', 'u');
    expect(error.status).toBe(403);
    expect(error.outcome.issue[0]).toMatchObject({
      code: 'forbidden',
      diagnostics: 'The access token does not grant system/CarePlan.u (SMART v1: system/CarePlan.write)',
    });
    expect(error.headers['WWW-Authenticate']).toBe(
      'Bearer error="insufficient_scope", error_description="The access token does not grant system/CarePlan.u (SMART v1: system/CarePlan.write)", scope="system/CarePlan.u"',
    );
  });
});
