/**
 * In-memory signing keys and tokens for the auth tests (synthetic data only).
 */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet, type JWTPayload } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../functions/api/auth/dev-issuer.js';

export const ORG = '1.2.246.10.1234567.10.1';

export interface TestKey {
  readonly alg: string;
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: Record<string, unknown>;
}

/** A fresh key pair for `alg`, with its public JWK (kid, alg, use). */
export async function testKey(alg: string, kid = `${alg.toLowerCase()}-key`): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export const jwksOf = (...keys: readonly TestKey[]): JSONWebKeySet => ({ keys: keys.map((key) => key.publicJwk) });

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** A token with default iss/aud/exp and the principal claims, overridable (undefined removes). */
export async function sign(key: TestKey, claims: JWTPayload = {}, header: Record<string, unknown> = {}): Promise<string> {
  const now = nowSeconds();
  const payload: JWTPayload = {
    iss: DEV_ISSUER,
    aud: DEV_AUDIENCE,
    iat: now,
    exp: now + 300,
    client_id: 'test-client',
    organization: ORG,
    scope: 'system/*.cruds',
    ...claims,
  };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header }).sign(key.privateKey);
}

export const b64url = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
