/**
 * CRUD latency through the HTTP server beside raw DynamoDB PutItem/GetItem on the same table,
 * in the same run, so the ratio is the API's own overhead.
 */
import { GetItemCommand, PutItemCommand, TransactWriteItemsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { goalFixture } from '../test/fixtures/shared-plan.js';
import { ms, quantile, timeMany } from './stats.js';
import { apiFetch } from './http.js';

export interface CrudResult {
  readonly rows: readonly { name: string; p50: number; p95: number }[];
  readonly markdown: string;
}

async function post(base: string, body: unknown): Promise<any> {
  const res = await apiFetch(`${base}/Goal`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`create failed: ${res.status}`);
  return res.json();
}

/** Runs the CRUD benchmark: `warmup` untimed rounds, then `n` timed calls of each operation. */
export async function benchCrud(base: string, client: DynamoDBClient, tableName: string, warmup: number, n: number): Promise<CrudResult> {
  const body = goalFixture();
  const rawItem = (i: number) => ({ PK: { S: `bench/raw-${i}` }, SK: { S: 'CURRENT' }, body: { S: JSON.stringify({ ...body, id: `raw-${i}` }) } });
  for (let i = 0; i < warmup; i++) {
    const created = await post(base, body);
    await apiFetch(`${base}/Goal/${created.id}`).then((r) => r.arrayBuffer());
    await client.send(new PutItemCommand({ TableName: tableName, Item: rawItem(i) }));
    await client.send(new GetItemCommand({ TableName: tableName, Key: { PK: { S: `bench/raw-${i}` }, SK: { S: 'CURRENT' } }, ConsistentRead: true }));
  }
  const ids: string[] = [];
  const bodies: any[] = [];
  // Interleave API and raw calls so both see the same machine conditions.
  const create = await timeMany(n, async () => {
    const created = await post(base, body);
    ids.push(created.id);
    bodies.push(created);
  });
  const put = await timeMany(n, (i) => client.send(new PutItemCommand({ TableName: tableName, Item: rawItem(100_000 + i) })));
  // The API's write is a transaction of two conditional Puts (current + version) and a sequence update.
  const transact = await timeMany(n, (i) =>
    client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: rawItem(200_000 + i), ConditionExpression: 'attribute_not_exists(PK)' } },
          { Put: { TableName: tableName, Item: { ...rawItem(200_000 + i), SK: { S: 'V#1' } }, ConditionExpression: 'attribute_not_exists(PK)' } },
          { Update: { TableName: tableName, Key: { PK: { S: 'bench/seq' }, SK: { S: 'raw' } }, UpdateExpression: 'SET seq = :n', ExpressionAttributeValues: { ':n': { N: String(i) } } } },
        ],
      }),
    ),
  );
  const read = await timeMany(n, (i) => apiFetch(`${base}/Goal/${ids[i]}`).then((r) => r.arrayBuffer()));
  const get = await timeMany(n, (i) =>
    client.send(new GetItemCommand({ TableName: tableName, Key: { PK: { S: `bench/raw-${100_000 + i}` }, SK: { S: 'CURRENT' } }, ConsistentRead: true })),
  );
  const update = await timeMany(n, async (i) => {
    const res = await apiFetch(`${base}/Goal/${ids[i]}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/fhir+json', 'if-match': 'W/"1"' },
      body: JSON.stringify({ ...bodies[i], lifecycleStatus: 'accepted' }),
    });
    if (res.status !== 200) throw new Error(`update failed: ${res.status}`);
    await res.arrayBuffer();
  });
  const rows = [
    { name: 'API create (POST)', p50: quantile(create, 0.5), p95: quantile(create, 0.95) },
    { name: 'API read (GET)', p50: quantile(read, 0.5), p95: quantile(read, 0.95) },
    { name: 'API update (PUT, If-Match)', p50: quantile(update, 0.5), p95: quantile(update, 0.95) },
    { name: 'raw PutItem', p50: quantile(put, 0.5), p95: quantile(put, 0.95) },
    { name: 'raw GetItem (consistent)', p50: quantile(get, 0.5), p95: quantile(get, 0.95) },
    { name: 'raw TransactWriteItems (2 Puts + 1 Update)', p50: quantile(transact, 0.5), p95: quantile(transact, 0.95) },
  ];
  const ratio = (a: number, b: number): string => (a / b).toFixed(2);
  const [c, r, u, p, g, t] = rows as [typeof rows[0], typeof rows[0], typeof rows[0], typeof rows[0], typeof rows[0], typeof rows[0]];
  const markdown = [
    `| operation (n=${n} each, after ${warmup} warm-up rounds) | p50 ms | p95 ms |`,
    '|---|---:|---:|',
    ...rows.map((row) => `| ${row.name} | ${ms(row.p50)} | ${ms(row.p95)} |`),
    '',
    `Ratios (p50): read / GetItem = ${ratio(r.p50, g.p50)}; create / (GetItem + TransactWriteItems) = ${ratio(c.p50, g.p50 + t.p50)}; ` +
      `update / (GetItem + TransactWriteItems) = ${ratio(u.p50, g.p50 + t.p50)}; create / PutItem = ${ratio(c.p50, p.p50)} (what a non-transactional store would cost).`,
  ].join('\n');
  return { rows, markdown };
}
