/**
 * The API under load, in a worker thread of its own: the load generator then never waits in the
 * server's event loop (nor the server in the generator's), as a real client on another machine
 * would not. Serves the real app over HTTP on 127.0.0.1 and tells the main thread, on request,
 * how busy its event loop was and which DynamoDB commands it sent.
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import type { JSONWebKeySet } from 'jose';
import { buildApp, createDynamoClient } from '../../functions/api/bootstrap.js';
import { loadConfig } from '../../functions/shared/config.js';
import { meterCommands, type CommandTallies } from './command-meter.js';

/** What the main thread passes to the API thread. */
export interface ApiThreadData {
  readonly env: Record<string, string>;
  readonly jwks: JSONWebKeySet;
}

/** Messages from the API thread. */
export type ApiThreadMessage =
  | { readonly kind: 'listening'; readonly port: number; readonly basePath: string }
  | { readonly kind: 'usage'; readonly idle: number; readonly active: number; readonly commands: CommandTallies };

const port = parentPort;
if (!port) throw new Error('api-thread.ts runs only as a worker thread (see api-server.ts)');
const { env, jwks } = workerData as ApiThreadData;
const config = await loadConfig(env);
const client = createDynamoClient(config);
const commands = meterCommands(client);
// Errors only, to stderr: stdout carries the report.
const { app } = buildApp(config, { client, jwks, logSink: (line) => process.stderr.write(`${line}\n`) });
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));

port.on('message', (message: 'usage' | 'close') => {
  if (message === 'usage') {
    const { idle, active } = performance.eventLoopUtilization();
    port.postMessage({ kind: 'usage', idle, active, commands: commands() } satisfies ApiThreadMessage);
  } else {
    server.close(() => {
      client.destroy();
      port.close();
    });
  }
});
port.postMessage({ kind: 'listening', port: (server.address() as AddressInfo).port, basePath: config.basePath } satisfies ApiThreadMessage);
