/**
 * The signing key of the local development issuer: generated on first use, kept as a private
 * JWK in `.dev-keys/` (git-ignored, file mode 0600), shared by `npm start` (verifies) and
 * `npm run token` (signs) so tokens work against any PORT/HOST. `DEV_KEYS_DIR` moves the folder.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import type { TokenVerifierOptions } from '../../functions/api/auth/index.js';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../functions/api/auth/dev-issuer.js';
import { LocalEnvironmentError } from './dynamodb-local.js';

/** The local issuer's key pair. */
export interface DevKeys {
  readonly privateKey: CryptoKey;
  /** The public half, as the verifier wants it. */
  readonly publicJwks: JSONWebKeySet;
  readonly kid: string;
  readonly alg: 'ES384';
}

const KEY_FILE = 'signing-key.jwk.json';

/** `DEV_KEYS_DIR`, else `.dev-keys/` at the repository root. */
export function devKeysDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.DEV_KEYS_DIR ? resolve(env.DEV_KEYS_DIR) : resolve(dirname(fileURLToPath(import.meta.url)), '../../.dev-keys');
}

async function readKey(file: string): Promise<JWK | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const jwk = JSON.parse(text) as JWK;
    if (jwk.kty === 'EC' && jwk.crv === 'P-384' && typeof jwk.d === 'string' && typeof jwk.kid === 'string') return jwk;
  } catch {
    // Reported below, with what to do about it.
  }
  throw new LocalEnvironmentError(`${file} is not an ES384 private key; delete it to generate a new one`);
}

async function generateKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES384', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'ES384', use: 'sig' };
}

/**
 * Creates the key file unless it exists. The key is written completely to a temporary file and
 * then hard-linked into place, which fails if another process (`npm start` and `npm run token`
 * racing on first use) got there first; then that process's key is the one both use.
 */
async function createKeyFile(dir: string, file: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${KEY_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(temp, `${JSON.stringify(await generateKey(), null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temp);
  }
}

/** Loads the development signing key from `dir`, generating it on first use. */
export async function loadOrCreateDevKeys(dir: string = devKeysDir()): Promise<DevKeys> {
  const file = join(dir, KEY_FILE);
  let jwk = await readKey(file);
  if (!jwk) {
    await createKeyFile(dir, file);
    jwk = (await readKey(file)) as JWK;
  }
  const { kty, crv, x, y, kid = '' } = jwk;
  return {
    privateKey: (await importJWK(jwk, 'ES384')) as CryptoKey,
    publicJwks: { keys: [{ kty, crv, x, y, kid, alg: 'ES384', use: 'sig' }] },
    kid,
    alg: 'ES384',
  };
}

/** Verifier options for tokens of the development issuer, from the same key files `npm run token` signs with. */
export async function devVerifierOptions(dir: string = devKeysDir()): Promise<TokenVerifierOptions> {
  const { publicJwks } = await loadOrCreateDevKeys(dir);
  return { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: publicJwks };
}
