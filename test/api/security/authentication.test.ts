/**
 * Authentication × interaction: every request but the public discovery documents needs a valid
 * access token; any fault answers 401 with a `WWW-Authenticate: Bearer` challenge, reveals no
 * data, writes nothing and is itself audited (about no client, outcome 4).
 */
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../../functions/api/auth/dev-issuer.js';
import { startTestApi, type TestApi } from '../../support/api.js';
import { mintToken, OTHER_ORG, TEST_ORG } from '../../support/tokens.js';
import { auditOf, byClient, createPlan, exchange, expectNothingOf, expectRefused, newClient, tableSnapshot, type Plan } from './helpers.js';

let api: TestApi;
let plan: Plan;
beforeAll(async () => {
  api = await startTestApi();
  plan = await createPlan(api, newClient());
});
afterAll(async () => api.close());

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signed with a key the issuer never published, under the published key's `kid`. */
async function foreignSignature(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES384');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id: 'test-client', organization: TEST_ORG, scope: 'system/*.cruds' })
    .setProtectedHeader({ alg: 'ES384', kid: 'test-key', typ: 'JWT' })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(privateKey);
}

/** The claims of a valid token, unsigned (`alg: none`). */
async function unsigned(): Promise<string> {
  const claims = decodeJwt(await mintToken());
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}

/** Another organisation's valid token with its `organization` claim rewritten to the custodian. */
async function rewrittenOrganization(): Promise<string> {
  const token = await mintToken({ org: OTHER_ORG });
  const [header, , signature] = token.split('.');
  return `${header}.${b64({ ...decodeJwt(token), organization: TEST_ORG })}.${signature}`;
}

/** Each faulty credential and the challenge it must get. */
const CREDENTIALS: readonly [string, () => Promise<string | null>, RegExp][] = [
  ['no token', async () => null, /^Bearer$/],
  ['a token signed by another key', foreignSignature, /^Bearer error="invalid_token"/],
  ['an alg:none token', unsigned, /^Bearer error="invalid_token"/],
  ['a token whose organization claim was rewritten after signing', rewrittenOrganization, /^Bearer error="invalid_token"/],
  ['a token from another issuer', () => mintToken({ issuer: 'https://issuer.example.org' }), /^Bearer error="invalid_token"/],
  ['a token for another audience', () => mintToken({ audience: 'https://other-api.example.org/fhir' }), /^Bearer error="invalid_token"/],
  ['an expired token', () => mintToken({ expiresIn: -3600 }), /^Bearer error="invalid_token"/],
  ['a token not valid yet', () => mintToken({ notBefore: 3600 }), /^Bearer error="invalid_token"/],
];

/** One interaction of each kind: a read, a search, a write and a Bundle. */
const INTERACTIONS: readonly [string, (p: Plan) => { path: string; method?: string; body?: unknown }][] = [
  ['read', (p) => ({ path: `CarePlan/${p.plan.id}` })],
  ['search', (p) => ({ path: `CarePlan?${byClient(p.client)}` })],
  ['create', (p) => ({ path: 'Goal', method: 'POST', body: { ...p.goal, id: undefined, meta: undefined } })],
  ['update', (p) => ({ path: `CarePlan/${p.plan.id}`, method: 'PUT', body: { ...p.plan, status: 'revoked' } })],
  ['delete', (p) => ({ path: `CarePlan/${p.plan.id}`, method: 'DELETE' })],
  ['transaction', (p) => ({ path: '', method: 'POST', body: { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'GET', url: `CarePlan/${p.plan.id}` } }] } })],
];

const MATRIX = CREDENTIALS.flatMap(([credential, token, challenge]) => INTERACTIONS.map(([interaction, request]) => [interaction, credential, token, challenge, request] as const));

describe.each(MATRIX)('%s with %s', (_interaction, _credential, token, challenge, request) => {
  it('answers 401 with a Bearer challenge, reveals and writes nothing, and is audited as refused', async () => {
    const { path, method, body } = request(plan);
    const writes = method !== undefined;
    const before = writes ? await tableSnapshot(api) : [];
    const res = await exchange(`${api.base}/${path}`, { method: method ?? 'GET', ...(body !== undefined ? { body } : {}), token: await token() });

    expectRefused(res, 401, 'login');
    expect(res.headers.get('www-authenticate')).toMatch(challenge);
    expectNothingOf(res, plan.secrets);
    if (writes) expect(await tableSnapshot(api)).toEqual(before);
    const events = await auditOf(api, res);
    expect(events).toHaveLength(1);
    expect(events[0]!.outcome).toBe('4');
    expect(events[0]!.subtype?.[0]?.code).toBe('authenticate');
    expect(events[0]!.agent.map((agent) => agent.who?.display)).toContain('unauthenticated caller');
    expect(events[0]!.extension).toBeUndefined();
  });
});

describe('public endpoints', () => {
  it.each(['metadata', '.well-known/smart-configuration'])('serves GET %s without a token', async (path) => {
    const res = await exchange(`${api.base}/${path}`, { token: null });
    expect(res.status).toBe(200);
    expectNothingOf(res, plan.secrets);
  });

  it('serves nothing else without a token, not even another method on /metadata', async () => {
    const res = await exchange(`${api.base}/metadata`, { method: 'POST', body: {}, token: null });
    expectRefused(res, 401, 'login');
  });

  it('answers HEAD on a resource without a token with 401', async () => {
    const res = await exchange(`${api.base}/CarePlan/${plan.plan.id}`, { method: 'HEAD', token: null });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.headers.get('etag')).toBeNull();
  });
});
