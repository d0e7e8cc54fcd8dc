import type { CarePlan } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { carePlanFixture } from '../fixtures/shared-plan.js';
import { call, startTestApi, type TestApi } from '../support/api.js';

const COUNTER = 'https://example.org/counter';
const WRITERS = 20;
/** Increments per writer: 1 in the suite (20 contended versions, ~200 PUTs per mode); RMW_INCREMENTS=3 for a longer run. */
const INCREMENTS = Number(process.env.RMW_INCREMENTS ?? '1');

const counterOf = (plan: CarePlan): number => plan.extension?.find((extension) => extension.url === COUNTER)?.valueInteger ?? Number.NaN;

function withCounter(plan: CarePlan, value: number): CarePlan {
  return { ...plan, extension: [...(plan.extension ?? []).filter((extension) => extension.url !== COUNTER), { url: COUNTER, valueInteger: value }] };
}

/** What one writer saw: its successful versions and the status of every PUT it sent. */
interface WriterLog {
  readonly wins: { versionId: number; counter: number }[];
  readonly statuses: number[];
}

/** Reads the plan, increments its counter and PUTs it with If-Match; on 412 reads again, until it has `increments` wins. */
async function writer(api: TestApi, id: string, increments: number): Promise<WriterLog> {
  const log: WriterLog = { wins: [], statuses: [] };
  while (log.wins.length < increments) {
    const read = await call(`${api.base}/CarePlan/${id}`);
    expect(read.status).toBe(200);
    const plan = read.body as CarePlan;
    expect(read.headers.get('etag')).toBe(`W/"${plan.meta!.versionId}"`);
    const put = await call(`${api.base}/CarePlan/${id}`, {
      method: 'PUT',
      headers: { 'If-Match': `W/"${plan.meta!.versionId}"` },
      body: withCounter(plan, counterOf(plan) + 1),
    });
    log.statuses.push(put.status);
    if (put.status === 200) log.wins.push({ versionId: Number(put.body.meta.versionId), counter: counterOf(put.body) });
    else if (put.status !== 412) break; // anything else is a failure, reported by the assertions
  }
  return log;
}

/** Every version of the plan, oldest first, following `next` links. */
async function fullHistory(api: TestApi, id: string): Promise<CarePlan[]> {
  const versions: CarePlan[] = [];
  let url: string | undefined = `${api.base}/CarePlan/${id}/_history?_count=100`;
  while (url) {
    const page = await call(url);
    expect(page.status).toBe(200);
    versions.push(...(page.body.entry ?? []).map((entry: any) => entry.resource as CarePlan));
    url = page.body.link?.find((link: any) => link.relation === 'next')?.url;
  }
  return versions.reverse();
}

describe.each([
  { mode: 'one process (commits queue)', serialiseCommits: true },
  { mode: 'one app instance per request race (as separate Lambda instances)', serialiseCommits: false },
])('read-modify-write with If-Match, $mode', ({ serialiseCommits }) => {
  it(`${WRITERS} writers × ${INCREMENTS} increments lose no increment and leave a gap-free history`, { timeout: 240_000 }, async () => {
    const api = await startTestApi({}, { serialiseCommits });
    try {
      const created = await call(`${api.base}/CarePlan`, { method: 'POST', body: withCounter(carePlanFixture(), 0) });
      expect(created.status).toBe(201);
      const id = created.body.id as string;

      const logs = await Promise.all(Array.from({ length: WRITERS }, () => writer(api, id, INCREMENTS)));

      const statuses = logs.flatMap((log) => log.statuses);
      expect(statuses.filter((status) => status !== 200 && status !== 412), 'only 200 and 412 answers').toEqual([]);
      const wins = logs.flatMap((log) => log.wins).sort((a, b) => a.versionId - b.versionId);
      expect(wins).toHaveLength(WRITERS * INCREMENTS);
      // One winner per version: versions 2..N+1, each once, each carrying the counter of the one before plus one.
      expect(wins.map((win) => win.versionId)).toEqual(Array.from({ length: wins.length }, (_, n) => n + 2));
      expect(wins.map((win) => win.counter)).toEqual(Array.from({ length: wins.length }, (_, n) => n + 1));

      const final = await call(`${api.base}/CarePlan/${id}`);
      expect(final.body.meta.versionId).toBe(String(wins.length + 1));
      expect(counterOf(final.body)).toBe(wins.length);

      const history = await fullHistory(api, id);
      expect(history.map((version) => Number(version.meta!.versionId))).toEqual(Array.from({ length: wins.length + 1 }, (_, n) => n + 1));
      expect(history.map(counterOf)).toEqual(Array.from({ length: wins.length + 1 }, (_, n) => n));
    } finally {
      await api.close();
    }
  });
});
