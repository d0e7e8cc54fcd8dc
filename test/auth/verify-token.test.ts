import { createHmac } from 'node:crypto';
import { CompactSign, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../functions/api/auth/dev-issuer.js';
import { AuthenticationError, createTokenVerifier, type TokenVerifier } from '../../functions/api/auth/index.js';
import { b64url, jwksOf, nowSeconds, ORG, sign, testKey, type TestKey } from './keys.js';

let es384: TestKey;
let verify: TokenVerifier;

beforeAll(async () => {
  es384 = await testKey('ES384');
  verify = createTokenVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: jwksOf(es384) });
});

afterEach(() => {
  vi.useRealTimers();
});

/** The AuthenticationError a verification fails with. */
async function failure(token: string, verifier: TokenVerifier = verify): Promise<AuthenticationError> {
  const error = await verifier(token).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  return error as AuthenticationError;
}

describe('createTokenVerifier', () => {
  it.each(['RS256', 'RS384', 'ES256', 'ES384'])('accepts a token signed with %s', async (alg) => {
    const key = await testKey(alg);
    const verifier = createTokenVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: jwksOf(key) });
    const claims = await verifier(await sign(key));
    expect(claims).toMatchObject({ iss: DEV_ISSUER, aud: DEV_AUDIENCE, organization: ORG });
  });

  it('accepts a token whose aud lists this server among others', async () => {
    await expect(verify(await sign(es384, { aud: ['https://other.example', DEV_AUDIENCE] }))).resolves.toMatchObject({ organization: ORG });
  });

  it('refuses a signature made by another key under the same kid', async () => {
    const impostor = { ...(await testKey('ES384')), kid: es384.kid };
    const error = await failure(await sign(impostor));
    expect(error.failure).toBe('bad-signature');
  });

  it('refuses a token whose claims were rewritten after signing', async () => {
    const [header, , signature] = (await sign(es384)).split('.');
    const rewritten = b64url({ iss: DEV_ISSUER, aud: DEV_AUDIENCE, exp: nowSeconds() + 300, client_id: 'x', organization: '1.2.246.10.7654321.10.2', scope: 'system/*.cruds' });
    const error = await failure(`${header}.${rewritten}.${signature}`);
    expect(error.failure).toBe('bad-signature');
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const payload = b64url({ iss: DEV_ISSUER, aud: DEV_AUDIENCE, exp: nowSeconds() + 300, organization: ORG });
    for (const header of [{ alg: 'none' }, { alg: 'none', typ: 'JWT', kid: es384.kid }, { alg: 'NONE' }]) {
      const error = await failure(`${b64url(header)}.${payload}.`);
      expect(error.failure).toBe('unsupported-algorithm');
    }
  });

  it('refuses HS256 tokens keyed with the public key material or any other secret', async () => {
    const secrets = [JSON.stringify(es384.publicJwk), String(es384.publicJwk.x), 'any shared secret at all, 32+ bytes long'];
    for (const secret of secrets) {
      const token = await new SignJWT({ organization: ORG })
        .setProtectedHeader({ alg: 'HS256', kid: es384.kid })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(secret));
      expect((await failure(token)).failure).toBe('unsupported-algorithm');
    }
    // Hand-made, too, in case a library ever refuses to sign such a token.
    const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ iss: DEV_ISSUER, aud: DEV_AUDIENCE, exp: nowSeconds() + 300 })}`;
    const mac = createHmac('sha256', JSON.stringify(es384.publicJwk)).update(unsigned).digest('base64url');
    expect((await failure(`${unsigned}.${mac}`)).failure).toBe('unsupported-algorithm');
  });

  it('refuses a token from another issuer without echoing its iss', async () => {
    const error = await failure(await sign(es384, { iss: 'https://evil.example/issuer' }));
    expect(error.failure).toBe('wrong-issuer');
    expect(error.message).not.toContain('evil');
  });

  it('refuses a token meant for another audience without echoing its aud', async () => {
    const error = await failure(await sign(es384, { aud: 'someone-else' }));
    expect(error.failure).toBe('wrong-audience');
    expect(error.message).not.toContain('someone-else');
  });

  it('refuses a token that expired more than 60 seconds ago', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T10:00:00Z'));
    const error = await failure(await sign(es384, { iat: nowSeconds() - 400, exp: nowSeconds() - 61 }));
    expect(error.failure).toBe('expired');
  });

  it('accepts a token that expired 59 seconds ago (clock skew)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T10:00:00Z'));
    await expect(verify(await sign(es384, { iat: nowSeconds() - 400, exp: nowSeconds() - 59 }))).resolves.toMatchObject({ organization: ORG });
  });

  it('refuses a token not valid until more than 60 seconds from now, and accepts one within the skew', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T10:00:00Z'));
    expect((await failure(await sign(es384, { nbf: nowSeconds() + 61 }))).failure).toBe('not-yet-valid');
    await expect(verify(await sign(es384, { nbf: nowSeconds() + 59 }))).resolves.toMatchObject({ organization: ORG });
  });

  it('refuses a token without exp', async () => {
    const error = await failure(await sign(es384, { exp: undefined }));
    expect(error.failure).toBe('invalid-claims');
    expect(error.message).toContain('exp');
  });

  it('refuses a token signed with a key the key set does not contain', async () => {
    const stranger = await testKey('ES384', 'not-published');
    expect((await failure(await sign(stranger))).failure).toBe('unknown-key');
  });

  it('refuses strings that are not signed JWTs as malformed', async () => {
    const signedNonJson = await new CompactSign(new TextEncoder().encode('not a claims set')).setProtectedHeader({ alg: 'ES384', kid: es384.kid }).sign(es384.privateKey);
    for (const token of ['not-a-jwt', 'a.b.c', signedNonJson]) {
      expect((await failure(token)).failure).toBe('malformed');
    }
  });

  it('refuses a JWKS URL that is neither https nor loopback http', () => {
    expect(() => createTokenVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: new URL('http://issuer.example/jwks.json') })).toThrow(/https/);
    expect(() => createTokenVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: new URL('http://127.0.0.1:1/jwks.json') })).not.toThrow();
  });
});
