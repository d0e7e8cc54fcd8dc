/**
 * FHIR decimals keep the precision sent, end to end: the JSON number text a client writes is
 * what every later response carries, byte for byte — create, read, vread, search, history,
 * update, PATCH, transaction and batch entries, and the stored item itself — and a change of
 * precision alone (`0.1` → `0.10`) is a change of content.
 *
 * Responses are checked as raw TEXT: parsing them with JSON.parse would itself lose precision.
 *
 * @see https://hl7.org/fhir/R4/datatypes.html#decimal
 * @see https://hl7.org/fhir/R4/json.html#primitive
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goalFixture } from '../fixtures/shared-plan.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { feedHead, tableSnapshot } from './bundle/helpers.js';

const FHIR_JSON = 'application/fhir+json';
const JSON_PATCH = 'application/json-patch+json';

/** Valid R4 decimals that a JavaScript number cannot reproduce (1e999 is beyond a double, 1e-400 below it). */
const DECIMALS = ['0.10', '1.500', '-0.0', '9007199254740993', '12345678901234567890.123456789', '1e-400', '1E+2', '1e999'] as const;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

interface RawResponse {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
}

/** Sends `body` as raw text and returns the response as raw text. */
async function send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const response = await fetch(`${api.base}${path === '' ? '' : `/${path}`}`, {
    method,
    headers: { authorization: `Bearer ${api.token}`, ...(body !== undefined ? { 'content-type': FHIR_JSON } : {}), ...headers },
    ...(body !== undefined ? { body } : {}),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** JSON text of `value` with every string `"#N#"` replaced by the raw number text `numbers[N]`. */
function withNumbers(value: unknown, ...numbers: string[]): string {
  return JSON.stringify(value).replace(/"#(\d+)#"/g, (_, index: string) => numbers[Number(index)]!);
}

/** gol-1: a target with a detail names its measure. */
const MEASURE = { text: 'Unta yössä (tuntia)' };

/** A Goal whose target quantity is `#0#` (placeholder for raw number text). */
const goalBody = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...goalFixture(),
  target: [{ measure: MEASURE, detailQuantity: { value: '#0#', unit: 'h' }, dueDate: '2027-05-16' }],
  ...extra,
});

/** The raw number texts of every `detailQuantity.value` in a response, in order. */
const quantities = (text: string): string[] => [...text.matchAll(/"detailQuantity":\{"value":([^,}]+)/g)].map((match) => match[1]!);

const idOf = (text: string): string => (JSON.parse(text) as { id: string }).id;
const versionOf = (text: string): string => (JSON.parse(text) as { meta: { versionId: string } }).meta.versionId;

async function createGoal(decimal: string): Promise<string> {
  const created = await send('POST', 'Goal', withNumbers(goalBody(), decimal));
  expect(created.status, created.text).toBe(201);
  return idOf(created.text);
}

/** The stored body text of the goal's current item (the table holds what was sent, not a re-rendering of a double). */
async function storedBodies(id: string): Promise<string[]> {
  const items = (await tableSnapshot(api)).map((line) => JSON.parse(line) as Record<string, { S?: string; B?: string }>);
  return items.filter((item) => item.id?.S === id && item.body?.S !== undefined).map((item) => item.body!.S!);
}

describe('a decimal keeps the text sent on every read path', () => {
  it.each(DECIMALS)('create, read, vread, search, instance and type history return %s byte-exact', async (decimal) => {
    const created = await send('POST', 'Goal', withNumbers(goalBody(), decimal));
    expect(created.status, created.text).toBe(201);
    expect(quantities(created.text)).toEqual([decimal]);
    const id = idOf(created.text);

    expect(quantities((await send('GET', `Goal/${id}`)).text)).toEqual([decimal]);
    expect(quantities((await send('GET', `Goal/${id}/_history/1`)).text)).toEqual([decimal]);
    expect(quantities((await send('GET', `Goal?_id=${id}`)).text)).toEqual([decimal]);
    expect(quantities((await send('GET', `Goal/${id}/_history`)).text)).toEqual([decimal]);
    const feed = await send('GET', 'Goal/_history?_count=1');
    expect(feed.text).toContain(id);
    expect(quantities(feed.text)).toEqual([decimal]);
    for (const body of await storedBodies(id)) expect(quantities(body)).toEqual([decimal]);
  });

  it('keeps the text in an indented response (_pretty=true)', async () => {
    const id = await createGoal('0.10');
    const res = await send('GET', `Goal/${id}?_pretty=true`);
    expect(res.text).toMatch(/"value": 0\.10,\n/);
  });

  it('keeps the text of a body stored compressed (above 32 KiB)', async () => {
    const note = Array.from({ length: 40 }, (_, n) => ({ text: `Muistiinpano ${n}: ${'arjen hallinta '.repeat(70)}` }));
    const created = await send('POST', 'Goal', withNumbers(goalBody({ note }), '0.10'));
    expect(created.status, created.text).toBe(201);
    const id = idOf(created.text);
    expect(await storedBodies(id)).toEqual([]); // the body went to the compressed attribute
    expect(quantities((await send('GET', `Goal/${id}`)).text)).toEqual(['0.10']);
  });
});

describe('update keeps the decimal and sees precision as content', () => {
  it.each(DECIMALS)('update to %s returns and stores it byte-exact', async (decimal) => {
    const id = await createGoal('1');
    const updated = await send('PUT', `Goal/${id}`, withNumbers(goalBody({ id }), decimal));
    expect(updated.status, updated.text).toBe(200);
    expect(quantities(updated.text)).toEqual([decimal]);
    expect(quantities((await send('GET', `Goal/${id}`)).text)).toEqual([decimal]);
    expect(quantities((await send('GET', `Goal/${id}/_history/1`)).text)).toEqual(['1']);
  });

  it('creates a new version when only the precision changes (0.1 → 0.10), and none for an identical resend', async () => {
    const id = await createGoal('0.1');
    const same = await send('PUT', `Goal/${id}`, withNumbers(goalBody({ id }), '0.1'));
    expect(same.status, same.text).toBe(200);
    expect(versionOf(same.text)).toBe('1');

    const finer = await send('PUT', `Goal/${id}`, withNumbers(goalBody({ id }), '0.10'));
    expect(finer.status, finer.text).toBe(200);
    expect(versionOf(finer.text)).toBe('2');
    expect(quantities(finer.text)).toEqual(['0.10']);

    const resend = await send('PUT', `Goal/${id}`, withNumbers(goalBody({ id }), '0.10'));
    expect(versionOf(resend.text)).toBe('2');
    expect(quantities(resend.text)).toEqual(['0.10']);
  });

  it('sees 1.0 resent as 1.0 as no change, and 1.0 → 1 as a change', async () => {
    const id = await createGoal('1.0');
    expect(versionOf((await send('PUT', `Goal/${id}`, withNumbers(goalBody({ id }), '1.0'))).text)).toBe('1');
    const coarser = await send('PUT', `Goal/${id}`, withNumbers(goalBody({ id }), '1'));
    expect(versionOf(coarser.text)).toBe('2');
    expect(quantities(coarser.text)).toEqual(['1']);
  });
});

describe('PATCH keeps decimals as written', () => {
  const patch = (id: string, operations: string): Promise<RawResponse> => send('PATCH', `Goal/${id}`, operations, { 'content-type': JSON_PATCH });

  it.each(DECIMALS)('adds the decimal %s from a patch value byte-exact', async (decimal) => {
    const id = await createGoal('1');
    const res = await patch(id, withNumbers([{ op: 'replace', path: '/target/0/detailQuantity', value: { value: '#0#', unit: 'h' } }], decimal));
    expect(res.status, res.text).toBe(200);
    expect(quantities(res.text)).toEqual([decimal]);
    expect(quantities((await send('GET', `Goal/${id}`)).text)).toEqual([decimal]);
  });

  it('keeps 0.10 through a patch that does not touch it', async () => {
    const id = await createGoal('0.10');
    const res = await patch(id, JSON.stringify([{ op: 'replace', path: '/lifecycleStatus', value: 'on-hold' }]));
    expect(res.status, res.text).toBe(200);
    expect(versionOf(res.text)).toBe('2');
    expect(quantities(res.text)).toEqual(['0.10']);
    expect(quantities((await send('GET', `Goal/${id}`)).text)).toEqual(['0.10']);
  });

  it('keeps 0.10 through copy, move and test operations', async () => {
    const id = await createGoal('0.10');
    const operations = withNumbers(
      [
        { op: 'test', path: '/target/0/detailQuantity/value', value: '#0#' },
        { op: 'add', path: '/target/-', value: { measure: MEASURE, dueDate: '2027-06-30' } },
        { op: 'copy', from: '/target/0/detailQuantity', path: '/target/1/detailQuantity' },
        { op: 'add', path: '/target/-', value: { measure: MEASURE, dueDate: '2027-07-31' } },
        { op: 'move', from: '/target/0/detailQuantity', path: '/target/2/detailQuantity' },
      ],
      '0.10',
    );
    const res = await patch(id, operations);
    expect(res.status, res.text).toBe(200);
    expect(quantities(res.text)).toEqual(['0.10', '0.10']);
    expect(quantities((await send('GET', `Goal/${id}`)).text)).toEqual(['0.10', '0.10']);
  });

  it('passes a test operation that compares numbers by value, as RFC 6902 does (0.1 and 1E-1 match a stored 0.10)', async () => {
    const id = await createGoal('0.10');
    const operations = withNumbers(
      [
        { op: 'test', path: '/target/0/detailQuantity/value', value: '#0#' },
        { op: 'test', path: '/target/0/detailQuantity', value: { unit: 'h', value: '#1#' } },
        { op: 'replace', path: '/lifecycleStatus', value: 'on-hold' },
      ],
      '0.1',
      '1E-1',
    );
    const res = await patch(id, operations);
    expect(res.status, res.text).toBe(200);
    expect(quantities(res.text)).toEqual(['0.10']);
  });

  it('fails a test operation whose decimal differs from the stored text (422) and writes nothing', async () => {
    const id = await createGoal('0.10');
    const res = await patch(id, withNumbers([{ op: 'test', path: '/target/0/detailQuantity/value', value: '#0#' }, { op: 'remove', path: '/note' }], '0.2'));
    expect(res.status, res.text).toBe(422);
    expect(versionOf((await send('GET', `Goal/${id}`)).text)).toBe('1');
  });
});

describe('Bundle entries keep decimals as written', () => {
  it.each(['transaction', 'batch'])('a %s returns and stores POST, PUT and PATCH entries byte-exact', async (type) => {
    const target = await createGoal('1');
    const patched = await createGoal('2');
    const patchDocument = withNumbers([{ op: 'replace', path: '/target/0/detailQuantity/value', value: '#0#' }], '1e-400');
    const body = withNumbers(
      {
        resourceType: 'Bundle',
        type,
        entry: [
          { fullUrl: 'urn:uuid:4f8d3a52-8a42-4c11-9b0e-0d7a6f0c2b11', resource: goalBody(), request: { method: 'POST', url: 'Goal' } },
          { resource: { ...goalBody({ id: target }), target: [{ measure: MEASURE, detailQuantity: { value: '#1#' } }] }, request: { method: 'PUT', url: `Goal/${target}` } },
          { resource: { resourceType: 'Binary', contentType: JSON_PATCH, data: Buffer.from(patchDocument).toString('base64') }, request: { method: 'PATCH', url: `Goal/${patched}` } },
        ],
      },
      '0.10',
      '12345678901234567890.123456789',
    );
    const res = await send('POST', '', body);
    expect(res.status, res.text).toBe(200);
    expect(quantities(res.text)).toEqual(['0.10', '12345678901234567890.123456789', '1e-400']);

    const created = (JSON.parse(res.text) as { entry: { response: { location: string } }[] }).entry[0]!.response.location.split('/')[1]!;
    expect(quantities((await send('GET', `Goal/${created}`)).text)).toEqual(['0.10']);
    expect(quantities((await send('GET', `Goal/${target}`)).text)).toEqual(['12345678901234567890.123456789']);
    expect(quantities((await send('GET', `Goal/${patched}`)).text)).toEqual(['1e-400']);
    for (const stored of await storedBodies(created)) expect(quantities(stored)).toEqual(['0.10']);
  });

  it('sees a transaction PUT that only changes precision as a change, and an identical one as none', async () => {
    const id = await createGoal('0.1');
    const put = (decimal: string): Promise<RawResponse> =>
      send('POST', '', withNumbers({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource: goalBody({ id }), request: { method: 'PUT', url: `Goal/${id}` } }] }, decimal));
    expect((await put('0.1')).text).toContain('"etag":"W/\\"1\\""');
    expect((await put('0.10')).text).toContain('"etag":"W/\\"2\\""');
    expect((await put('0.10')).text).toContain('"etag":"W/\\"2\\""');
  });
});

describe('invalid numbers are refused with the element named and nothing stored', () => {
  async function expectRefused(body: string, expression: string, diagnostics: RegExp, code = 'value'): Promise<void> {
    const before = await feedHead(api);
    const res = await send('POST', 'Goal', body);
    expect(res.status, res.text).toBe(400);
    const outcome = JSON.parse(res.text) as { resourceType: string; issue: { code: string; expression: string[]; diagnostics: string }[] };
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue).toEqual([expect.objectContaining({ code, expression: [expression], diagnostics: expect.stringMatching(diagnostics) })]);
    expect(await feedHead(api)).toEqual(before);
  }

  it.each([
    ['a string', '"0.10"', /expected a number, got the string "0\.10"/],
    ['a boolean', 'true', /expected a number, got the boolean true/],
    ['an object', '{"value":1}', /expected a number, got an object/],
  ])('refuses a decimal given as %s (400 structure)', async (_label, value, diagnostics) => {
    await expectRefused(withNumbers(goalBody(), value), 'Goal.target[0].detailQuantity.value', diagnostics, 'structure');
  });

  const goalWithInteger = (integer: string): string => withNumbers({ ...goalFixture(), target: [{ measure: MEASURE, detailInteger: '#0#', dueDate: '2027-05-16' }] }, integer);

  it.each([
    ['1.0', /^Invalid integer '1\.0': must be a whole number/],
    ['1.5', /^Invalid integer '1\.5': must be a whole number/],
    ['1e2', /^Invalid integer '1e2': must be a whole number/],
    ['2147483648', /^Invalid integer '2147483648': must be at most 2147483647/],
    ['-2147483649', /^Invalid integer '-2147483649': must be at least -2147483648/],
    ['9007199254740993', /^Invalid integer '9007199254740993': must be at most 2147483647/],
    ['1e999', /^Invalid integer '1e999': must be a whole number/],
  ])('refuses the integer Goal.target.detailInteger %s (400 value)', async (integer, diagnostics) => {
    await expectRefused(goalWithInteger(integer), 'Goal.target[0].detailInteger', diagnostics);
  });

  it.each(['2147483647', '-2147483648', '0'])('accepts the integer %s and returns it as sent', async (integer) => {
    const res = await send('POST', 'Goal', goalWithInteger(integer));
    expect(res.status, res.text).toBe(201);
    expect(res.text).toContain(`"detailInteger":${integer},`);
  });

  it('refuses a positiveInt of 1.0 and of 0 (CarePlan … scheduledTiming.repeat.count)', async () => {
    const plan = (count: string): string =>
      withNumbers(
        {
          resourceType: 'CarePlan',
          status: 'active',
          intent: 'plan',
          subject: goalFixture().subject,
          activity: [{ detail: { status: 'scheduled', scheduledTiming: { repeat: { count: '#0#', period: '#1#', periodUnit: 'wk' } } } }],
        },
        count,
        '1.50',
      );
    for (const [count, diagnostics] of [['1.0', /^Invalid positiveInt '1\.0': must be a whole number/], ['0', /^Invalid positiveInt '0': must be at least 1/]] as const) {
      const res = await send('POST', 'CarePlan', plan(count));
      expect(res.status, res.text).toBe(400);
      expect(JSON.parse(res.text).issue).toEqual([
        expect.objectContaining({ code: 'value', expression: ['CarePlan.activity[0].detail.scheduledTiming.repeat.count'], diagnostics: expect.stringMatching(diagnostics) }),
      ]);
    }
    const valid = await send('POST', 'CarePlan', plan('3'));
    expect(valid.status, valid.text).toBe(201);
    expect(valid.text).toContain('"repeat":{"count":3,"period":1.50,"periodUnit":"wk"}');
  });
});
