/**
 * Selective searches at two table sizes side by side: one table with 1 000 resources, one with
 * 100 000 (by default), loaded by {@link loadSynthetic}, each served by its own API instance, both
 * tables in the same DynamoDB Local (by default one of its own, started with the full JIT — see
 * {@link SearchBenchOptions.javaToolOptions}). Requests go round-robin over the query kinds; for
 * each, the two instances answer the same random target (a patient, plan identifier or
 * practitioner present in both tables, with the same result set in both) one right after the
 * other, alternating which goes first, so both see the same machine conditions and the same result
 * sizes, and the ratio p50(large) / p50(small) shows how a search's latency grows with the table.
 * Every response is checked — 200, exactly the expected ids, the expected total — so a broken
 * search cannot look fast. The searches run as the organisation that holds the data
 * ({@link BENCH_ORG}), except one that names no patient at all (`CarePlan?status=active`), run as
 * {@link PARTNER_ORG}, which holds nothing and which the Consents of 10 clients name: the
 * visible-set plan must keep it as fast at 100 000 resources as at 1 000.
 *
 * Before loading, the loader is checked against the API itself: the same patients are created
 * once through {@link ResourceService.create} (the create route's path) and once by the loader,
 * each into a scratch table with the same fixed clock, and both tables must hold identical items.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { DeleteTableCommand, DescribeTableCommand, DynamoDBClient, ScanCommand, UpdateTableCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { serve, type ServerType } from '@hono/node-server';
import { buildApp, createDynamoClient } from '../functions/api/bootstrap.js';
import { DynamoResourceRepository } from '../functions/api/repository/index.js';
import { LaneGate } from '../functions/api/services/lane-gate.js';
import { ResourceService } from '../functions/api/services/resource-service.js';
import { BENCH_ORG, benchActor } from './actor.js';
import { mintToken, testKeys } from '../test/support/tokens.js';
import { loadConfig } from '../functions/shared/config.js';
import { createTable } from '../scripts/local/create-table.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../scripts/local/dynamodb-local.js';
import {
  HETU_SYSTEM,
  loadSynthetic,
  namesPartner,
  PARTNER_ORG,
  PATIENTS_PER_UNIT,
  RESOURCES_PER_PATIENT,
  seededRandom,
  syntheticPatient,
  type LoadResult,
  type SyntheticPatient,
} from './load.js';
import { ms, quantile } from './stats.js';

/** Options of {@link benchSearch}. */
export interface SearchBenchOptions {
  /**
   * DynamoDB Local to use. @default a DynamoDB Local of its own, in memory, whose JVM runs with
   * {@link SearchBenchOptions.javaToolOptions}
   */
  readonly endpoint?: string;
  /**
   * `JAVA_TOOL_OPTIONS` of the benchmark's own DynamoDB Local. The full (C2) JIT loads twice as
   * fast as the C1-only start-up flags of `npm start` and the tests.
   * @default '-XX:+UseParallelGC -Xmx4g'
   */
  readonly javaToolOptions?: string;
  /** Patients of the small table (5 resources each). @default 200 (1 000 resources) */
  readonly smallPatients?: number;
  /** Patients of the large table. @default 20 000 (100 000 resources) */
  readonly largePatients?: number;
  /** Untimed rounds of every query kind against each instance. @default 200 */
  readonly warmup?: number;
  /** Timed requests per query kind and instance. @default 300 */
  readonly n?: number;
  /** BatchWriteItem calls in flight while loading. @default 3 */
  readonly loadConcurrency?: number;
  /** Seed of the target choice. @default 42 */
  readonly seed?: number;
  /** Progress lines (loading); none by default. */
  readonly progress?: (line: string) => void;
}

/** The result: Markdown for docs/benchmarks.md and the numbers behind it. */
export interface SearchBenchResult {
  readonly markdown: string;
  readonly loads: readonly { readonly label: string; readonly patients: number; readonly load: LoadResult; readonly tableItems: number }[];
  readonly rows: readonly { readonly kind: string; readonly small: Summary; readonly large: Summary; readonly ratio: number }[];
}

interface Summary {
  readonly p50: number;
  readonly p95: number;
}

/** Who searches: the organisation holding the data, or one that only Consents name. */
type Caller = 'custodian' | 'partner';

/** One request: a search path below the FHIR base, who asks, and the ids it must answer (any order). */
interface Probe {
  readonly path: string;
  readonly expected: readonly string[];
  readonly caller?: Caller;
}

/** A query kind: builds a probe for a target patient (present in both tables). */
interface QueryKind {
  readonly name: string;
  readonly probe: (patient: SyntheticPatient, random: () => number) => Probe;
}

/** The goal of the issue: p50 at 100 000 resources at most 1.3 × p50 at 1 000. */
const GOAL_RATIO = 1.3;

const q = encodeURIComponent;

/**
 * The query kinds. `careTeamsOf` maps `Practitioner/<id>` to the care teams it is a participant
 * of; practitioners belong to one care unit, so the set is the same in both tables.
 * `partnerPlans` are the active care plans of the clients whose Consents name
 * {@link PARTNER_ORG}, the same in both tables.
 */
function queryKinds(careTeamsOf: ReadonlyMap<string, readonly string[]>, partnerPlans: readonly string[]): QueryKind[] {
  return [
    { name: 'by patient: `CarePlan?patient=Patient/<id>`', probe: (p) => ({ path: `CarePlan?patient=${q(`Patient/${p.patientId}`)}`, expected: [p.carePlanId] }) },
    {
      name: 'by identifier: `CarePlan?identifier=<system>|<value>`',
      probe: (p) => ({ path: `CarePlan?identifier=${q(p.carePlanIdentifier)}`, expected: [p.carePlanId] }),
    },
    {
      name: 'by care-team participant: `CareTeam?participant=Practitioner/<id>`',
      probe: (p, random) => {
        const participant = p.participants[Math.floor(random() * p.participants.length)]!;
        return { path: `CareTeam?participant=${q(participant)}`, expected: careTeamsOf.get(participant) ?? [] };
      },
    },
    {
      name: 'status within a patient: `CarePlan?patient=Patient/<id>&status=active`',
      probe: (p) => ({ path: `CarePlan?patient=${q(`Patient/${p.patientId}`)}&status=active`, expected: p.carePlanStatus === 'active' ? [p.carePlanId] : [] }),
    },
    {
      name: 'by identity code: `Goal?patient:identifier=urn:oid:1.2.246.21|<hetu>`',
      probe: (p) => ({ path: `Goal?patient:identifier=${q(`${HETU_SYSTEM}|${p.hetu}`)}`, expected: [...p.goalIds] }),
    },
    {
      name: 'non-custodian, no patient named: `CarePlan?status=active` as an organisation that the Consents of 10 clients name',
      probe: () => ({ path: 'CarePlan?status=active', expected: partnerPlans, caller: 'partner' }),
    },
  ];
}

/** Sends one search with `token` and returns the raw body; only this is timed. */
async function request(base: string, path: string, token: string): Promise<{ status: number; body: ArrayBuffer }> {
  const res = await fetch(`${base}/${path}`, { headers: { accept: 'application/fhir+json', authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.arrayBuffer() };
}

/** Throws unless the response is a 200 searchset with exactly the expected matches and total. */
function verify(label: string, probe: Probe, response: { status: number; body: ArrayBuffer }): void {
  const text = Buffer.from(response.body).toString('utf8');
  const fail = (why: string): never => {
    throw new Error(`search benchmark: ${label} ${probe.path}: ${why}\n${text.slice(0, 500)}`);
  };
  if (response.status !== 200) fail(`status ${response.status}`);
  const bundle = JSON.parse(text) as { resourceType?: string; type?: string; total?: number; entry?: { resource?: { id?: string }; search?: { mode?: string } }[] };
  if (bundle.resourceType !== 'Bundle' || bundle.type !== 'searchset') fail('not a searchset Bundle');
  const entries = bundle.entry ?? [];
  if (entries.some((entry) => entry.search?.mode !== 'match')) fail('an entry is not a match (ignored parameter or include)');
  const got = entries.map((entry) => entry.resource?.id ?? '').sort();
  const want = [...probe.expected].sort();
  if (!isDeepStrictEqual(got, want)) fail(`expected ids ${want.join(',') || '(none)'}, got ${got.join(',') || '(none)'}`);
  if (bundle.total !== undefined && bundle.total !== want.length) fail(`expected total ${want.length}, got ${bundle.total}`);
}

/** Starts an API instance on `tableName`; returns its FHIR base URL and server. */
async function startApi(endpoint: string, tableName: string, cursorSecret: string): Promise<{ base: string; server: ServerType; client: DynamoDBClient }> {
  const config = await loadConfig({ TABLE_NAME: tableName, DYNAMODB_ENDPOINT: endpoint, CURSOR_SECRET: cursorSecret, LOG_LEVEL: 'warn' });
  const client = createDynamoClient(config);
  const { app } = buildApp(config, { client, jwks: (await testKeys()).jwks });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`, server, client };
}

type Item = Record<string, AttributeValue>;

/**
 * Creates a table from the shared definition and turns its stream off. DynamoDB Local looks up
 * the stream's shards for every item written to a table with a stream, at a cost that grows with
 * the stream records already stored (a second 19 000-item load ran at 50 instead of 700 items/s),
 * which makes a 100 000-resource load impractical. Nothing in the API reads the stream (it is the
 * future notification outbox), so searches are unaffected.
 */
async function createBenchTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await createTable(client, tableName);
  await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }));
}

/** Starts DynamoDB Local (in memory) with `javaToolOptions` for its JVM. */
async function startOwnDynamoDbLocal(javaToolOptions: string): Promise<DynamoDbLocal> {
  const before = process.env.JAVA_TOOL_OPTIONS;
  process.env.JAVA_TOOL_OPTIONS = javaToolOptions;
  try {
    return await startDynamoDbLocal();
  } finally {
    if (before === undefined) delete process.env.JAVA_TOOL_OPTIONS;
    else process.env.JAVA_TOOL_OPTIONS = before;
  }
}

async function scanAll(client: DynamoDBClient, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  const key = (item: Item): string => `${item.PK?.S ?? ''}\u0000${item.SK?.S ?? ''}`;
  return items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Creates `patients` synthetic patients through the API's service (as `POST` does, with the
 * loader's ids) and through the loader, with the same fixed clock, into two scratch tables, and
 * requires identical items. Returns how many items were compared.
 */
export async function checkLoaderAgainstApi(client: DynamoDBClient, patients: number): Promise<number> {
  const apiTable = 'bench-loader-check-api';
  const loaderTable = 'bench-loader-check-loader';
  const clock = (): Date => new Date('2026-11-16T08:30:00.000Z');
  await createBenchTable(client, apiTable);
  await createBenchTable(client, loaderTable);
  try {
    const repository = new DynamoResourceRepository({ client, tableName: apiTable });
    // One lane: the loader writes every type's feed in lane 0, so the API's create path must too.
    const service = new ResourceService({ repository, actor: benchActor(repository, clock), now: clock, gate: new LaneGate(1) });
    for (let index = 0; index < patients; index++) {
      for (const { resourceType, id, body } of syntheticPatient(index).resources) await service.create(resourceType, body, id);
    }
    await loadSynthetic({ client, tableName: loaderTable, patients, now: clock });
    // The API's create path also stores the audit record of the write; the loader stores none.
    const viaApi = (await scanAll(client, apiTable)).filter((item) => !item.PK?.S?.startsWith('AU#'));
    const viaLoader = await scanAll(client, loaderTable);
    if (viaApi.length === 0 || !isDeepStrictEqual(viaApi, viaLoader)) {
      const differing = viaApi.findIndex((item, i) => !isDeepStrictEqual(item, viaLoader[i]));
      throw new Error(
        `the loader does not write what the API writes: ${viaApi.length} items via the API, ${viaLoader.length} via the loader; first difference:\n` +
          `API:    ${JSON.stringify(viaApi[differing])}\nloader: ${JSON.stringify(viaLoader[differing])}`,
      );
    }
    return viaApi.length;
  } finally {
    await client.send(new DeleteTableCommand({ TableName: apiTable }));
    await client.send(new DeleteTableCommand({ TableName: loaderTable }));
  }
}

/** Runs the benchmark; see the module comment. */
export async function benchSearch(options: SearchBenchOptions = {}): Promise<SearchBenchResult> {
  const smallPatients = options.smallPatients ?? 200;
  const largePatients = options.largePatients ?? 20_000;
  const warmup = options.warmup ?? 200;
  const n = options.n ?? 300;
  const javaToolOptions = options.javaToolOptions ?? '-XX:+UseParallelGC -Xmx4g';
  if (smallPatients % PATIENTS_PER_UNIT !== 0 || largePatients < smallPatients) {
    throw new Error(`search benchmark: the small table must hold whole care units (${PATIENTS_PER_UNIT} patients) and no more patients than the large one`);
  }
  const label = (patients: number): string => (patients * RESOURCES_PER_PATIENT).toLocaleString('en-US');
  const progress = options.progress ?? ((): void => undefined);
  const own = options.endpoint === undefined ? await startOwnDynamoDbLocal(javaToolOptions) : undefined;
  const endpoint = options.endpoint ?? own!.endpoint;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 6 });
  const cursorSecret = randomBytes(32).toString('hex');
  const servers: ServerType[] = [];
  const clients: DynamoDBClient[] = [client];
  try {
    const compared = await checkLoaderAgainstApi(client, 3);

    const loads: { label: string; patients: number; load: LoadResult; tableItems: number }[] = [];
    const apis: { base: string }[] = [];
    for (const patients of [smallPatients, largePatients]) {
      const tableName = `bench-search-${patients * RESOURCES_PER_PATIENT}`;
      await createBenchTable(client, tableName);
      const load = await loadSynthetic({
        client,
        tableName,
        patients,
        concurrency: options.loadConcurrency ?? 3,
        onProgress: (done, items) => {
          if (done % Math.max(1, Math.floor(patients / 4)) === 0) {
            progress(`search benchmark: ${tableName}: ${done.toLocaleString('en-US')} of ${patients.toLocaleString('en-US')} patients, ${items.toLocaleString('en-US')} items`);
          }
        },
      });
      const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const tableItems = described.Table?.ItemCount ?? -1;
      if (tableItems !== load.items) throw new Error(`search benchmark: ${tableName} holds ${tableItems} items, the loader wrote ${load.items}`);
      progress(`search benchmark: ${tableName} loaded in ${(load.ms / 1000).toFixed(1)} s`);
      loads.push({ label: label(patients), patients, load, tableItems });
      const api = await startApi(endpoint, tableName, cursorSecret);
      servers.push(api.server);
      clients.push(api.client);
      apis.push(api);
    }
    const [small, large] = apis as [{ base: string }, { base: string }];

    // Targets: the small table's patients (all of them are in the large table, identically).
    const targets = Array.from({ length: smallPatients }, (_, index) => syntheticPatient(index));
    const careTeamsOf = new Map<string, string[]>();
    for (const patient of targets) for (const participant of patient.participants) careTeamsOf.set(participant, [...(careTeamsOf.get(participant) ?? []), patient.careTeamId]);
    const partnerPlans = targets.filter((patient) => namesPartner(patient.index) && patient.carePlanStatus === 'active').map((patient) => patient.carePlanId);
    const kinds = queryKinds(careTeamsOf, partnerPlans);
    // Minted after loading (which takes minutes at 100 000 resources), valid for the rest of the run.
    const tokens: Record<Caller, string> = {
      custodian: await mintToken({ org: BENCH_ORG, scope: 'system/*.rs', expiresIn: 7200 }),
      partner: await mintToken({ org: PARTNER_ORG, scope: 'system/*.rs', expiresIn: 7200 }),
    };
    const send = (base: string, probe: Probe): Promise<{ status: number; body: ArrayBuffer }> => request(base, probe.path, tokens[probe.caller ?? 'custodian']);
    const random = seededRandom(options.seed ?? 42);
    const target = (): SyntheticPatient => targets[Math.floor(random() * targets.length)]!;

    progress(`search benchmark: warming up (${warmup} rounds)`);
    for (let round = 0; round < warmup; round++) {
      for (const kind of kinds) {
        const probe = kind.probe(target(), random);
        verify('small (warm-up)', probe, await send(small.base, probe));
        verify('large (warm-up)', probe, await send(large.base, probe));
      }
    }

    // Round-robin over the kinds, so every kind sees the same machine conditions over time; per
    // kind, the two instances answer the same target one right after the other, alternating which
    // goes first.
    const samples = kinds.map(() => ({ small: [] as number[], large: [] as number[] }));
    for (let i = 0; i < n; i++) {
      for (const [k, kind] of kinds.entries()) {
        const probe = kind.probe(target(), random);
        const order: ('small' | 'large')[] = (i + k) % 2 === 0 ? ['small', 'large'] : ['large', 'small'];
        for (const which of order) {
          const started = performance.now();
          const response = await send(which === 'small' ? small.base : large.base, probe);
          samples[k]![which].push(performance.now() - started);
          verify(which, probe, response);
        }
      }
    }
    const summary = (values: number[]): Summary => ({ p50: quantile(values, 0.5), p95: quantile(values, 0.95) });
    const rows = kinds.map((kind, k) => {
      const smallSummary = summary(samples[k]!.small);
      const largeSummary = summary(samples[k]!.large);
      return { kind: kind.name, small: smallSummary, large: largeSummary, ratio: largeSummary.p50 / smallSummary.p50 };
    });

    const [smallLabel, largeLabel] = [label(smallPatients), label(largePatients)];
    const worst = Math.max(...rows.map((row) => row.ratio));
    const where = own
      ? `a DynamoDB Local of its own (in memory, JVM \`JAVA_TOOL_OPTIONS=${javaToolOptions}\`)`
      : 'the given DynamoDB Local';
    const count = (value: number): string => value.toLocaleString('en-US');
    const markdown = [
      `### Selective searches at ${smallLabel} and ${largeLabel} stored resources`,
      '',
      `Both tables in ${where}, built from the shared table definition with the stream turned off; each served by its own API instance. ` +
        `Loader check: the ${compared} items written for 3 patients by the API's create path and by the bulk loader are identical.`,
      '',
      '| table | patients | resources | items written | BatchWriteItem calls | load s | items/s |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...loads.map(
        (entry) =>
          `| ${entry.label} resources | ${count(entry.patients)} | ${count(entry.patients * RESOURCES_PER_PATIENT)} | ${count(entry.load.items)} | ${count(entry.load.batchCalls)} | ${(entry.load.ms / 1000).toFixed(1)} | ${count(Math.round(entry.load.items / (entry.load.ms / 1000)))} |`,
      ),
      '',
      `| query (n=${n} per size, interleaved, after ${warmup} warm-up rounds of all; every response verified) | ${smallLabel}: p50 ms | p95 ms | ${largeLabel}: p50 ms | p95 ms | p50 ratio |`,
      '|---|---:|---:|---:|---:|---:|',
      ...rows.map((row) => `| ${row.kind.replaceAll('|', '\\|')} | ${ms(row.small.p50)} | ${ms(row.small.p95)} | ${ms(row.large.p50)} | ${ms(row.large.p95)} | ${row.ratio.toFixed(2)} |`),
      '',
      `Goal: p50(${largeLabel}) / p50(${smallLabel}) ≤ ${GOAL_RATIO} for every query — ${worst <= GOAL_RATIO ? 'met' : '**not met**'} (worst ratio ${worst.toFixed(2)}).`,
    ].join('\n');
    return { markdown, loads, rows };
  } finally {
    for (const server of servers) server.close();
    for (const each of clients) each.destroy();
    await own?.stop();
  }
}
