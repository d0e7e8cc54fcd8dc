import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { goalFixture } from '../fixtures/shared-plan.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

/** Creates a Goal with `updates` further versions, then deletes it if asked. */
async function goalWithVersions(updates: number, thenDelete = false): Promise<string> {
  const created = await call(`${api.base}/Goal`, { method: 'POST', body: goalFixture() });
  const id = created.body.id as string;
  for (let n = 1; n <= updates; n++) {
    await call(`${api.base}/Goal/${id}`, { method: 'PUT', body: { ...created.body, description: { text: `versio ${n + 1}` } } });
  }
  if (thenDelete) await call(`${api.base}/Goal/${id}`, { method: 'DELETE' });
  return id;
}

describe('instance history', () => {
  it('lists every version newest first, with request and response of each entry', async () => {
    const id = await goalWithVersions(2, true);
    const res = await call(`${api.base}/Goal/${id}/_history`);
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('Bundle');
    expect(res.body.type).toBe('history');
    expect(res.body.total).toBe(4);
    const entries = res.body.entry as any[];
    expect(entries.map((e) => e.response.etag)).toEqual(['W/"4"', 'W/"3"', 'W/"2"', 'W/"1"']);
    expect(entries.map((e) => e.request.method)).toEqual(['DELETE', 'PUT', 'PUT', 'POST']);
    expect(entries.map((e) => e.response.status)).toEqual(['204 No Content', '200 OK', '200 OK', '201 Created']);
    expect(entries[3].request.url).toBe('Goal');
    expect(entries[1].request.url).toBe(`Goal/${id}`);
    expect(entries[1].resource.description.text).toBe('versio 3');
    expect(entries[0].fullUrl).toBe(`${api.base}/Goal/${id}`);
    const lastModified = entries.map((e) => Date.parse(e.response.lastModified));
    expect([...lastModified].sort((a, b) => b - a)).toEqual(lastModified);
  });

  it('pages with _count through a working next link to the end', async () => {
    const id = await goalWithVersions(6);
    const seen: string[] = [];
    let url: string | undefined = `${api.base}/Goal/${id}/_history?_count=3`;
    let pages = 0;
    while (url) {
      const page = await call(url);
      expect(page.status).toBe(200);
      pages++;
      for (const entry of page.body.entry ?? []) seen.push(entry.response.etag);
      url = page.body.link.find((l: any) => l.relation === 'next')?.url;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(['W/"7"', 'W/"6"', 'W/"5"', 'W/"4"', 'W/"3"', 'W/"2"', 'W/"1"']);
  });

  it('has no next link when the page holds the last version', async () => {
    const id = await goalWithVersions(1);
    const res = await call(`${api.base}/Goal/${id}/_history?_count=2`);
    expect(res.body.entry).toHaveLength(2);
    expect(res.body.link.some((l: any) => l.relation === 'next')).toBe(false);
  });

  it('rejects a tampered cursor with 400', async () => {
    const id = await goalWithVersions(4);
    const first = await call(`${api.base}/Goal/${id}/_history?_count=2`);
    const next = new URL(first.body.link.find((l: any) => l.relation === 'next').url);
    const cursor = next.searchParams.get('_cursor')!;
    const [payload, signature] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify({ below: 99 })).toString('base64url');
    next.searchParams.set('_cursor', `${forged}.${signature}`);
    expect((await call(next.toString())).status).toBe(400);
    next.searchParams.set('_cursor', `${payload}.${signature}`);
    next.searchParams.set('_count', '3');
    expect((await call(next.toString())).status).toBe(400);
  });

  it('filters with _since (inclusive) and validates it', async () => {
    const id = await goalWithVersions(3);
    const all = await call(`${api.base}/Goal/${id}/_history`);
    const since = all.body.entry[1].response.lastModified as string;
    const res = await call(`${api.base}/Goal/${id}/_history?_since=${encodeURIComponent(since)}`);
    expect(res.body.entry.map((e: any) => e.response.etag)).toEqual(['W/"4"', 'W/"3"']);
    expect((await call(`${api.base}/Goal/${id}/_history?_since=yesterday`)).status).toBe(400);
    expect((await call(`${api.base}/Goal/${id}/_history?_since=2026-01-01T10:00:00`)).status).toBe(400);
  });

  it('returns 404 for an unknown resource and 400 for unknown parameters', async () => {
    expect((await call(`${api.base}/Goal/nobody/_history`)).status).toBe(404);
    const id = await goalWithVersions(0);
    const res = await call(`${api.base}/Goal/${id}/_history?_at=2026`);
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['_at']);
  });

  it('returns an empty page with the total for _count=0', async () => {
    const id = await goalWithVersions(1);
    const res = await call(`${api.base}/Goal/${id}/_history?_count=0`);
    expect(res.body.total).toBe(2);
    expect(res.body.entry).toBeUndefined();
  });
});
