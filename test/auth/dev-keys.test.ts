import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signDevToken } from '../../functions/api/auth/dev-token.js';
import { createTokenVerifier, principalFromClaims } from '../../functions/api/auth/index.js';
import { devKeysDir, devVerifierOptions, loadOrCreateDevKeys } from '../../scripts/local/dev-keys.js';

let dir: string;

beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'dev-keys-')), 'keys');
});

afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

describe('development keys', () => {
  it('generates an ES384 key on first use, private file mode 0600, and loads the same key afterwards', async () => {
    const first = await loadOrCreateDevKeys(dir);
    expect(first.alg).toBe('ES384');
    expect(first.publicJwks.keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-384', kid: first.kid, alg: 'ES384', use: 'sig' })]);
    expect(first.publicJwks.keys[0]).not.toHaveProperty('d');
    expect(await readdir(dir)).toEqual(['signing-key.jwk.json']);
    expect((await stat(join(dir, 'signing-key.jwk.json'))).mode & 0o777).toBe(0o600);
    expect((await loadOrCreateDevKeys(dir)).kid).toBe(first.kid);
  });

  it('ends with one key when several loaders race on first use', async () => {
    const loaded = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateDevKeys(dir)));
    expect(new Set(loaded.map((keys) => keys.kid)).size).toBe(1);
    expect(await readdir(dir)).toEqual(['signing-key.jwk.json']);
  });

  it('refuses a corrupt key file with what to do about it', async () => {
    await loadOrCreateDevKeys(dir);
    await writeFile(join(dir, 'signing-key.jwk.json'), '{"kty":"oct"}');
    await expect(loadOrCreateDevKeys(dir)).rejects.toThrow(/not an ES384 private key; delete it/);
  });

  it('signs tokens that the development verifier accepts', async () => {
    const keys = await loadOrCreateDevKeys(dir);
    const verify = createTokenVerifier(await devVerifierOptions(dir));
    const token = await signDevToken({ privateKey: keys.privateKey, kid: keys.kid, org: '1.2.246.10.1234567.10.1', scope: 'system/Goal.rs', practitioner: 'dev-900', purpose: 'TREAT', ttlSeconds: 120 });
    const claims = await verify(token);
    expect(typeof claims.jti).toBe('string');
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(120);
    expect(claims.nbf).toBe(claims.iat);
    expect(principalFromClaims(claims)).toMatchObject({ clientId: 'dev-client', organization: '1.2.246.10.1234567.10.1', practitioner: 'dev-900', purposeOfUse: 'TREAT' });
  });

  it('lives in .dev-keys at the repository root unless DEV_KEYS_DIR says otherwise', () => {
    expect(devKeysDir({})).toMatch(/[/\\]\.dev-keys$/);
    expect(devKeysDir({ DEV_KEYS_DIR: '/tmp/elsewhere' })).toBe('/tmp/elsewhere');
  });
});
