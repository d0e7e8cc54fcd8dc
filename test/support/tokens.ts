/**
 * Test tokens: one ES384 key pair per test process, published to the app under test as its
 * JWKS, and SMART backend-services style access tokens signed with it.
 */
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type CryptoKey } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../functions/api/auth/dev-issuer.js';

/** The default caller of the API tests: a social-care organisation with every scope. */
export const TEST_ORG = '1.2.246.10.1234567.10.1';
/** Another organisation (a health centre) used by access tests. */
export const OTHER_ORG = '1.2.246.10.7654321.10.2';

interface TestKeys {
  readonly privateKey: CryptoKey;
  readonly jwks: JSONWebKeySet;
}

let keys: Promise<TestKeys> | undefined;

/** The process's signing key and the JWKS that verifies it. */
export function testKeys(): Promise<TestKeys> {
  keys ??= (async () => {
    const pair = await generateKeyPair('ES384', { extractable: true });
    const jwk = await exportJWK(pair.publicKey);
    return { privateKey: pair.privateKey, jwks: { keys: [{ ...jwk, kid: 'test-key', alg: 'ES384', use: 'sig' }] } };
  })();
  return keys;
}

/** What a test token says. */
export interface TokenClaims {
  readonly org?: string;
  readonly scope?: string;
  readonly clientId?: string;
  readonly practitioner?: string;
  readonly purpose?: string;
  readonly issuer?: string;
  readonly audience?: string;
  /** Seconds from now; negative = already expired. */
  readonly expiresIn?: number;
  readonly notBefore?: number;
}

/** A signed access token accepted by {@link startTestApi}'s app (unless the claims say otherwise). */
export async function mintToken(claims: TokenClaims = {}): Promise<string> {
  const { privateKey } = await testKeys();
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({
    client_id: claims.clientId ?? 'test-client',
    organization: claims.org ?? TEST_ORG,
    scope: claims.scope ?? 'system/*.cruds',
    ...(claims.practitioner ? { practitioner: claims.practitioner } : {}),
    ...(claims.purpose ? { purpose_of_use: claims.purpose } : {}),
  })
    .setProtectedHeader({ alg: 'ES384', kid: 'test-key', typ: 'JWT' })
    .setIssuer(claims.issuer ?? DEV_ISSUER)
    .setAudience(claims.audience ?? DEV_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expiresIn ?? 300))
    .setJti(crypto.randomUUID());
  if (claims.notBefore !== undefined) jwt.setNotBefore(now + claims.notBefore);
  return jwt.sign(privateKey);
}
