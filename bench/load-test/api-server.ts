/**
 * Starts the API in a worker thread (`api-thread.ts`) and talks to it.
 */
import { Worker } from 'node:worker_threads';
import type { ApiThreadData, ApiThreadMessage } from './api-thread.js';
import type { CommandTallies } from './command-meter.js';

/** Event-loop time of a thread, cumulative, in ms. */
export interface LoopTime {
  readonly idle: number;
  readonly active: number;
}

/** The API thread's cumulative figures. */
export interface ApiUsage {
  readonly loop: LoopTime;
  readonly commands: CommandTallies;
}

/** The running API thread. */
export interface ApiServer {
  readonly port: number;
  /** e.g. `/fhir` */
  readonly basePath: string;
  /** The API thread's cumulative event-loop time and DynamoDB commands. */
  usage(): Promise<ApiUsage>;
  close(): Promise<void>;
}

/** Starts the API thread and resolves once it listens. */
export async function startApiServer(data: ApiThreadData): Promise<ApiServer> {
  // A worker does not get this process's TypeScript loader for its entry file: register it first.
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(new URL('./api-thread.ts', import.meta.url).href)}); })`;
  const worker = new Worker(bootstrap, { eval: true, workerData: data });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const listening = await new Promise<Extract<ApiThreadMessage, { kind: 'listening' }>>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the API thread exited with code ${code} before listening`)));
    worker.once('message', (message: ApiThreadMessage) => (message.kind === 'listening' ? resolve(message) : reject(new Error(`unexpected ${message.kind}`))));
  });
  worker.on('error', (error) => process.stderr.write(`API thread failed: ${error.stack ?? String(error)}\n`));
  return {
    port: listening.port,
    basePath: listening.basePath,
    usage: () =>
      new Promise((resolve) => {
        worker.once('message', (message: ApiThreadMessage) => {
          if (message.kind === 'usage') resolve({ loop: { idle: message.idle, active: message.active }, commands: message.commands });
        });
        worker.postMessage('usage');
      }),
    async close(): Promise<void> {
      worker.postMessage('close');
      const timer = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
