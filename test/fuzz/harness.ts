/**
 * Runs fuzz batches against one test API: sends a batch with modest concurrency, checks every
 * response (no 5xx, every 4xx an OperationOutcome, every 2xx FHIR JSON of the expected type),
 * and checks that refused requests changed no stored item (audit records aside).
 *
 * Seeded and reproducible: `FUZZ_SEED` (default {@link DEFAULT_SEED}) and `FUZZ_RUNS` (total
 * requests over all properties, default {@link DEFAULT_CASES}); a failure prints the seed, the
 * counterexample path and the shrunk batch, and `FUZZ_PATH` replays that path.
 */
import { BatchWriteItemCommand, DeleteItemCommand, PutItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { SUPPORTED_RESOURCE_TYPES, validateResource, type SupportedResourceType } from '../../schemas/index.js';
import type { TestApi } from '../support/api.js';
import { comparableItem, isAudit } from '../support/stored-items.js';
import type { FuzzRequest } from './arbitraries.js';

export const DEFAULT_SEED = 20_261_208;
/** Requests per `npm test` run (issue 8 asks for at least 10 000 a run); `npm run fuzz` (200 000) or `FUZZ_RUNS=<n>` for more. */
export const DEFAULT_CASES = 10_240;
export const BATCH_SIZE = 32;
const IN_FLIGHT = 8;

const positiveInt = (text: string | undefined, fallback: number): number => (text !== undefined && /^\d+$/.test(text) ? Number(text) : fallback);

export const fuzzSeed = positiveInt(process.env.FUZZ_SEED, DEFAULT_SEED);
export const totalCases = positiveInt(process.env.FUZZ_RUNS, DEFAULT_CASES);

type Item = Record<string, AttributeValue>;
const keyOf = (item: Item): string => `${item.PK?.S}\u0000${item.SK?.S}`;

/**
 * The table's non-audit items, keyed; audit records found on the way are deleted so the table
 * stays small and every Scan stays fast (they are excluded from the comparison anyway).
 */
async function scanState(api: TestApi): Promise<Map<string, { item: Item; json: string }>> {
  const state = new Map<string, { item: Item; json: string }>();
  const audits: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await api.client.send(new ScanCommand({ TableName: api.config.tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      if (isAudit(item)) audits.push(item);
      const json = comparableItem(item);
      if (json !== undefined) state.set(keyOf(item), { item, json });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  for (let n = 0; n < audits.length; n += 25) {
    const chunk = audits.slice(n, n + 25).map((item) => ({ DeleteRequest: { Key: { PK: item.PK!, SK: item.SK! } } }));
    let pending = { [api.config.tableName]: chunk };
    while (Object.keys(pending).length > 0 && (pending[api.config.tableName]?.length ?? 0) > 0) {
      pending = ((await api.client.send(new BatchWriteItemCommand({ RequestItems: pending }))).UnprocessedItems ?? {}) as typeof pending;
    }
  }
  return state;
}

type Snapshot = Map<string, { item: Item; json: string }>;

/** The stored state of one API: a baseline to compare against, and to restore after accepted writes. */
export class StoredState {
  private baseline: Snapshot = new Map();

  constructor(private readonly api: TestApi) {}

  async capture(): Promise<void> {
    this.baseline = await scanState(this.api);
  }

  /** The table now, and the keys of items added, removed or changed since the baseline. */
  async diff(): Promise<{ now: Snapshot; changed: string[] }> {
    const now = await scanState(this.api);
    const changed = [...now].filter(([key, { json }]) => this.baseline.get(key)?.json !== json).map(([key]) => key);
    const removed = [...this.baseline.keys()].filter((key) => !now.has(key));
    return { now, changed: [...changed, ...removed].map((key) => key.replace('\u0000', ' ')) };
  }

  /** Puts the table back to the baseline (accepted writes are undone so the table stays small). */
  async restore(now?: Snapshot): Promise<void> {
    const current = now ?? (await scanState(this.api));
    const table = this.api.config.tableName;
    const deletes = [...current].filter(([key]) => !this.baseline.has(key)).map(([, { item }]) => new DeleteItemCommand({ TableName: table, Key: { PK: item.PK!, SK: item.SK! } }));
    const puts = [...this.baseline].filter(([key, { json }]) => current.get(key)?.json !== json).map(([, { item }]) => new PutItemCommand({ TableName: table, Item: item }));
    await Promise.all([...deletes, ...puts].map((command) => this.api.client.send(command as PutItemCommand)));
  }
}

export interface Sent {
  readonly request: FuzzRequest;
  /** The URL parser rewrote the path (`.`/`..` segments, `\\`): the route reached is not the one meant. */
  readonly normalised: boolean;
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
}

/** Sends one request with the API's default token. */
export async function send(api: TestApi, request: FuzzRequest): Promise<Sent> {
  const url = `${api.base}${request.path}`;
  const parsed = new URL(url);
  const raw = url.split(/[?#]/)[0]!;
  const normalised =
    /[\u0000-\u0020\\]/.test(raw) || /\/(\.|%2e){1,2}(\/|$)/i.test(raw) || parsed.pathname.split('/').length !== raw.split('/').length;
  const response = await fetch(url, {
    method: request.method,
    headers: { authorization: `Bearer ${api.token}`, ...request.headers },
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  return { request, normalised, status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

/** Sends all requests, at most {@link IN_FLIGHT} at a time, answers in request order. */
export async function sendAll(api: TestApi, requests: readonly FuzzRequest[]): Promise<Sent[]> {
  const answers: Sent[] = new Array(requests.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const index = next++;
      answers[index] = await send(api, requests[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, requests.length) }, worker));
  return answers;
}

const isOutcome = (body: any): boolean => body?.resourceType === 'OperationOutcome' && Array.isArray(body.issue) && body.issue.length >= 1;
const isSupported = (type: unknown): type is SupportedResourceType => (SUPPORTED_RESOURCE_TYPES as readonly unknown[]).includes(type);

function resourceProblems(resource: any, where: string): string[] {
  if (!isSupported(resource?.resourceType)) return [];
  const result = validateResource(resource.resourceType, resource);
  return result.ok ? [] : [`${where} is not a valid ${resource.resourceType}: ${JSON.stringify(result.issues).slice(0, 300)}`];
}

/** What is wrong with one answer (empty: nothing). */
export function problemsOf(sent: Sent): string[] {
  const { status, text, request } = sent;
  let body: any;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    return status >= 300 || text !== '' ? [`${status} answered with a body that is not JSON: ${text.slice(0, 200)}`] : [];
  }
  if (status >= 500) return [`${status}: ${text.slice(0, 400)}`];
  if (status >= 400) return isOutcome(body) ? [] : [`${status} without an OperationOutcome: ${text.slice(0, 300)}`];
  if (status < 200 || status >= 300 || body === undefined) return [];
  const problems: string[] = [];
  if (!sent.contentType?.startsWith('application/fhir+json')) problems.push(`${status} with Content-Type ${sent.contentType}`);
  if (!sent.normalised && body.resourceType !== 'OperationOutcome' && !request.expects.includes(body.resourceType)) problems.push(`${status} returned ${body.resourceType}, expected ${request.expects.join('|')}`);
  problems.push(...resourceProblems(body, 'the body'));
  if (body.resourceType === 'Bundle') {
    if (typeof body.type !== 'string' || (body.entry !== undefined && !Array.isArray(body.entry))) problems.push('a Bundle without a type or with a non-array entry');
    for (const [index, entry] of ((body.entry ?? []) as any[]).entries()) {
      problems.push(...resourceProblems(entry.resource, `entry[${index}].resource`));
      const entryStatus = Number(String(entry.response?.status ?? '').slice(0, 3));
      if (entryStatus >= 500) problems.push(`entry[${index}] answered ${entry.response.status}`);
      if (entryStatus >= 400 && !isOutcome(entry.response?.outcome)) problems.push(`entry[${index}] answered ${entry.response.status} without an outcome`);
    }
  }
  return problems;
}

/** Whether a request may change stored state when it succeeds. */
const mayWrite = (request: FuzzRequest): boolean => request.method !== 'GET' && !request.path.includes('/_search');

const describeRequest = (request: FuzzRequest): string => {
  const body = request.body === undefined ? '' : ` ${typeof request.body === 'string' ? request.body : `<bytes ${Buffer.from(request.body).toString('base64')}>`}`;
  return `${request.method} ${request.path} ${JSON.stringify(request.headers)}${body}`.slice(0, 1500);
};

/**
 * Sends one batch and checks it; stored state must be unchanged when no write succeeded. When some
 * write succeeded the table is restored and the refused writes are replayed alone and checked.
 */
export async function checkBatch(api: TestApi, state: StoredState, batch: readonly FuzzRequest[]): Promise<void> {
  let clean = false;
  try {
    const answers = await sendAll(api, batch);
    const failures = answers.flatMap((sent) => problemsOf(sent).map((problem) => `${problem}\n    after ${describeRequest(sent.request)}`));
    if (failures.length > 0) throw new Error(failures.join('\n'));
    const accepted = answers.some((sent) => sent.status < 300 && mayWrite(sent.request));
    const { now, changed } = await state.diff();
    if (!accepted) {
      if (changed.length > 0) throw new Error(`refused requests changed ${changed.slice(0, 5).join(', ')}; batch:\n${batch.map(describeRequest).join('\n')}`);
      clean = true;
      return;
    }
    if (changed.length > 0) await state.restore(now);
    const refusedWrites = answers.filter((sent) => sent.status >= 400 && mayWrite(sent.request)).map((sent) => sent.request);
    if (refusedWrites.length === 0) {
      clean = true;
      return;
    }
    const replayed = await sendAll(api, refusedWrites);
    if (replayed.some((sent) => sent.status < 300)) return; // the earlier writes made the difference: nothing to attribute
    const again = await state.diff();
    if (again.changed.length > 0) throw new Error(`refused writes changed ${again.changed.slice(0, 5).join(', ')}; requests:\n${refusedWrites.map(describeRequest).join('\n')}`);
    clean = true;
  } finally {
    if (!clean) await state.restore();
  }
}

/**
 * Runs a property over batches of `arbitrary` with this run's seed; `share` of the total cases.
 * Throws with the seed, the counterexample path and the shrunk batch.
 */
export async function fuzz(name: string, api: TestApi, state: StoredState, arbitrary: fc.Arbitrary<FuzzRequest>, share: number): Promise<number> {
  const numRuns = Math.max(1, Math.ceil((totalCases * share) / BATCH_SIZE));
  const path = process.env.FUZZ_PATH;
  const details = await fc.check(
    fc.asyncProperty(fc.array(arbitrary, { minLength: BATCH_SIZE, maxLength: BATCH_SIZE }), (batch) => checkBatch(api, state, batch)),
    { seed: fuzzSeed, numRuns, ...(path !== undefined ? { path, endOnFailure: true } : {}) },
  );
  if (details.failed) {
    const message = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(
      `fuzz '${name}' failed: rerun with FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath} npx vitest run test/fuzz\n` +
        `after ${details.numRuns} batches, ${details.numShrinks} shrinks:\n${message.slice(0, 6000)}`,
    );
  }
  return numRuns * BATCH_SIZE;
}
