/**
 * `npm run bench:load`: an authenticated, realistic request mix against the API for a bounded
 * time, reporting throughput, latency percentiles and statuses per request type (issue 8,
 * item 8). Starts its own DynamoDB Local and the API (in a worker thread, with the test key set),
 * seeds synthetic clients through the API, warms up, then runs one timed phase per connection
 * count. Prints Markdown for docs/benchmarks.md; exits 1 if any request got a 5xx or no answer.
 * Traffic goes to 127.0.0.1 only. Not part of `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { z } from 'zod';
import { startDynamoDbLocal } from '../scripts/local/dynamodb-local.js';
import { createTable } from '../scripts/local/create-table.js';
import { benchTableOptions } from './table-options.js';
import { createDynamoClient } from '../functions/api/bootstrap.js';
import { loadConfig } from '../functions/shared/config.js';
import { seededRandom } from '../test/support/seeded-random.js';
import { mintToken, OTHER_ORG, TEST_ORG, testKeys } from '../test/support/tokens.js';
import { startApiServer } from './load-test/api-server.js';
import { runPhase, type PhaseResult } from './load-test/driver.js';
import { LoopbackClient } from './load-test/http-client.js';
import { MIX, RequestMix } from './load-test/mix.js';
import { phaseMarkdown } from './load-test/report.js';
import { seedClients } from './load-test/seed.js';
import { measureUsage } from './load-test/usage.js';

const settings = z
  .object({
    LOAD_SECONDS: z.coerce.number().positive().max(3600).default(60),
    /** Comma-separated: one timed phase per value, on the same data. */
    LOAD_CONNECTIONS: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'LOAD_CONNECTIONS must be a number or a comma-separated list such as 16,64')
      .default('16')
      .transform((list) => list.split(',').map(Number))
      .refine((counts) => counts.every((count) => count >= 1 && count <= 1024), 'LOAD_CONNECTIONS values must be 1–1024'),
    LOAD_CLIENTS: z.coerce.number().int().min(10).max(10_000).default(300),
    LOAD_WARMUP_SECONDS: z.coerce.number().min(0).max(600).default(10),
    LOAD_MAX_REQUESTS: z.coerce.number().int().positive().default(1_000_000),
    LOAD_SEED: z.coerce.number().int().default(1),
    /** A request unanswered this long counts as a network error. */
    LOAD_TIMEOUT_SECONDS: z.coerce.number().positive().max(300).default(30),
    LOAD_SEED_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    /** Full (C2) JIT: the C1-only start-up flags of `npm start` would make DynamoDB Local the bottleneck. */
    LOAD_JAVA_TOOL_OPTIONS: z.string().default('-XX:+UseParallelGC -Xmx2g'),
  })
  .parse(process.env);

const progress = (line: string): boolean => process.stderr.write(`${line}\n`);

/** The commit measured, and whether the working tree differed from it. */
function codeVersion(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return `commit ${commit}${dirty ? ' with uncommitted changes' : ''}`;
  } catch {
    return 'unknown commit';
  }
}
const startedAt = new Date();
process.env.JAVA_TOOL_OPTIONS = settings.LOAD_JAVA_TOOL_OPTIONS;
const dynamo = await startDynamoDbLocal();
let failed = false;
try {
  const env = { TABLE_NAME: 'load-table', DYNAMODB_ENDPOINT: dynamo.endpoint, CURSOR_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'error' };
  const config = await loadConfig(env);
  const tableClient = createDynamoClient(config);
  await createTable(tableClient, config.tableName, benchTableOptions());
  tableClient.destroy();
  const api = await startApiServer({ env, jwks: (await testKeys()).jwks });
  const maxConnections = Math.max(...settings.LOAD_CONNECTIONS);
  const http = new LoopbackClient(api.port, Math.max(maxConnections, settings.LOAD_SEED_CONCURRENCY), settings.LOAD_TIMEOUT_SECONDS * 1000);
  try {
    const lifetime = 3600 + settings.LOAD_WARMUP_SECONDS + settings.LOAD_SECONDS * settings.LOAD_CONNECTIONS.length;
    const custodianToken = await mintToken({ org: TEST_ORG, clientId: 'load-custodian', expiresIn: lifetime });
    const otherToken = await mintToken({ org: OTHER_ORG, clientId: 'load-health-centre', expiresIn: lifetime });

    progress(`seeding ${settings.LOAD_CLIENTS} clients…`);
    const seed = await seedClients({
      http,
      basePath: api.basePath,
      custodianToken,
      otherOrganization: OTHER_ORG,
      clients: settings.LOAD_CLIENTS,
      concurrency: settings.LOAD_SEED_CONCURRENCY,
    });
    progress(`seeded ${seed.resources} resources in ${seed.seconds.toFixed(1)} s (${seed.retried} retried 409s)`);
    const mix = new RequestMix({
      basePath: api.basePath,
      custodianToken,
      otherToken,
      clients: seed.clients,
      consented: seed.clients.filter((client) => client.consented),
      random: seededRandom(settings.LOAD_SEED),
    });
    const next = () => mix.next();

    if (settings.LOAD_WARMUP_SECONDS > 0) {
      progress(`warm-up ${settings.LOAD_WARMUP_SECONDS} s at ${settings.LOAD_CONNECTIONS[0]} connections…`);
      await runPhase({ http, next, connections: settings.LOAD_CONNECTIONS[0]!, seconds: settings.LOAD_WARMUP_SECONDS, maxRequests: settings.LOAD_MAX_REQUESTS });
    }
    const sections: string[] = [];
    const phases: PhaseResult[] = [];
    for (const connections of settings.LOAD_CONNECTIONS) {
      progress(`timed phase: ${settings.LOAD_SECONDS} s at ${connections} connections…`);
      const usage = await measureUsage(() => api.usage());
      const phase = await runPhase({ http, next, connections, seconds: settings.LOAD_SECONDS, maxRequests: settings.LOAD_MAX_REQUESTS });
      phases.push(phase);
      sections.push(phaseMarkdown(phase, await usage()));
    }
    failed = phases.some((phase) => [...phase.byType.values()].some((stats) => stats.statuses['5xx'] > 0 || stats.statuses.network > 0));

    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
    const mixLine = MIX.map(({ type, share }) => `${type} ${share} %`).join(', ');
    process.stdout.write(
      [
        `### Load run, ${startedAt.toISOString().slice(0, 16).replace('T', ' ')}–${new Date().toISOString().slice(11, 16)} UTC`,
        '',
        `Code: ${codeVersion()}. Machine: ${machine}; DynamoDB Local (in memory, \`JAVA_TOOL_OPTIONS=${settings.LOAD_JAVA_TOOL_OPTIONS}\`) on the same machine; the API in a worker thread of the load process.`,
        '',
        `Settings: LOAD_SECONDS=${settings.LOAD_SECONDS}, LOAD_CONNECTIONS=${settings.LOAD_CONNECTIONS.join(',')}, LOAD_CLIENTS=${settings.LOAD_CLIENTS}, ` +
          `LOAD_WARMUP_SECONDS=${settings.LOAD_WARMUP_SECONDS}, LOAD_SEED=${settings.LOAD_SEED}. ` +
          `Seeded ${seed.resources} resources for ${settings.LOAD_CLIENTS} clients (${seed.clients.filter((c) => c.consented).length} with a consent for the second organisation) in ${seed.seconds.toFixed(1)} s.`,
        '',
        `Mix: ${mixLine}.`,
        '',
        ...sections.flatMap((section) => [section, '']),
      ].join('\n'),
    );
  } finally {
    http.close();
    await api.close();
  }
} finally {
  await dynamo.stop();
}
process.exitCode = failed ? 1 : 0;
