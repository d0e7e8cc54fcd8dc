/**
 * Primitive types to the letter over HTTP: text people really write is stored unchanged and
 * characters FHIR strings may not hold are refused, the same on every write path (create, update,
 * PATCH and transaction entries), with the element named and nothing stored.
 *
 * Bodies are sent as raw JSON text: JSON.stringify writes control characters and unpaired
 * surrogates as `\u` escapes (`"\ud800"`), which is how a client can send a lone surrogate at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../support/api.js';
import { carePlanFixture, careTeamFixture, goalFixture } from '../fixtures/shared-plan.js';
import { bundle, createResource, feedHead, newUrn, patchEntry, postEntry, putEntry } from './bundle/helpers.js';

const FHIR_JSON = 'application/fhir+json';
const JSON_PATCH = 'application/json-patch+json';

const ACCEPTED = [
  ['Finnish and Swedish letters', 'Äiti ja tytär sopivat; Åsa och Örjan även. ä ö å Ä Ö Å'],
  ['a no-break space', 'Tapaaminen klo\u00a09'],
  ['a narrow no-break space', 'Tukea 10\u202f000 € vuodessa'],
  ['an ideographic space U+3000', '東京\u3000都'],
  ['emoji with zero-width joiner and surrogate pairs', 'Hoitaja 👩‍⚕️ ja 👍🏽'],
  ['tab, carriage return and line feed', 'Rivi 1\r\nRivi 2\tsarake'],
  ['combining characters', 'A\u030Asa ja pa\u0308iva\u0308'],
] as const;

const REFUSED = [
  ['U+0000', '\u0000', /contains the control character U\+0000 at position 6 /],
  ['U+0001', '\u0001', /contains the control character U\+0001 at position 6 /],
  ['ESC', '\u001b', /contains the control character U\+001B at position 6 /],
  ['DEL', '\u007f', /contains the control character U\+007F at position 6 /],
  ['a lone high surrogate', '\ud800', /contains a lone high surrogate U\+D800 at position 6 /],
  ['a lone low surrogate', '\udfff', /contains a lone low surrogate U\+DFFF at position 6 /],
  ['U+FFFE', '\ufffe', /contains U\+FFFE at position 6, which is not a character XML allows/],
] as const;

let api: TestApi;
let careTeam: any;
let carePlan: any;
let goal: any;
beforeAll(async () => {
  api = await startTestApi();
  careTeam = await createResource(api, careTeamFixture());
  carePlan = await createResource(api, carePlanFixture());
  goal = await createResource(api, goalFixture());
});
afterAll(async () => api.close());

function send(method: string, path: string, rawBody: string, contentType = FHIR_JSON): ReturnType<typeof call> {
  return call(`${api.base}${path ? `/${path}` : ''}`, { method, rawBody, headers: { 'content-type': contentType } });
}

const read = async (path: string): Promise<any> => (await call(`${api.base}/${path}`)).body;

/** Expects a 400 (or `status`) OperationOutcome whose issue names `expression` with a diagnostics matching `message`. */
function expectRefused(res: { status: number; body: any }, expression: readonly string[], message: RegExp, status = 400): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(res.body.issue).toEqual([expect.objectContaining({ severity: 'error', code: 'value', expression, diagnostics: expect.stringMatching(message) })]);
}

/** Runs `write` and expects the change feed, and so the table's current versions, not to have moved. */
async function storesNothing(write: () => Promise<void>): Promise<void> {
  const before = await feedHead(api);
  await write();
  expect(await feedHead(api)).toEqual(before);
}

describe('the raw JSON carries what the client sent', () => {
  it('sends a lone surrogate as the JSON escape \\ud800 and a control character as \\u0001', () => {
    expect(JSON.stringify({ name: 'Testi \ud800' })).toBe('{"name":"Testi \\ud800"}');
    expect(JSON.stringify({ name: 'Testi \u0001' })).toBe('{"name":"Testi \\u0001"}');
  });
});

describe('text people write is stored and read back unchanged', () => {
  it.each(ACCEPTED)('create stores %s', async (_label, text) => {
    const res = await send('POST', 'CareTeam', JSON.stringify({ ...careTeamFixture(), name: text }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await read(`CareTeam/${res.body.id}`)).name).toBe(text);
  });

  it.each(ACCEPTED)('update stores %s', async (_label, text) => {
    const current = await read(`CarePlan/${carePlan.id}`);
    current.activity[0].detail.description = text;
    const res = await send('PUT', `CarePlan/${carePlan.id}`, JSON.stringify(current));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await read(`CarePlan/${carePlan.id}`)).activity[0].detail.description).toBe(text);
  });

  it.each(ACCEPTED)('PATCH stores %s', async (_label, text) => {
    const res = await send('PATCH', `Goal/${goal.id}`, JSON.stringify([{ op: 'replace', path: '/description/text', value: text }]), JSON_PATCH);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await read(`Goal/${goal.id}`)).description.text).toBe(text);
  });

  it.each(ACCEPTED)('a transaction stores %s in a POST, a PUT and a PATCH entry', async (_label, text) => {
    const plan = await read(`CarePlan/${carePlan.id}`);
    plan.description = text;
    const entries = [
      postEntry(newUrn(), { ...careTeamFixture(), name: text }),
      putEntry(api.base, `CarePlan/${carePlan.id}`, plan),
      patchEntry(`Goal/${goal.id}`, [{ op: 'replace', path: '/note/0/text', value: text }]),
    ];
    const res = await send('POST', '', JSON.stringify(bundle('transaction', entries)));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const created = (res.body.entry[0].response.location as string).split('/_history')[0];
    expect((await read(created!)).name).toBe(text);
    expect((await read(`CarePlan/${carePlan.id}`)).description).toBe(text);
    expect((await read(`Goal/${goal.id}`)).note[0].text).toBe(text);
  });
});

describe('characters FHIR strings may not hold are refused with 400 naming the element, and nothing is stored', () => {
  it.each(REFUSED)('create refuses %s in CareTeam.name', async (_label, char, message) => {
    await storesNothing(async () => {
      const res = await send('POST', 'CareTeam', JSON.stringify({ ...careTeamFixture(), name: `Tiimi${char}` }));
      expectRefused(res, ['CareTeam.name'], message);
    });
  });

  it.each(REFUSED)('update refuses %s in CarePlan.activity[0].detail.description', async (_label, char, message) => {
    const current = await read(`CarePlan/${carePlan.id}`);
    current.activity[0].detail.description = `Kutsu${char}`;
    await storesNothing(async () => {
      const res = await send('PUT', `CarePlan/${carePlan.id}`, JSON.stringify(current));
      expectRefused(res, ['CarePlan.activity[0].detail.description'], message);
    });
    expect((await read(`CarePlan/${carePlan.id}`)).meta.versionId).toBe(current.meta.versionId);
  });

  // A PATCH whose result is invalid is 422 here, as for every other rule its result breaks.
  it.each(REFUSED)('PATCH refuses %s in Goal.description.text with 422', async (_label, char, message) => {
    const before = await read(`Goal/${goal.id}`);
    await storesNothing(async () => {
      const patch = [{ op: 'replace', path: '/description/text', value: `Tavoi${char}` }];
      const res = await send('PATCH', `Goal/${goal.id}`, JSON.stringify(patch), JSON_PATCH);
      expectRefused(res, ['Goal.description.text'], message, 422);
    });
    expect(await read(`Goal/${goal.id}`)).toEqual(before);
  });

  it.each(REFUSED)('a transaction refuses %s in its second entry and stores neither', async (_label, char, message) => {
    const plan = { ...carePlanFixture(), description: `Kuvau${char}` };
    const entries = [postEntry(newUrn(), careTeamFixture()), postEntry(newUrn(), plan)];
    await storesNothing(async () => {
      const res = await send('POST', '', JSON.stringify(bundle('transaction', entries)));
      expectRefused(res, ['Bundle.entry[1]', 'CarePlan.description'], message);
    });
  });
});

describe('codes and numbers as their R4 regexes mean them', () => {
  it.each(['fi FI', 'fi\u00a0FI'])('create accepts the code %j', async (code) => {
    const res = await send('POST', 'Goal', JSON.stringify({ ...goalFixture(), language: code }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.language).toBe(code);
  });

  it.each([' fi', 'fi ', 'fi  FI', 'fi\tFI'])('create refuses the code %j', async (code) => {
    await storesNothing(async () => {
      const res = await send('POST', 'Goal', JSON.stringify({ ...goalFixture(), language: code }));
      expectRefused(res, ['Goal.language'], /^Invalid code .*a code has no whitespace other than single spaces between words/);
    });
  });

  /** A CarePlan whose extension carries `key` with the JSON number text `number`, as raw JSON. */
  const planWithNumber = (key: string, number: string): string => {
    const plan = { ...carePlanFixture(), extension: [...carePlanFixture().extension!, { url: 'https://example.fi/ext/arvo', [key]: 0 }] };
    return JSON.stringify(plan).replace(`"${key}":0`, `"${key}":${number}`);
  };

  it.each(['0.010', '-0', '1E-7', '1.5e3', '-12.50', '1e308', '1e400'])('create accepts the decimal %s', async (number) => {
    const res = await send('POST', 'CarePlan', planWithNumber('valueDecimal', number));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it.each([
    ['integer 1.0', 'valueInteger', '1.0', /^Invalid integer '1\.0': must be a whole number/],
    ['integer 2147483648', 'valueInteger', '2147483648', /^Invalid integer '2147483648': must be at most 2147483647/],
    ['integer -2147483649', 'valueInteger', '-2147483649', /^Invalid integer '-2147483649': must be at least -2147483648/],
    ['integer 1.5', 'valueInteger', '1.5', /^Invalid integer '1.5': must be a whole number/],
    ['positiveInt 0', 'valuePositiveInt', '0', /^Invalid positiveInt '0': must be at least 1/],
    ['unsignedInt -1', 'valueUnsignedInt', '-1', /^Invalid unsignedInt '-1': must be at least 0/],
  ])('create refuses the %s', async (_label, key, number, message) => {
    await storesNothing(async () => {
      expectRefused(await send('POST', 'CarePlan', planWithNumber(key, number)), [`CarePlan.extension[1].${key}`], message);
    });
  });

  it.each(['.5', '+1', '01', '1.', 'NaN', 'Infinity', '0x10'])('create refuses the decimal %s, which JSON does not allow, as not JSON', async (number) => {
    await storesNothing(async () => {
      const res = await send('POST', 'CarePlan', planWithNumber('valueDecimal', number));
      expect(res.status).toBe(400);
      expect(res.body.issue[0]).toMatchObject({ code: 'structure', diagnostics: expect.stringContaining('not valid JSON') });
    });
  });
});
