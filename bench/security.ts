/**
 * What security costs (issue 7, item 10): authenticated reads by the custodian and by another
 * organisation under consent, each beside the raw DynamoDB calls it is made of (the budget: the
 * custodian's read is GetItem + the audit PutItem; a consented read adds one BatchGetItem of the
 * client's consents), and a search with and without the access filter. Interleaved in rounds so
 * both sides see the same machine conditions.
 */
import { BatchGetItemCommand, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SOTE_ORGANIZATION_SYSTEM } from '../functions/api/access/index.js';
import type { Principal } from '../functions/api/access/types.js';
import { AuditTrail } from '../functions/api/audit/index.js';
import { DynamoResourceRepository, type StoredVersion } from '../functions/api/repository/index.js';
import { auditPk, auditSk, clientConsentsKey, currentKey } from '../functions/api/repository/keys.js';
import { SearchStore } from '../functions/api/repository/search-store.js';
import { AccessGuard } from '../functions/api/services/access-guard.js';
import { SearchService } from '../functions/api/services/search-service.js';
import type { ApiConfig } from '../functions/shared/config.js';
import { consentFixture, goalFixture } from '../test/fixtures/shared-plan.js';
import { mintToken, OTHER_ORG } from '../test/support/tokens.js';
import { apiFetch } from './http.js';
import { ms, quantile } from './stats.js';

const HETU_KEY = 'urn:oid:1.2.246.21|311080-999X';

async function created(base: string, body: unknown, type: string): Promise<{ id: string }> {
  const res = await apiFetch(`${base}/${type}`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`create ${type} failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

async function readOk(url: string, token?: string): Promise<void> {
  const res = await apiFetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  if (res.status !== 200) throw new Error(`read failed: ${res.status}`);
  await res.arrayBuffer();
}

/** Runs `steps` round-robin `n` times after `warmup` rounds; samples per step. */
async function interleaved(n: number, warmup: number, steps: readonly ((i: number) => Promise<unknown>)[]): Promise<number[][]> {
  const samples = steps.map(() => [] as number[]);
  for (let i = 0; i < warmup + n; i++) {
    for (const [s, step] of steps.entries()) {
      const started = performance.now();
      await step(i);
      if (i >= warmup) samples[s]!.push(performance.now() - started);
    }
  }
  return samples;
}

/** Runs the security benchmark against the API at `base` (custodian token set via `useToken`). */
export async function benchSecurity(base: string, client: DynamoDBClient, config: ApiConfig, warmup: number, n: number): Promise<string> {
  const { tableName } = config;
  const consent = consentFixture();
  consent.provision!.actor = [{ ...consent.provision!.actor![0]!, reference: { identifier: { system: SOTE_ORGANIZATION_SYSTEM, value: OTHER_ORG } } }];
  await created(base, consent, 'Consent');
  const goals: string[] = [];
  for (let i = 0; i < 200; i++) goals.push((await created(base, goalFixture(), 'Goal')).id);
  const other = await mintToken({ org: OTHER_ORG, expiresIn: 3600 });
  const auditItem = (i: number) => ({
    PK: { S: auditPk(HETU_KEY, new Date().toISOString(), 0) },
    SK: { S: auditSk(new Date().toISOString(), `raw-${i}-${Math.random()}`) },
    // An AuditEvent of a read is about 2 KB of JSON.
    body: { S: 'x'.repeat(2_000) },
    expiresAt: { N: String(Math.floor(Date.now() / 1000) + 86_400) },
  });
  const goal = (i: number): string => goals[i % goals.length]!;
  const getItem = (i: number) => client.send(new GetItemCommand({ TableName: tableName, Key: currentKey('Goal', goal(i)), ConsistentRead: true }));
  const consents = () => client.send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: [clientConsentsKey(HETU_KEY)], ConsistentRead: true } } }));
  const putAudit = (i: number) => client.send(new PutItemCommand({ TableName: tableName, Item: auditItem(i), ConditionExpression: 'attribute_not_exists(PK)' }));

  const [custodianRead, consentedRead, rawGet, rawConsents, rawPut] = await interleaved(n, warmup, [
    (i) => readOk(`${base}/Goal/${goal(i)}`),
    (i) => readOk(`${base}/Goal/${goal(i)}`, other),
    getItem,
    consents,
    putAudit,
  ]);

  // The same search through the service, with the real per-request access decision of a
  // consented organisation and with an access step that allows everything without reading.
  const repository = new DynamoResourceRepository({ client, tableName });
  const store = new SearchStore(client, tableName);
  const principal: Principal = { clientId: 'bench', organization: OTHER_ORG, scopes: [] };
  const query = new URLSearchParams({ 'patient:identifier': HETU_KEY, _count: '20' });
  const guarded = async (): Promise<unknown> => {
    const audit = new AuditTrail({ requestId: 'bench', principal, retentionDays: 1 });
    const access = new AccessGuard(principal, (keys) => repository.readConsents(keys), audit);
    const result = await new SearchService(store, config, access).search('Goal', query, false);
    if (result.matches.length !== 20) throw new Error(`guarded search found ${result.matches.length}`);
    return result;
  };
  const open = async (): Promise<unknown> => {
    const allowAll = { readable: async (versions: readonly StoredVersion[]) => versions.map(() => true), disclosed: () => undefined };
    const result = await new SearchService(store, config, allowAll).search('Goal', query, false);
    if (result.matches.length !== 20) throw new Error(`open search found ${result.matches.length}`);
    return result;
  };
  const [searchGuarded, searchOpen] = await interleaved(n, Math.min(warmup, 200), [guarded, open]);

  const p50 = (samples: readonly number[] | undefined): number => quantile(samples ?? [], 0.5);
  const rows: [string, readonly number[] | undefined][] = [
    ['API read by the custodian (GET, token verified, audit PutItem)', custodianRead],
    ['API read by another organisation under consent (GET)', consentedRead],
    ['raw GetItem (consistent)', rawGet],
    ['raw BatchGetItem of the client\'s consents item', rawConsents],
    ['raw PutItem of a 2 KB audit record', rawPut],
    ['search by patient, 20 of 200 Goals, with the access decision of a consented organisation (service level)', searchGuarded],
    ['the same search with an allow-all access step (service level)', searchOpen],
  ];
  const custodianRaw = p50(rawGet) + p50(rawPut);
  const consentedRaw = p50(rawGet) + p50(rawConsents) + p50(rawPut);
  return [
    `| security (n=${n} each, interleaved, after ${warmup} warm-up rounds) | p50 ms | p95 ms |`,
    '|---|---:|---:|',
    ...rows.map(([name, samples]) => `| ${name} | ${ms(p50(samples))} | ${ms(quantile(samples ?? [], 0.95))} |`),
    '',
    `Ratios (p50): custodian read / (GetItem + PutItem) = ${(p50(custodianRead) / custodianRaw).toFixed(2)}; ` +
      `consented read / (GetItem + BatchGetItem + PutItem) = ${(p50(consentedRead) / consentedRaw).toFixed(2)} (goal ≤ 1.5); ` +
      `search with / without the access decision = ${(p50(searchGuarded) / p50(searchOpen)).toFixed(2)}.`,
  ].join('\n');
}
