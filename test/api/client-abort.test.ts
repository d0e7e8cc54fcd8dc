import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carePlanFixture } from '../fixtures/shared-plan.js';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { tableSnapshot } from './bundle/helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

type LogLine = { level: string; message: string; requestId?: string; status?: number };
const logLines = (): LogLine[] => api.logs.map((line) => JSON.parse(line) as LogLine);

/** Resolves when `predicate` holds, polling the log every 20 ms for up to `ms`. */
async function waitFor(predicate: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out; log:\n${api.logs.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Opens a raw connection to the API, sends `head` and the first half of `body` as chunks, then resets the socket. */
async function abortHalfway(path: string, requestId: string, body: string): Promise<void> {
  const { hostname, port } = new URL(api.base);
  const socket: Socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.on('error', () => undefined);
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${api.token}\r\n` +
      `Content-Type: application/fhir+json\r\nTransfer-Encoding: chunked\r\nX-Request-Id: ${requestId}\r\n\r\n`,
  );
  const half = Buffer.from(body.slice(0, body.length / 2));
  socket.write(`${half.byteLength.toString(16)}\r\n`);
  socket.write(half);
  socket.write('\r\n');
  // Let the server start reading the body before the client goes away.
  await new Promise((resolve) => setTimeout(resolve, 200));
  socket.resetAndDestroy();
}

describe('a client that closes the connection mid-request', () => {
  it('is logged as "client closed the request", never as an unhandled error, and nothing is written', async () => {
    const before = await tableSnapshot(api);
    const requestId = 'abort-while-streaming-body';
    const path = `${new URL(api.base).pathname}/CarePlan`;
    await abortHalfway(path, requestId, JSON.stringify(carePlanFixture()));

    await waitFor(() => logLines().some((line) => line.requestId === requestId && line.message === 'request'));
    const lines = logLines().filter((line) => line.requestId === requestId);
    expect(lines.filter((line) => line.level === 'error'), JSON.stringify(lines)).toEqual([]);
    expect(lines.some((line) => line.message === 'client closed the request' && line.level !== 'error')).toBe(true);
    expect(lines.find((line) => line.message === 'request')?.status).toBe(499);

    expect(await tableSnapshot(api)).toEqual(before);
    const next = await call(`${api.base}/CarePlan`, { method: 'POST', body: carePlanFixture() });
    expect(next.status).toBe(201);
  });

  it('logs no error when the client leaves before the response is written', async () => {
    const { hostname, port, pathname } = new URL(api.base);
    await call(`${api.base}/CarePlan`, { method: 'POST', body: carePlanFixture() });
    const requestId = 'abort-before-response';
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.end(`GET ${pathname}/CarePlan?_count=100 HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${api.token}\r\nX-Request-Id: ${requestId}\r\n\r\n`);
    socket.resetAndDestroy();

    await waitFor(() => logLines().some((line) => line.requestId === requestId && line.message === 'request'));
    expect(logLines().filter((line) => line.requestId === requestId && line.level === 'error')).toEqual([]);
    expect((await call(`${api.base}/CarePlan`)).status).toBe(200);
  });

  it('keeps answering after many aborted requests', async () => {
    const path = `${new URL(api.base).pathname}/CarePlan`;
    const body = JSON.stringify(carePlanFixture());
    await Promise.all(Array.from({ length: 10 }, (_, n) => abortHalfway(path, `abort-many-${n}`, body)));
    await waitFor(() => logLines().filter((line) => line.requestId?.startsWith('abort-many-') && line.message === 'request').length === 10);
    expect(logLines().filter((line) => line.level === 'error')).toEqual([]);
    expect((await call(`${api.base}/CarePlan`)).status).toBe(200);
  });
});
