/**
 * Paging the access log: keyset cursors across pages and across a year partition boundary, one
 * Query per page in the usual case (never a Scan), bounded work per request, and signed cursors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_EXAMINED_PER_PAGE } from '../../../functions/api/services/audit-log.js';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { testHetu } from '../search/helpers.js';
import { auditorToken, byClient, eventsOf, HETU, nextOf, requestIdOf, writeEvents } from './helpers.js';

let api: TestApi;
let auditor: string;
beforeAll(async () => {
  api = await startTestApi();
  auditor = await auditorToken();
});
afterAll(async () => api.close());

/** Follows `next` links from `url`; each page with the DynamoDB commands it sent. */
async function pages(url: string): Promise<{ ids: string[]; commands: string[] }[]> {
  const result: { ids: string[]; commands: string[] }[] = [];
  let next: string | undefined = url;
  while (next) {
    api.resetCommands();
    const res = await call(next, { token: auditor });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    result.push({ ids: eventsOf(res.body).map((event) => event.id!), commands: api.commands() });
    next = nextOf(res.body);
    expect(result.length).toBeLessThan(30);
  }
  return result;
}

describe('paging across a year boundary', () => {
  const year = new Date().getUTCFullYear() - 1;
  const client = testHetu('010180', '-', 903);
  let newestFirst: string[];

  beforeAll(async () => {
    const january = [1, 2, 3, 4, 5].map((s) => `${year}-01-01T00:00:0${s}.000Z`);
    const december = [1, 2, 3, 4, 5].map((s) => `${year - 1}-12-31T23:59:5${s}.000Z`);
    const records = await writeEvents(api, `${HETU}|${client}`, [...december, ...january]);
    newestFirst = records.map((record) => record.eventId).reverse();
  });

  const url = (extra = ''): string => `${api.base}/AuditEvent?${byClient(client)}&date=ge${year - 1}-12&date=le${year}-01&_count=3${extra}`;

  it('returns every event once, newest first, continuing into the older year', async () => {
    const walked = await pages(url());
    expect(walked.map((page) => page.ids.length)).toEqual([3, 3, 3, 1]);
    expect(walked.flatMap((page) => page.ids)).toEqual(newestFirst);
  });

  it('sends one Query per page, two where a page spans the boundary, and never a Scan', async () => {
    const walked = await pages(url());
    const queries = walked.map((page) => page.commands.filter((name) => name === 'QueryCommand').length);
    expect(queries).toEqual([1, 2, 1, 1]);
    for (const page of walked) {
      expect(page.commands.filter((name) => name !== 'QueryCommand')).toEqual(['PutItemCommand']); // the search's own AuditEvent
    }
  });

  it('pages oldest first with _sort=date', async () => {
    const walked = await pages(url('&_sort=date'));
    expect(walked.flatMap((page) => page.ids)).toEqual([...newestFirst].reverse());
  });

  it('does not shift pages when events are logged while paging', async () => {
    const first = await call(`${api.base}/AuditEvent?${byClient(client)}&_count=4`, { token: auditor });
    const seen = eventsOf(first.body).map((event) => event.id!);
    // The first page holds the search's own events (this year) above the seeded ones; log more, then continue.
    await call(`${api.base}/AuditEvent?${byClient(client)}&_count=1`, { token: auditor });
    const rest = await pages(nextOf(first.body)!);
    const all = [...seen, ...rest.flatMap((page) => page.ids)];
    expect(new Set(all).size).toBe(all.length);
    expect(all.slice(-newestFirst.length)).toEqual(newestFirst);
  });
});

describe('bounded work', () => {
  it(`examines at most ${MAX_EXAMINED_PER_PAGE} events per request and continues with a next link`, async () => {
    const client = testHetu('020280', '-', 904);
    const base = Date.parse(`${new Date().getUTCFullYear() - 1}-06-01T00:00:00.000Z`);
    const instants = Array.from({ length: MAX_EXAMINED_PER_PAGE + 50 }, (_, n) => new Date(base + n * 1000).toISOString());
    const [refused] = await writeEvents(api, `${HETU}|${client}`, [new Date(base - 1000).toISOString()], { outcome: 4 });
    await writeEvents(api, `${HETU}|${client}`, instants);
    const walked = await pages(`${api.base}/AuditEvent?${byClient(client)}&outcome=4`);
    expect(walked[0]!.ids).toEqual([]);
    expect(walked.flatMap((page) => page.ids)).toEqual([refused!.eventId]);
    for (const page of walked) expect(page.commands).not.toContain('ScanCommand');
  });
});

describe('cursors', () => {
  const client = testHetu('030380', '-', 905);
  beforeAll(async () => {
    await writeEvents(api, `${HETU}|${client}`, [1, 2, 3].map((n) => new Date(Date.now() - n * 60_000).toISOString()));
  });

  it('rejects an altered cursor with 400', async () => {
    const first = await call(`${api.base}/AuditEvent?${byClient(client)}&_count=1`, { token: auditor });
    const next = new URL(nextOf(first.body)!);
    next.searchParams.set('_cursor', `${next.searchParams.get('_cursor')!.slice(0, -2)}xx`);
    const res = await call(next.toString(), { token: auditor });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['_cursor']);
  });

  it('rejects a cursor replayed against another client', async () => {
    const first = await call(`${api.base}/AuditEvent?${byClient(client)}&_count=1`, { token: auditor });
    const cursor = new URL(nextOf(first.body)!).searchParams.get('_cursor')!;
    const other = testHetu('040480', '-', 906);
    const res = await call(`${api.base}/AuditEvent?${byClient(other)}&_count=1&_cursor=${encodeURIComponent(cursor)}`, { token: auditor });
    expect(res.status).toBe(400);
  });

  it('gives AuditEvents a urn:uuid fullUrl (they are not read by id)', async () => {
    const res = await call(`${api.base}/AuditEvent?${byClient(client)}`, { token: auditor });
    for (const entry of res.body.entry) {
      expect(entry.fullUrl).toBe(`urn:uuid:${entry.resource.id}`);
      expect(entry.search).toEqual({ mode: 'match' });
    }
    expect(eventsOf(res.body).every((event) => requestIdOf(event) !== undefined)).toBe(true);
  });
});
