/**
 * `npm run bench:contention` — write throughput under contention (issue 8, item 4): creates and
 * updates of the four types on distinct resources at 1, 4, 16, 32 and 64 concurrent writers,
 * writes/s, p50/p95/p99 and the count of 409/503/5xx; twice — one API process (writers queue in
 * its lane gate) and as many app instances as writers (each races on its own, as separate
 * Lambda instances do) — and optionally a county-wide initial load through the API.
 *
 * Knobs: CONTENTION_WRITES (per level, default 400), CONTENTION_LEVELS (default 1,4,16,32,64),
 * CONTENTION_RACING_ONLY=1 (skip the one-process rows), CONTENTION_INITIAL_LOAD (CarePlans
 * created by 16 racing writers; default 0 = skip, the issue's figure is 20000),
 * BENCH_STREAM=1 (the table's stream and time to live, off by default: bench/table-options.ts).
 */
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { buildApp, createDynamoClient } from '../functions/api/bootstrap.js';
import { loadConfig } from '../functions/shared/config.js';
import { createTable } from '../scripts/local/create-table.js';
import { benchTableOptions } from './table-options.js';
import { startDynamoDbLocal } from '../scripts/local/dynamodb-local.js';
import { carePlanFixture, careTeamFixture, consentFixture, goalFixture } from '../test/fixtures/shared-plan.js';
import { mintToken, testKeys } from '../test/support/tokens.js';
import { apiFetch, useToken } from './http.js';
import { ms, quantile } from './stats.js';

const WRITES = Number(process.env.CONTENTION_WRITES ?? '400');
/** Only the racing app instances (`CONTENTION_RACING_ONLY=1`). */
const RACING_ONLY = process.env.CONTENTION_RACING_ONLY === '1';
const LEVELS = (process.env.CONTENTION_LEVELS ?? '1,4,16,32,64').split(',').map(Number);
const INITIAL_LOAD = Number(process.env.CONTENTION_INITIAL_LOAD ?? '0');
const FIXTURES = { CarePlan: carePlanFixture, CareTeam: careTeamFixture, Consent: consentFixture, Goal: goalFixture } as const;
const TYPES = Object.keys(FIXTURES) as (keyof typeof FIXTURES)[];

interface LevelResult {
  readonly writers: number;
  readonly writes: number;
  readonly seconds: number;
  readonly latencies: number[];
  readonly statuses: Map<number, number>;
}

/**
 * `writers` closed-loop writers share `total` writes: half creates, half updates of what they
 * created — or, for an initial load (`plansOnly`), creates of CarePlans only.
 */
async function runLevel(bases: readonly string[], writers: number, total: number, plansOnly = false): Promise<LevelResult> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const started = performance.now();
  const writer = async (w: number): Promise<void> => {
    const base = bases[w % bases.length]!;
    const mine: { type: string; body: any }[] = [];
    for (let n = next++; n < total; n = next++) {
      const type = plansOnly ? 'CarePlan' : TYPES[n % TYPES.length]!;
      const update = !plansOnly && n % 2 === 1 && mine.length > 0;
      const t0 = performance.now();
      let res: Response;
      if (update) {
        const target = mine[n % mine.length]!;
        res = await apiFetch(`${base}/${target.type}/${target.body.id}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/fhir+json', 'if-match': `W/"${target.body.meta.versionId}"` },
          body: JSON.stringify({ ...target.body, meta: undefined, language: n % 4 === 1 ? 'fi' : 'sv' }),
        });
      } else {
        res = await apiFetch(`${base}/${type}`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(FIXTURES[type]()) });
      }
      const body = res.status < 300 ? await res.json() : await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 201 && !plansOnly) mine.push({ type: (body as any).resourceType, body });
      if (res.status === 200 && update) mine[n % mine.length] = { type: (body as any).resourceType, body };
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
  return { writers, writes: total, seconds: (performance.now() - started) / 1000, latencies, statuses };
}

function row(mode: string, r: LevelResult): string {
  const count = (pred: (s: number) => boolean): number => [...r.statuses].filter(([s]) => pred(s)).reduce((a, [, c]) => a + c, 0);
  return `| ${mode} | ${r.writers} | ${r.writes} | ${(r.writes / r.seconds).toFixed(1)} | ${ms(quantile(r.latencies, 0.5))} | ${ms(quantile(r.latencies, 0.95))} | ${ms(quantile(r.latencies, 0.99))} | ${count((s) => s === 409)} | ${count((s) => s === 412)} | ${count((s) => s === 503)} | ${count((s) => s >= 500 && s !== 503)} |`;
}

const dynamo = await startDynamoDbLocal();
const servers: ServerType[] = [];
try {
  const env = { TABLE_NAME: 'contention', DYNAMODB_ENDPOINT: dynamo.endpoint, CURSOR_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'error' as const };
  const config = await loadConfig(env);
  const client = createDynamoClient(config);
  await createTable(client, config.tableName, benchTableOptions());
  const { jwks } = await testKeys();
  useToken(await mintToken({ expiresIn: 7200 }));
  const start = async (serialiseCommits: boolean): Promise<string> => {
    const { app } = buildApp(config, { client, jwks, serialiseCommits });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
  };
  const gated = await start(true);
  // Each instance has its own lane gate, as each Lambda instance has: they coordinate nothing.
  const instances = await Promise.all(Array.from({ length: Math.max(...LEVELS, INITIAL_LOAD > 0 ? 16 : 0) }, () => start(true)));
  await runLevel([gated], 4, 400); // warm-up (JIT of DynamoDB Local and of the app)
  const rows: string[] = [];
  if (!RACING_ONLY) for (const writers of LEVELS) rows.push(row('one process (lane queue)', await runLevel([gated], writers, WRITES)));
  for (const writers of LEVELS) rows.push(row('one app instance per writer (racing)', await runLevel(instances.slice(0, writers), writers, WRITES)));
  let initial = '';
  if (INITIAL_LOAD > 0) {
    // 16 writers, each its own app instance (as Lambda instances would be).
    const r = await runLevel(instances.slice(0, 16), 16, INITIAL_LOAD, true);
    const failed = [...r.statuses].filter(([s]) => s >= 400);
    const errors = failed.reduce((a, [, c]) => a + c, 0);
    const which = failed.map(([s, c]) => `${c} × ${s}`).join(', ');
    initial = `\nInitial load through the API: ${INITIAL_LOAD} CarePlans created by 16 writers racing as separate app instances in ${r.seconds.toFixed(0)} s = ${(r.writes / r.seconds).toFixed(1)} writes/s, p99 ${ms(quantile(r.latencies, 0.99))} ms, ${errors} errors${which ? ` (${which})` : ''}.\n`;
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  process.stdout.write(
    [
      `### Write throughput under contention — ${new Date().toISOString()}`,
      '',
      `Machine: ${machine}; DynamoDB Local in memory on the same machine. Creates and If-Match updates of the four types on distinct resources.`,
      '',
      '| mode | writers | writes | writes/s | p50 ms | p95 ms | p99 ms | 409 | 412 | 503 | other 5xx |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...rows,
      initial,
    ].join('\n'),
  );
} finally {
  for (const server of servers) server.close();
  await dynamo.stop();
}
