import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../functions/api/auth/dev-issuer.js';
import { AuthenticationError, createTokenVerifier, KeySetUnavailableError, type RemoteKeySetOptions } from '../../functions/api/auth/index.js';
import { jwksOf, ORG, sign, testKey, type TestKey } from './keys.js';

/** A tiny issuer: serves whatever key set the test puts up, and counts the fetches. */
let server: Server;
let published: JSONWebKeySet = { keys: [] };
let status = 200;
let hang = false;
let fetches = 0;
let jwksUrl: URL;

let oldKey: TestKey;
let newKey: TestKey;

beforeAll(async () => {
  [oldKey, newKey] = await Promise.all([testKey('RS384', 'key-2026-11'), testKey('RS384', 'key-2026-12')]);
  server = createServer((request, response) => {
    fetches += 1;
    if (hang) return;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(published));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  published = jwksOf(oldKey);
  status = 200;
  hang = false;
  fetches = 0;
});

const verifier = (remote: RemoteKeySetOptions = {}, url: URL = jwksUrl): ReturnType<typeof createTokenVerifier> =>
  createTokenVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: url, remote });

describe('remote JWKS', () => {
  it('fetches the key set once and verifies from the cache afterwards', async () => {
    const verify = verifier();
    for (let i = 0; i < 3; i += 1) await expect(verify(await sign(oldKey))).resolves.toMatchObject({ organization: ORG });
    expect(fetches).toBe(1);
  });

  it('accepts a token signed with a rotated-in key once the issuer publishes it (unknown kid refetches)', async () => {
    const verify = verifier({ cooldownMs: 0 });
    await expect(verify(await sign(oldKey))).resolves.toMatchObject({ organization: ORG });
    published = jwksOf(oldKey, newKey);
    await expect(verify(await sign(newKey))).resolves.toMatchObject({ organization: ORG });
    expect(fetches).toBe(2);
    published = jwksOf(newKey);
    await expect(verify(await sign(newKey))).resolves.toMatchObject({ organization: ORG });
    expect(fetches).toBe(2);
  });

  it('does not refetch for unknown kids during the cooldown, so junk tokens cannot flood the issuer', async () => {
    const verify = verifier({ cooldownMs: 60_000 });
    await verify(await sign(oldKey));
    published = jwksOf(oldKey, newKey);
    const error = await verify(await sign(newKey)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).failure).toBe('unknown-key');
    expect(fetches).toBe(1);
  });

  it('reports an issuer answering 500 as an unavailable key set, not as a bad token', async () => {
    status = 500;
    await expect(verifier()(await sign(oldKey))).rejects.toBeInstanceOf(KeySetUnavailableError);
  });

  it('gives up on an issuer that does not answer within the timeout', async () => {
    hang = true;
    const started = Date.now();
    await expect(verifier({ timeoutMs: 200 })(await sign(oldKey))).rejects.toBeInstanceOf(KeySetUnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports an unreachable issuer as an unavailable key set', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(verifier({ timeoutMs: 1_000 }, new URL(`http://127.0.0.1:${port}/jwks.json`))(await sign(oldKey))).rejects.toBeInstanceOf(KeySetUnavailableError);
  });
});
