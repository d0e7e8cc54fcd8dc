/**
 * `npm run bench`: starts DynamoDB Local and the API, runs every benchmark side by side in one
 * run, and prints Markdown for docs/benchmarks.md. Not part of `npm test`.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { cpus, totalmem } from 'node:os';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { buildApp, createDynamoClient } from '../functions/api/bootstrap.js';
import { loadConfig } from '../functions/shared/config.js';
import { goalFixture } from '../test/fixtures/shared-plan.js';
import { createTable } from '../scripts/local/create-table.js';
import { startDynamoDbLocal } from '../scripts/local/dynamodb-local.js';
import { benchCrud } from './crud.js';
import { benchBundle } from './bundle.js';
import { benchLambda } from './lambda.js';
import { benchSearch } from './search.js';
import { benchSecurity } from './security.js';
import { apiFetch, useToken } from './http.js';
import { mintToken, testKeys } from '../test/support/tokens.js';

const WARMUP = Number(process.env.BENCH_WARMUP ?? '1500');
const N = Number(process.env.BENCH_N ?? '500');
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? '7');
/** `BENCH_SEARCH=0` skips the search benchmark (it loads 100 000 resources: a few minutes). */
const SEARCH = process.env.BENCH_SEARCH !== '0';
const optionalNumber = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);

const dynamo = await startDynamoDbLocal();
try {
  const env = { TABLE_NAME: 'bench-table', DYNAMODB_ENDPOINT: dynamo.endpoint, CURSOR_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn' as const };
  const config = await loadConfig(env);
  const client = createDynamoClient(config);
  await createTable(client, config.tableName);
  const { app } = buildApp(config, { client, jwks: (await testKeys()).jwks });
  useToken(await mintToken({ expiresIn: 7200 }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;

  const crud = await benchCrud(base, client, config.tableName, WARMUP, N);
  const security = await benchSecurity(base, client, config, Math.min(WARMUP, 500), N);
  const seeded = await apiFetch(`${base}/Goal`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(goalFixture()) });
  const { id } = (await seeded.json()) as { id: string };
  // The cold-start probe fetches its issuer's JWKS like a deployed function: served here on loopback.
  const { jwks } = await testKeys();
  const jwksServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks)));
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const issuer = 'https://bench-issuer.example';
  const lambdaEnv = { ...env, AUTH_ISSUER: issuer, AUTH_AUDIENCE: 'bench-api', AUTH_JWKS_URL: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json` };
  const lambda = await benchLambda(lambdaEnv, `/fhir/Goal/${id}`, COLD_RUNS, await mintToken({ issuer, audience: 'bench-api', expiresIn: 7200 }));
  jwksServer.close();
  const bundle = await benchBundle(base, Number(process.env.BENCH_BUNDLE_N ?? '50'));
  server.close();
  client.destroy();

  // Selective searches at 1 000 and 100 000 resources, in a DynamoDB Local of its own (bench/search.ts).
  const search = SEARCH
    ? await benchSearch({
        largePatients: optionalNumber('BENCH_SEARCH_PATIENTS'),
        n: optionalNumber('BENCH_SEARCH_N'),
        warmup: optionalNumber('BENCH_SEARCH_WARMUP'),
        loadConcurrency: optionalNumber('BENCH_SEARCH_LOAD_CONCURRENCY'),
        progress: (line) => process.stderr.write(`${line}\n`),
      })
    : undefined;

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
  process.stdout.write(
    [`## Run of ${new Date().toISOString()}`, '', `Machine: ${machine}; DynamoDB Local (in memory) on the same machine.`, '', crud.markdown, '', security, '', lambda.markdown, '', bundle, '', ...(search ? [search.markdown, ''] : [])].join('\n'),
  );
} finally {
  await dynamo.stop();
}
