import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { carePlanFixture, careTeamFixture, consentFixture, goalFixture } from '../fixtures/shared-plan.js';

type Written = 'Goal' | 'CarePlan';
const FIXTURES = { Goal: goalFixture, CarePlan: carePlanFixture, CareTeam: careTeamFixture, Consent: consentFixture } as const;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

async function create(target: TestApi, type: keyof typeof FIXTURES): Promise<any> {
  const res = await call(`${target.base}/${type}`, { method: 'POST', body: FIXTURES[type]() });
  expect(res.status).toBe(201);
  return res.body;
}

/** `Type/id/versionId` of a history entry. */
function versionKey(entry: any): string {
  const [type, id] = (entry.fullUrl as string).split('/').slice(-2);
  return `${type}/${id}/${/^W\/"(\d+)"$/.exec(entry.response.etag)![1]}`;
}
const typeOf = (entry: any): string => versionKey(entry).split('/')[0]!;
const nextLink = (bundle: any): string | undefined => bundle.link?.find((l: any) => l.relation === 'next')?.url;

/** Follows every `next` link from `url`; returns the pages' entries. */
async function allPages(url: string): Promise<any[][]> {
  const pages: any[][] = [];
  for (let next: string | undefined = url; next; ) {
    const res = await call(next);
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('history');
    pages.push(res.body.entry ?? []);
    next = nextLink(res.body);
  }
  return pages;
}

describe('type-level history GET [type]/_history', () => {
  it('lists the changes of the type newest first, deletions included, with request and response', async () => {
    const goal = await create(api, 'Goal');
    await call(`${api.base}/Goal/${goal.id}`, { method: 'PUT', body: { ...goal, lifecycleStatus: 'on-hold' } });
    await create(api, 'CarePlan');
    expect((await call(`${api.base}/Goal/${goal.id}`, { method: 'DELETE' })).status).toBe(204);
    const res = await call(`${api.base}/Goal/_history`);
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('Bundle');
    expect(res.body.type).toBe('history');
    const entries = res.body.entry as any[];
    expect(entries.every((e) => typeOf(e) === 'Goal')).toBe(true);
    expect(entries.slice(0, 3).map(versionKey)).toEqual([3, 2, 1].map((v) => `Goal/${goal.id}/${v}`));
    const [deletion, update, creation] = entries;
    expect(deletion.resource).toBeUndefined();
    expect(deletion.request).toEqual({ method: 'DELETE', url: `Goal/${goal.id}` });
    expect(deletion.response.status).toBe('204 No Content');
    expect(update.request).toEqual({ method: 'PUT', url: `Goal/${goal.id}` });
    expect(update.resource.lifecycleStatus).toBe('on-hold');
    expect(update.response.status).toBe('200 OK');
    expect(creation.request).toEqual({ method: 'POST', url: 'Goal' });
    expect(creation.response).toEqual({ status: '201 Created', etag: 'W/"1"', lastModified: goal.meta.lastUpdated });
    const times = entries.map((e) => e.response.lastModified as string);
    for (let i = 1; i < times.length; i++) expect(times[i]! < times[i - 1]!).toBe(true);
  });

  it('filters with _since inclusively and validates it', async () => {
    for (let n = 0; n < 3; n++) await create(api, 'Goal');
    const all = (await call(`${api.base}/Goal/_history`)).body.entry as any[];
    const since = all[1].response.lastModified as string;
    const res = await call(`${api.base}/Goal/_history?_since=${encodeURIComponent(since)}`);
    expect(res.status).toBe(200);
    expect(res.body.entry.map(versionKey)).toEqual(all.slice(0, 2).map(versionKey));
    const future = await call(`${api.base}/Goal/_history?_since=2999-01-01T00:00:00Z`);
    expect(future.body.entry).toBeUndefined();
    expect(nextLink(future.body)).toBeUndefined();
    expect((await call(`${api.base}/Goal/_history?_since=yesterday`)).status).toBe(400);
  });

  it('pages with _count through next links to the end, without repeats or gaps', async () => {
    const all = ((await call(`${api.base}/Goal/_history?_count=100`)).body.entry as any[]).map(versionKey);
    expect(all.length).toBeGreaterThanOrEqual(6);
    const pages = await allPages(`${api.base}/Goal/_history?_count=2`);
    expect(pages.every((page) => page.length === 2 || page === pages[pages.length - 1])).toBe(true);
    expect(pages).toHaveLength(Math.ceil(all.length / 2));
    expect(pages.flat().map(versionKey)).toEqual(all);
  });

  it('rejects a tampered or replayed cursor with 400', async () => {
    const first = await call(`${api.base}/Goal/_history?_count=2`);
    const next = new URL(nextLink(first.body)!);
    const [payload, signature] = next.searchParams.get('_cursor')!.split('.');
    next.searchParams.set('_cursor', `${Buffer.from(JSON.stringify({ Goal: 999 })).toString('base64url')}.${signature}`);
    expect((await call(next.toString())).status).toBe(400);
    next.searchParams.set('_cursor', `${payload}.${signature}`);
    expect((await call(next.toString())).status).toBe(200);
    next.searchParams.set('_count', '3');
    expect((await call(next.toString())).status).toBe(400);
    const replayed = await call(`${api.base}/_history?_count=2&_cursor=${payload}.${signature}`);
    expect(replayed.status).toBe(400);
    expect(replayed.body.issue[0].expression).toEqual(['_cursor']);
  });

  it('rejects unknown parameters with 400', async () => {
    const res = await call(`${api.base}/Goal/_history?_at=2026-11-16`);
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['_at']);
    expect((await call(`${api.base}/_history?patient=Patient/x`)).status).toBe(400);
  });
});

describe('system-level history GET /_history', () => {
  it('merges the changes of all four types newest first', async () => {
    const written = [];
    for (const type of ['CareTeam', 'Consent', 'Goal', 'CarePlan'] as const) written.push(await create(api, type));
    const consent = written[1];
    expect((await call(`${api.base}/Consent/${consent.id}`, { method: 'DELETE' })).status).toBe(204);
    const res = await call(`${api.base}/_history?_count=100`);
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('history');
    const entries = res.body.entry as any[];
    const expected = [`Consent/${consent.id}/2`, ...written.map((r) => `${r.resourceType}/${r.id}/1`)];
    expect(new Set(entries.slice(0, 5).map(versionKey))).toEqual(new Set(expected));
    expect(new Set(entries.map(typeOf))).toEqual(new Set(['CarePlan', 'CareTeam', 'Consent', 'Goal']));
    const deletion = entries.find((e) => versionKey(e) === expected[0]);
    expect(deletion.request).toEqual({ method: 'DELETE', url: `Consent/${consent.id}` });
    expect(deletion.resource).toBeUndefined();
    expect(entries.every((e) => e.request?.method && e.response?.status && e.response.lastModified)).toBe(true);
    for (let i = 1; i < entries.length; i++) {
      const [newer, older] = [entries[i - 1], entries[i]];
      const order = older.response.lastModified < newer.response.lastModified || (older.response.lastModified === newer.response.lastModified && typeOf(newer) < typeOf(older));
      expect(order, `${versionKey(newer)} before ${versionKey(older)}`).toBe(true);
    }
  });

  it('filters the merged feed with _since inclusively', async () => {
    const all = (await call(`${api.base}/_history?_count=100`)).body.entry as any[];
    const since = all[2].response.lastModified as string;
    const res = await call(`${api.base}/_history?_since=${encodeURIComponent(since)}`);
    expect(res.body.entry.map(versionKey)).toEqual(all.filter((e) => e.response.lastModified >= since).map(versionKey));
    expect(res.body.entry.length).toBeGreaterThanOrEqual(3);
  });

  it('pages the merged feed with _count through next links to the end', async () => {
    const all = ((await call(`${api.base}/_history?_count=100`)).body.entry as any[]).map(versionKey);
    const pages = await allPages(`${api.base}/_history?_count=3`);
    expect(pages).toHaveLength(Math.ceil(all.length / 3));
    expect(pages.flat().map(versionKey)).toEqual(all);
  });
});

/** The poller's state: what it has seen, and the `_since` of its next poll. */
interface Poller {
  since?: string;
  readonly seen: Set<string>;
  polls: number;
  repeats: number;
}

/** One poll: `_since` = the newest lastModified seen so far, following every `next` link. */
async function poll(target: TestApi, path: string, poller: Poller): Promise<void> {
  const since = poller.since;
  const url = `${target.base}${path}?_count=7${since ? `&_since=${encodeURIComponent(since)}` : ''}`;
  const inPoll = new Set<string>();
  const oldestOfType = new Map<string, string>();
  let atBoundary = false;
  let previous: string | undefined;
  for (const page of await allPages(url)) {
    expect(page.length).toBeLessThanOrEqual(7);
    for (const entry of page) {
      const key = versionKey(entry);
      const lastModified = entry.response.lastModified as string;
      expect(inPoll.has(key), `${key} twice in one poll`).toBe(false);
      inPoll.add(key);
      // Newest first within a type too (two lanes may commit in the same millisecond).
      const newer = oldestOfType.get(typeOf(entry));
      if (newer !== undefined) expect(lastModified <= newer, `${key} at ${lastModified} after ${newer}`).toBe(true);
      oldestOfType.set(typeOf(entry), lastModified);
      if (previous !== undefined) expect(lastModified <= previous, `${key} out of newest-first order`).toBe(true);
      previous = lastModified;
      if (since !== undefined) expect(lastModified >= since).toBe(true);
      if (lastModified === since) atBoundary = true;
      if (poller.seen.has(key)) {
        expect(lastModified, `${key} seen again away from the _since boundary`).toBe(since);
        poller.repeats++;
      }
      poller.seen.add(key);
      if (poller.since === undefined || lastModified > poller.since) poller.since = lastModified;
    }
  }
  // `_since` is inclusive: the version seen at the boundary comes back.
  if (since !== undefined) expect(atBoundary, `nothing at _since ${since}`).toBe(true);
  poller.polls++;
}

/** One writer: creates, updates and deletes its own Goals and CarePlans; records each version written. */
async function writer(target: TestApi, n: number, writes: number, written: Set<string>, failures: string[]): Promise<void> {
  const live: { type: Written; body: any }[] = [];
  const record = (type: string, id: string, versionId: string, status: number): void => {
    if (status >= 200 && status < 300) written.add(`${type}/${id}/${versionId}`);
    else failures.push(`${type}/${id}: ${status}`);
  };
  for (let i = 0; i < writes; i++) {
    const step = (i + n) % 5;
    if (step < 2 || live.length === 0) {
      const type: Written = (i + n) % 2 === 0 ? 'Goal' : 'CarePlan';
      const res = await call(`${target.base}/${type}`, { method: 'POST', body: FIXTURES[type]() });
      record(type, res.body?.id, res.body?.meta?.versionId, res.status);
      if (res.status === 201) live.push({ type, body: res.body });
    } else if (step < 4) {
      const own = live[i % live.length]!;
      const change = own.type === 'Goal' ? { description: { text: `Tavoite, päivitys ${n}-${i}` } } : { title: `Suunnitelma, päivitys ${n}-${i}` };
      const res = await call(`${target.base}/${own.type}/${own.body.id}`, { method: 'PUT', body: { ...own.body, ...change } });
      record(own.type, own.body.id, res.body?.meta?.versionId, res.status);
      if (res.status === 200) own.body = res.body;
    } else {
      const [gone] = live.splice(i % live.length, 1);
      const res = await call(`${target.base}/${gone!.type}/${gone!.body.id}`, { method: 'DELETE' });
      record(gone!.type, gone!.body.id, /(\d+)/.exec(res.headers.get('etag') ?? '')?.[1] ?? '?', res.status);
    }
  }
}

/**
 * Runs 4 writers (~150 writes) while polling `path`; returns what was written and what was seen.
 * `serialise` false: no lane queue in the process, so the writers pick lanes and race for them as
 * separate Lambda instances would.
 */
async function pollWhileWriting(path: string, serialise = true): Promise<{ written: Set<string>; poller: Poller; failures: string[] }> {
  const target = await startTestApi({}, { serialiseCommits: serialise });
  try {
    const written = new Set<string>();
    const failures: string[] = [];
    const poller: Poller = { seen: new Set(), polls: 0, repeats: 0 };
    let writing = true;
    const writers = Promise.all([0, 1, 2, 3].map((n) => writer(target, n, 38, written, failures))).finally(() => {
      writing = false;
    });
    const polling = (async (): Promise<void> => {
      while (writing) await poll(target, path, poller);
    })();
    await Promise.all([writers, polling]);
    await poll(target, path, poller);
    return { written, poller, failures };
  } finally {
    await target.close();
  }
}

describe('polling the change feed with _since while writers run', () => {
  it('never misses a change and never repeats one except at the _since instant (system level, writers racing as separate instances)', async () => {
    const { written, poller, failures } = await pollWhileWriting('/_history', false);
    expect(failures).toEqual([]);
    expect(written.size).toBe(152);
    expect(poller.polls).toBeGreaterThan(3);
    expect(poller.repeats).toBeGreaterThan(0);
    expect([...written].filter((key) => !poller.seen.has(key))).toEqual([]);
    expect([...poller.seen].filter((key) => !written.has(key))).toEqual([]);
  }, 120_000);

  it('never misses a change and never repeats one except at the _since instant (Goal type level)', async () => {
    const { written, poller, failures } = await pollWhileWriting('/Goal/_history');
    expect(failures).toEqual([]);
    const goals = [...written].filter((key) => key.startsWith('Goal/'));
    expect(goals.length).toBeGreaterThan(50);
    expect(poller.polls).toBeGreaterThan(3);
    expect(poller.repeats).toBeGreaterThan(0);
    expect(goals.filter((key) => !poller.seen.has(key))).toEqual([]);
    expect([...poller.seen].filter((key) => !written.has(key) || !key.startsWith('Goal/'))).toEqual([]);
  }, 120_000);
});
