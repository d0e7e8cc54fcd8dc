/**
 * Test harness: a fresh table on the shared DynamoDB Local for each test file, the real app
 * served over real HTTP on an ephemeral port, and a counter of DynamoDB commands.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { serve } from '@hono/node-server';
import { inject } from 'vitest';
import { buildApp } from '../../functions/api/bootstrap.js';
import { loadConfig, type ApiConfig } from '../../functions/shared/config.js';
import { createTable } from '../../scripts/local/create-table.js';
import { mintToken, testKeys, type TokenClaims } from './tokens.js';

/** Default bearer token per API base: `call` sends it unless told otherwise. */
const defaultTokens = new Map<string, string>();

/** A running API for one test file. */
export interface TestApi {
  /** e.g. `http://127.0.0.1:43121/fhir` */
  readonly base: string;
  readonly config: ApiConfig;
  readonly client: DynamoDBClient;
  /** Log lines written by the app. */
  readonly logs: string[];
  /** The bearer token `call` sends to this API by default (organisation TEST_ORG, `system/*.cruds`). */
  readonly token: string;
  /** DynamoDB command names sent since the last {@link TestApi.resetCommands}. */
  commands(): string[];
  resetCommands(): void;
  close(): Promise<void>;
}

/** Creates a DynamoDB client for the test DynamoDB Local that records each command name. */
export function countingClient(endpoint: string, sink: string[]): DynamoDBClient {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sink.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return client;
}

/** Starts the API on a new table; `call` authenticates as `defaultCaller` unless told otherwise. */
export async function startTestApi(env: Record<string, string> = {}, options: { defaultCaller?: TokenClaims; serialiseCommits?: boolean } = {}): Promise<TestApi> {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `t-${randomBytes(6).toString('hex')}`;
  const config = await loadConfig({
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: endpoint,
    CURSOR_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'info',
    ...env,
  });
  const sent: string[] = [];
  const client = countingClient(endpoint, sent);
  // No stream and no time to live: nothing in the suite reads them, and DynamoDB Local's emulation
  // of both slows every later file of the run (scripts/local/create-table.ts).
  await createTable(client, tableName, { stream: false, timeToLive: false });
  const logs: string[] = [];
  const { jwks } = await testKeys();
  const { app } = buildApp(config, { client, logSink: (line) => logs.push(line), jwks, ...(options.serialiseCommits === false ? { serialiseCommits: false } : {}) });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  sent.length = 0;
  const base = `http://127.0.0.1:${port}${config.basePath}`;
  const token = await mintToken({ ...options.defaultCaller, expiresIn: 3600 });
  defaultTokens.set(base, token);
  return {
    base,
    token,
    config,
    client,
    logs,
    commands: () => [...sent],
    resetCommands: () => {
      sent.length = 0;
    },
    // Drops the file's table too: DynamoDB Local keeps every table of the run in one JVM heap.
    close: async () => {
      defaultTokens.delete(base);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
      client.destroy();
    },
  };
}

/**
 * JSON request helper returning status, headers and parsed body. Sends the API's default bearer
 * token unless `token` is given (`null`: no Authorization header) or the headers carry one.
 */
export async function call(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string; token?: string | null } = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { ...init.headers };
  const hasAuthorization = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
  const token = init.token === undefined ? [...defaultTokens].find(([base]) => url.startsWith(base))?.[1] : init.token;
  if (!hasAuthorization && token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/fhir+json';
  }
  const response = await fetch(url, { method: init.method ?? 'GET', headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, headers: response.headers, body: parsed };
}
