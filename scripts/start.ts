/**
 * `npm start`: DynamoDB Local + the API on one command.
 *
 * Environment: PORT (8080), HOST (127.0.0.1), DATA_DIR (persist the database there; in memory
 * when unset), TABLE_NAME (shared-care-plan), LOG_LEVEL (info), CURSOR_SECRET (random per run).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { buildApp, createDynamoClient } from '../functions/api/bootstrap.js';
import { ConfigError, loadConfig } from '../functions/shared/config.js';
import { createTable } from './local/create-table.js';
import { loadOrCreateDevKeys } from './local/dev-keys.js';
import { assertPortFree, LocalEnvironmentError, startDynamoDbLocal } from './local/dynamodb-local.js';

// Local runs use the machine's Node; Lambda runs a current runtime (see lib/constructs/api-function.ts).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? '8080');
  const host = process.env.HOST ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new LocalEnvironmentError(`PORT '${process.env.PORT}' is not a valid port number`);
  await assertPortFree(port, host, 'API port');

  const dataDir = process.env.DATA_DIR ? resolve(process.env.DATA_DIR) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const dynamo = await startDynamoDbLocal(dataDir ? { dataDir } : {});

  const config = await loadConfig({
    ...process.env,
    TABLE_NAME: process.env.TABLE_NAME ?? 'shared-care-plan',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_REGION: process.env.AWS_REGION ?? 'eu-north-1',
    CURSOR_SECRET: process.env.CURSOR_SECRET ?? randomBytes(32).toString('hex'),
  });
  const client = createDynamoClient(config);
  await createTable(client, config.tableName);
  // The development issuer: keys generated on first start into .dev-keys/ (git-ignored), served
  // at /.well-known/jwks.json; `npm run token` signs with the same key, whatever PORT/HOST.
  const devKeys = config.auth.development ? await loadOrCreateDevKeys() : undefined;
  const { app, log } = buildApp(config, { client, ...(devKeys ? { jwks: devKeys.publicJwks, serveJwks: true } : {}) });

  const server = serve({ fetch: app.fetch, port, hostname: host }, () => {
    const where = dataDir ? `data in ${dataDir}` : 'in-memory data (set DATA_DIR to keep it)';
    process.stdout.write(`Shared Care Plan API ready at http://${host}:${port}${config.basePath} (DynamoDB Local ${dynamo.endpoint}, ${where})\n`);
    if (devKeys) process.stdout.write(`Development issuer: get a token with  npm run token -- --org 1.2.246.10.1234567.10.1 --scope "system/*.cruds"\n`);
  });

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    server.close();
    await dynamo.stop();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));
  // If whoever started us (npm, a shell) goes away without passing on a signal, stop too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop('parent exited');
  }, 1_000).unref();
}

main().catch((error: unknown) => {
  if (error instanceof LocalEnvironmentError || error instanceof ConfigError) {
    process.stderr.write(`npm start: ${error.message}\n`);
  } else {
    process.stderr.write(`npm start failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  // The exit hook of dynamodb-local.ts kills the JVM if it was started.
  process.exit(1);
});
