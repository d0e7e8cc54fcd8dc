/**
 * fast-check arbitraries of hostile HTTP requests to the FHIR API: mutated fixture bodies,
 * header garbage, random search query strings, ids, JSON Patch documents and Bundle shapes.
 * Each arbitrary yields a {@link FuzzRequest}; the properties in `*.test.ts` send them.
 */
import fc from 'fast-check';
import type { SupportedResourceType } from '../../schemas/index.js';
import { parametersOf } from '../../functions/api/search/parse/registry.js';
import { carePlanFixture, careTeamFixture, consentFixture, goalFixture } from '../fixtures/shared-plan.js';

/** One generated request; `path` is appended to the API base as is (the URL parser may normalise it). */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** Resource types a 2xx body may have (an OperationOutcome is always allowed). */
  readonly expects: readonly string[];
}

/** Resources that exist before the run, per type (seeded by the test). */
export type Seeded = Readonly<Record<SupportedResourceType, readonly string[]>>;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const TYPES: readonly SupportedResourceType[] = ['CarePlan', 'CareTeam', 'Consent', 'Goal'];
const FIXTURES: Record<SupportedResourceType, () => Record<string, unknown>> = {
  CarePlan: () => carePlanFixture() as unknown as Record<string, unknown>,
  CareTeam: () => careTeamFixture() as unknown as Record<string, unknown>,
  Consent: () => consentFixture() as unknown as Record<string, unknown>,
  Goal: () => goalFixture() as unknown as Record<string, unknown>,
};
export const fixtureOf = (type: SupportedResourceType): Record<string, unknown> => FIXTURES[type]();

const JSON_CT = { 'content-type': 'application/fhir+json' };

// ---------------------------------------------------------------------------------------------
// Scalars

/** Strings a parser or a DynamoDB key can choke on. */
const TRICKY = [
  '', ' ', '\u00a0', '\u00a0\u00a0x', 'Hyvää päivää, äöå ÄÖÅ', 'Sámi: Áŋ Čđ', '🙂', '👩‍👩‍👧‍👦', '\u0000', 'a\u0000b', '\u001f', '\u007f',
  '\u2028', '\u202e', '\ufeff', '\ud800', '\udfff', 'x\ud83d', '\ude00y', '\\', '"', '\'', '%', '%00', '%zz', '../', '..%2F', '%2e%2e%2f',
  '<script>', '${x}', '{{x}}', '|', ',', '$', '\\|', '\\,', '\\$', 'urn:uuid:', 'Patient/', '#', '?', '&', '=', 'null', 'true', '0', '-0', '1e999',
  'AU#x', 'SEQ', 'UQ#Goal#x|y', 'IX#Goal#x', 'CLIENT#x',
];

/** A string from the tricky list, random unicode (incl. lone surrogates) or a long run. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 12 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('x', 'ä', '🙂', '\u00a0', '\ud800'), fc.constantFrom(1_000, 70_000, 600_000)).map(([c, n]) => c.repeat(n)) },
);

/** Raw JSON number text that JSON.stringify cannot produce (spliced in by {@link toJsonText}). */
const RAW_NUMBERS = ['1e999', '-1e999', '-0', '0.0000000000000000000000000001', '123456789012345678901234567890', '1E+2', '0e0', '9007199254740993'];
const rawMarker = (text: string): string => `@@RAW(${text})@@`;

const edgeNumber: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(0, -1, 1, 0.5, 2 ** 31, -(2 ** 31), 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE, 1e21),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(...RAW_NUMBERS).map(rawMarker),
);

/** A JSON value `depth` levels deep (arrays and objects alternating). */
const nestedValue = (depth: number): Json => {
  let value: Json = 'pohja';
  for (let n = 0; n < depth; n++) value = n % 2 === 0 ? [value] : { a: value };
  return value;
};

/** Any JSON value: scalars, edge numbers, nasty strings, small containers, deep nesting. */
export const anyValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 2, arbitrary: edgeNumber },
  { weight: 1, arbitrary: fc.constantFrom<Json>(null, true, false, [], {}) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.constantFrom(10, 60, 63, 64, 65, 70, 200).map(nestedValue) },
);

const memberName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', '', '_status', 'resourceType', 'id', 'meta', 'text', 'contained', 'extension', 'modifierExtension', 'implicitRules', 'fooBar', 'ä', '🙂', 'a.b', 'status'),
  fc.string({ maxLength: 8 }),
);

/** JSON text with raw number markers replaced; own `__proto__` members survive (see {@link setMember}). */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value).replace(/"@@RAW\(([^)"]*)\)@@"/g, '$1');
}

/** Sets an own member, even `__proto__`. */
function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// ---------------------------------------------------------------------------------------------
// Body mutations

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'add'; at: number; name: string; value: Json }
  | { kind: 'nest'; at: number; depth: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: anyValue }),
  fc.record({ kind: fc.constant('add' as const), at: fc.nat(), name: memberName, value: anyValue }),
  fc.record({ kind: fc.constant('nest' as const), at: fc.nat(), depth: fc.integer({ min: 1, max: 70 }) }),
);

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

function slotsOf(value: unknown, out: Slot[] = []): Slot[] {
  if (Array.isArray(value)) value.forEach((item, index) => (out.push({ parent: value, key: index }), slotsOf(item, out)));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) (out.push({ parent: value as Record<string, unknown>, key }), slotsOf(item, out));
  }
  return out;
}

/** Applies mutations in order; `at` picks a member or item anywhere in the document. */
export function mutate(document: Record<string, unknown>, mutations: readonly Mutation[]): Record<string, unknown> {
  const root = structuredClone(document);
  for (const m of mutations) {
    const slots = slotsOf(root);
    if (slots.length === 0) break;
    const slot = slots[m.at % slots.length]!;
    const parent = slot.parent as Record<string | number, unknown>;
    if (m.kind === 'delete') {
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete parent[slot.key];
    } else if (m.kind === 'replace') parent[slot.key] = m.value;
    else if (m.kind === 'nest') parent[slot.key] = nestedValue(m.depth);
    else {
      const target = parent[slot.key];
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) setMember(target as Record<string, unknown>, m.name, m.value);
      else setMember(root, m.name, m.value);
    }
  }
  return root;
}

/** A fixture of `type` with 1–4 mutations (some harmless, so valid writes are exercised too). */
export const mutatedResource = (type: SupportedResourceType): fc.Arbitrary<Record<string, unknown>> =>
  fc.array(mutation, { minLength: 1, maxLength: 4 }).map((mutations) => mutate(fixtureOf(type), mutations));

/** The body as text, or as bytes with invalid UTF-8, a truncation or a non-JSON top level. */
const bodyText = (document: Record<string, unknown>): fc.Arbitrary<string | Uint8Array> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant(toJsonText(document)) },
    { weight: 1, arbitrary: fc.nat().map((n) => { const text = toJsonText(document); return text.slice(0, n % text.length); }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom([0xc0, 0xaf], [0xff], [0xed, 0xa0, 0x80], [0xe2, 0x82]).map((bytes) =>
        Buffer.concat([Buffer.from(toJsonText({ ...document, description: { text: 'x' } }).replace('"x"', '"x')), Buffer.from(bytes), Buffer.from('"}')]).subarray(0),
      ),
    },
    { weight: 1, arbitrary: anyValue.map((value) => toJsonText(value)) },
  );

// ---------------------------------------------------------------------------------------------
// Headers

const headerText: fc.Arbitrary<string> = fc.string({
  unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});

const headerValues: Record<string, fc.Arbitrary<string>> = {
  'content-type': fc.oneof(
    fc.constantFrom('application/fhir+json', 'application/json', 'application/json+fhir', 'application/fhir+json; charset=utf-8', 'application/fhir+json; charset=latin1',
      'application/fhir+json; fhirVersion=4.0', 'application/fhir+json;;;', 'text/plain', 'application/xml', 'application/fhir+xml', 'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x', 'application/json-patch+json', ' ', '*/*'),
    headerText,
  ),
  accept: fc.oneof(fc.constantFrom('*/*', 'application/fhir+json', 'application/json', 'application/xml', 'text/html', 'application/fhir+json;q=0', 'application/*;q=0.5', 'application/fhir+json;q=abc', ',', ''), headerText),
  'if-match': fc.oneof(fc.constantFrom('W/"1"', '"1"', 'W/"2"', 'W/"0"', 'W/"abc"', '*', 'W/"99999999999"', 'W/"-1"', 'W/""', 'W/', 'W/"1", W/"2"'), headerText),
  'if-none-exist': fc.oneof(fc.constantFrom('identifier=https://example.fi/x|1', '_id=nope', 'foo=bar', '', '?', 'status=active', 'identifier=%zz', '_count=1'), headerText),
  'if-none-match': fc.oneof(fc.constantFrom('*', 'W/"1"', 'W/"9"'), headerText),
  'if-modified-since': fc.oneof(fc.constantFrom('Tue, 01 Jan 2030 00:00:00 GMT', 'Thu, 01 Jan 1970 00:00:00 GMT', 'yesterday'), headerText),
  prefer: fc.oneof(fc.constantFrom('return=minimal', 'return=representation', 'return=OperationOutcome', 'handling=strict', 'handling=lenient', 'respond-async', 'return=', 'return=minimal, handling=lenient'), headerText),
  'content-encoding': fc.oneof(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'gzip, gzip', 'x-gzip', 'compress', ''), headerText),
  'x-request-id': headerText,
};

/** 0–3 random headers (names from the FHIR-relevant set). */
export const randomHeaders: fc.Arbitrary<Record<string, string>> = fc
  .uniqueArray(fc.constantFrom(...Object.keys(headerValues)), { maxLength: 3 })
  .chain((names) => (names.length === 0 ? fc.constant({}) : fc.record(Object.fromEntries(names.map((name) => [name, headerValues[name]!])))));

// ---------------------------------------------------------------------------------------------
// Ids

/** Random ids: valid, seeded, unicode, path traversal, too long. */
export const idArb = (seeded: Seeded): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...TYPES.flatMap((type) => seeded[type])) },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9\-.]{1,64}$/) },
    { weight: 2, arbitrary: fc.constantFrom('..%2F', '..%2f..%2fmetadata', '%2e%2e', '%2E', '..', '.', '...', '%00', 'a'.repeat(64), 'a'.repeat(65), '..%5c', 'Goal%2Fx', '%E2%82%AC', '%C0%AF', '%', '%%', '_history', '_search', 'metadata', '%20', 'a%2Fb%2Fc', '-', '0') },
    { weight: 2, arbitrary: nastyString.map((s) => percentEncode(s.slice(0, 80)).replace(/%2F/g, '/')) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }) },
  );

// ---------------------------------------------------------------------------------------------
// Search query strings

const PREFIXES = ['', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap', 'xx'];
const MODIFIERS = ['', ':missing', ':exact', ':contains', ':identifier', ':not', ':text', ':above', ':below', ':in', ':not-in', ':of-type', ':Patient', ':Goal', ':iterate', ':bogus', ':'];
const SPECIAL_PARAMS = ['_id', '_lastUpdated', '_tag', '_profile', '_security', '_count', '_sort', '_include', '_revinclude', '_summary', '_elements', '_total', '_cursor', '_format', '_pretty', '_has', '_contained', '_text', '_content', '_list', '_query', '_filter', '__proto__', 'constructor', 'bogus', ''];

const searchValue = (cursors: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(fc.constantFrom(...PREFIXES), fc.constantFrom('2026', '2026-11', '2026-11-16', '2026-11-16T10:30:00+02:00', '2026-13-45', '2026-11-16T25:00', '0000', '9999-12-31T23:59:59Z', '1', '-1', '1e999')).map(([p, v]) => `${p}${v}`),
    fc.constantFrom('active', 'active,on-hold', 'http://loinc.org|LA28865-6', '|x', 'x|', '|', 'urn:oid:1.2.246.21|311080-999X', 'Patient/p1', 'CareTeam/x', 'Goal/../x', 'http://x/Patient/1', 'true', 'false', 'a\\,b', 'a\\|b', 'a\\$b', ',,,', '', '*'),
    fc.constantFrom('-1', '0', '1', '100', '101', '1000000000', '1.5', 'abc', '0x10', ' 5'),
    fc.constantFrom('-_lastUpdated', '_lastUpdated', 'date', '-date', 'status', ',', '--x', '_id'),
    fc.constantFrom('CarePlan:care-team', 'CarePlan:goal', 'CarePlan:subject:Patient', 'CareTeam:participant', '*', 'Goal:bogus', 'Bogus:x', 'CarePlan:care-team:Goal', 'CarePlan:'),
    fc.constantFrom('true', 'false', 'count', 'text', 'data', 'accurate', 'estimate', 'none', 'id,status', 'bogus'),
    fc.tuple(fc.constantFrom(...(cursors.length > 0 ? cursors : ['x'])), fc.nat(), fc.constantFrom('', 'A', '0', '-', '_', '%')).map(([cursor, at, put]) => {
      const i = at % (cursor.length + 1);
      return cursor.slice(0, i) + put + cursor.slice(i + (put === '' ? 0 : 1));
    }),
    fc.base64String({ maxLength: 80 }),
    nastyString.map((s) => s.slice(0, 200)),
  );

/** encodeURIComponent that percent-encodes a lone surrogate as its (invalid) UTF-8 bytes instead of throwing. */
export const percentEncode = (text: string): string =>
  text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[^\ud800-\udfff]+|[\ud800-\udbff][\udc00-\udfff]/g, (part) => {
    const code = part.charCodeAt(0);
    if (part.length === 1 && code >= 0xd800 && code <= 0xdfff) return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    return encodeURIComponent(part);
  });

const encodeSometimes = (text: string, raw: boolean): string => (raw ? text : percentEncode(text));

/** `name[:modifier]=value` pairs, partly percent-encoded, partly raw. */
const queryString = (type: SupportedResourceType, cursors: readonly string[]): fc.Arbitrary<string> =>
  fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...parametersOf(type).map((p) => p.code)), fc.constantFrom(...SPECIAL_PARAMS), fc.string({ maxLength: 6 })),
        fc.constantFrom(...MODIFIERS),
        searchValue(cursors),
        fc.boolean(),
      ),
      { maxLength: 4 },
    )
    .map((pairs) => pairs.map(([name, modifier, value, raw]) => `${encodeSometimes(name + modifier, raw)}=${encodeSometimes(value, raw)}`).join('&'));

const typeSegment: fc.Arbitrary<string> = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...TYPES) }, { weight: 1, arbitrary: fc.constantFrom('Patient', 'AuditEvent', 'goal', 'Bogus', '__proto__', 'Binary') });

/** Searches, GET and POST `_search`, histories and conditional deletes with random query strings. */
export const queryRequest = (seeded: Seeded, cursors: readonly string[]): fc.Arbitrary<FuzzRequest> =>
  fc.tuple(fc.constantFrom(...TYPES), typeSegment, randomHeaders, fc.nat({ max: 9 })).chain(([type, segment, headers, shape]) =>
    queryString(type, cursors).map((query): FuzzRequest => {
      const id = seeded[type][0]!;
      if (shape <= 4) return { method: 'GET', path: `/${segment}?${query}`, headers, expects: ['Bundle'] };
      if (shape === 5) return { method: 'POST', path: `/${segment}/_search`, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: query, expects: ['Bundle'] };
      if (shape === 6) return { method: 'GET', path: `/_history?${query}`, headers, expects: ['Bundle'] };
      if (shape === 7) return { method: 'GET', path: `/${segment}/_history?${query}`, headers, expects: ['Bundle'] };
      if (shape === 8) return { method: 'GET', path: `/${type}/${id}/_history?${query}`, headers, expects: ['Bundle'] };
      return { method: 'DELETE', path: `/${segment}?${query}`, headers, expects: [] };
    }),
  );

// ---------------------------------------------------------------------------------------------
// Request bodies

/** Creates, updates, conditional creates/updates with mutated fixture bodies. */
export const bodyRequest = (seeded: Seeded): fc.Arbitrary<FuzzRequest> =>
  fc.tuple(fc.constantFrom(...TYPES), fc.nat({ max: 5 }), fc.boolean()).chain(([type, shape, sameId]) =>
    fc.tuple(mutatedResource(type), randomHeaders).chain(([resource, headers]) => {
      const id = seeded[type][0]!;
      if (shape >= 3 && sameId && resource !== null && typeof resource === 'object') setMember(resource, 'id', id);
      return bodyText(resource).map((body): FuzzRequest => {
        const h = { ...JSON_CT, ...headers };
        if (shape <= 1) return { method: 'POST', path: `/${type}`, headers: h, body, expects: [type] };
        if (shape === 2) return { method: 'POST', path: `/${type}`, headers: { ...h, 'if-none-exist': 'identifier=https://example.fi/fuzz|1' }, body, expects: [type] };
        if (shape === 3 || shape === 4) return { method: 'PUT', path: `/${type}/${id}`, headers: h, body, expects: [type] };
        return { method: 'PUT', path: `/${type}?_id=${id}`, headers: h, body, expects: [type] };
      });
    }),
  );

/** Valid fixture bodies and reads under random headers. */
export const headerRequest = (seeded: Seeded): fc.Arbitrary<FuzzRequest> =>
  fc.tuple(fc.constantFrom(...TYPES), fc.nat({ max: 5 }), randomHeaders, fc.boolean()).map(([type, shape, headers, withCt]): FuzzRequest => {
    const id = seeded[type][0]!;
    const ct = withCt ? JSON_CT : {};
    const body = toJsonText(fixtureOf(type));
    if (shape === 0) return { method: 'GET', path: `/${type}/${id}`, headers, expects: [type] };
    if (shape === 1) return { method: 'GET', path: `/${type}?_count=2`, headers, expects: ['Bundle'] };
    if (shape === 2) return { method: 'POST', path: `/${type}`, headers: { ...ct, ...headers }, body, expects: [type] };
    if (shape === 3) return { method: 'PUT', path: `/${type}/${id}`, headers: { ...ct, ...headers }, body: toJsonText({ ...fixtureOf(type), id }), expects: [type] };
    if (shape === 4) return { method: 'PATCH', path: `/${type}/${id}`, headers: { 'content-type': 'application/json-patch+json', ...headers }, body: '[{"op":"add","path":"/extension/-","value":{"url":"https://example.fi/x","valueString":"x"}}]', expects: [type] };
    return { method: 'DELETE', path: `/${type}/${id}`, headers, expects: [] };
  });

/** Reads, vreads, histories, updates, patches and deletes of random ids. */
export const idRequest = (seeded: Seeded): fc.Arbitrary<FuzzRequest> =>
  fc.tuple(typeSegment, idArb(seeded), fc.nat({ max: 6 }), fc.oneof(fc.constantFrom('1', '2', '0', '-1', '01', '99999999999', 'x', '%2e%2e'), idArb(seeded))).map(([type, id, shape, vid]): FuzzRequest => {
    const resourceType = (TYPES as readonly string[]).includes(type) ? (type as SupportedResourceType) : 'Goal';
    if (shape <= 1) return { method: 'GET', path: `/${type}/${id}`, headers: {}, expects: [type] };
    if (shape === 2) return { method: 'GET', path: `/${type}/${id}/_history/${vid}`, headers: {}, expects: [type] };
    if (shape === 3) return { method: 'GET', path: `/${type}/${id}/_history`, headers: {}, expects: ['Bundle'] };
    if (shape === 4) return { method: 'PUT', path: `/${type}/${id}`, headers: JSON_CT, body: JSON.stringify({ ...fixtureOf(resourceType), id: decodeSafely(id) }), expects: [type] };
    if (shape === 5) return { method: 'PATCH', path: `/${type}/${id}`, headers: { 'content-type': 'application/json-patch+json' }, body: '[{"op":"test","path":"/resourceType","value":"Goal"}]', expects: [type] };
    return { method: 'DELETE', path: `/${type}/${id}`, headers: {}, expects: [] };
  });

function decodeSafely(id: string): string {
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

// ---------------------------------------------------------------------------------------------
// JSON Patch

const patchPath: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '/', '/status', '/lifecycleStatus', '/note', '/note/0', '/note/-', '/note/0/text', '/note/00', '/note/999', '/note/-1', '/__proto__', '/__proto__/polluted',
    '/constructor/prototype/x', '/id', '/meta', '/meta/versionId', '/meta/extension/0', '/meta/extension/-', '/resourceType', '/a~0b', '/a~1b', '/~2', '/~', '/subject/identifier/value',
    '/extension/-', '/extension/0/url', '/text/div', '/contained/-', '/category/0/coding/-', 'status', '//', '/note/0/__proto__'),
  fc.array(fc.oneof(memberName, fc.constantFrom('-', '0', '1')), { minLength: 1, maxLength: 4 }).map((segments) => `/${segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`),
);

const patchOperation: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'), path: patchPath, value: anyValue, from: patchPath }, { requiredKeys: ['op', 'path'] }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.record({ op: fc.oneof(fc.constantFrom('_get', 'ADD', '', 'merge'), nastyString), path: fc.oneof(patchPath, anyValue) }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: anyValue },
);

/** A JSON Patch document: mostly arrays of random operations, sometimes not an array at all. */
export const patchDocument: fc.Arbitrary<Json> = fc.oneof(
  { weight: 8, arbitrary: fc.array(patchOperation, { maxLength: 5 }) },
  { weight: 1, arbitrary: anyValue },
);

/** PATCH of seeded resources with random documents. */
export const patchRequest = (seeded: Seeded): fc.Arbitrary<FuzzRequest> =>
  fc.tuple(fc.constantFrom(...TYPES), patchDocument, fc.option(headerValues['if-match']!, { nil: undefined }), fc.oneof(fc.constant('application/json-patch+json'), headerValues['content-type']!)).map(
    ([type, document, ifMatch, contentType]): FuzzRequest => ({
      method: 'PATCH',
      path: `/${type}/${seeded[type][0]!}`,
      headers: { 'content-type': contentType, ...(ifMatch !== undefined ? { 'if-match': ifMatch } : {}) },
      body: toJsonText(document),
      expects: [type],
    }),
  );

// ---------------------------------------------------------------------------------------------
// Bundles

const URNS = ['urn:uuid:6f1c1b9e-0c1a-4f0e-9c55-0d1f5b1e2a01', 'urn:uuid:6f1c1b9e-0c1a-4f0e-9c55-0d1f5b1e2a02', 'urn:uuid:6f1c1b9e-0c1a-4f0e-9c55-0d1f5b1e2a03'];

const bundleEntry = (seeded: Seeded): fc.Arbitrary<Json> =>
  fc.constantFrom(...TYPES).chain((type) =>
    fc.record(
      {
        fullUrl: fc.oneof(fc.constantFrom(...URNS), fc.constantFrom('urn:uuid:not-a-uuid', 'urn:uuid:', `http://127.0.0.1/fhir/${type}/${seeded[type][0]!}`, `${type}/x`, 'urn:oid:1.2.3', ''), nastyString),
        request: fc.record(
          {
            method: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), fc.constantFrom('HEAD', 'get', '', 'TRACE'), anyValue),
            url: fc.oneof(
              fc.constantFrom(type, `${type}/${seeded[type][0]!}`, `${type}?identifier=https://example.fi/fuzz|1`, `${type}?_id=${seeded[type][0]!}`, `${type}/${seeded[type][0]!}/_history/1`, `/${type}`, 'metadata', '_history', `${type}/_search`, `http://127.0.0.1/fhir/${type}`, '', '?', `${type}/..%2F`, `${type}/${URNS[0]!}`),
              nastyString,
              anyValue,
            ),
            ifMatch: headerValues['if-match']!,
            ifNoneExist: headerValues['if-none-exist']!,
            ifNoneMatch: headerValues['if-none-match']!,
          },
          { requiredKeys: ['method', 'url'] },
        ),
        resource: fc.oneof(
          { weight: 4, arbitrary: mutatedResource(type).map((r) => withUrnReferences(r)) },
          { weight: 1, arbitrary: patchDocument.map((doc): Json => ({ resourceType: 'Binary', contentType: 'application/json-patch+json', data: Buffer.from(toJsonText(doc)).toString('base64') })) },
          { weight: 1, arbitrary: fc.constantFrom<Json>({ resourceType: 'Binary', contentType: 'application/json-patch+json', data: '!!!' }, { resourceType: 'Bundle', type: 'transaction', entry: [] }) },
          { weight: 1, arbitrary: anyValue },
        ),
        search: fc.constant({ mode: 'match' }),
        response: fc.constant({ status: '200' }),
      },
      { requiredKeys: ['request'] },
    ),
  ) as fc.Arbitrary<Json>;

/** Points the fixture's references at the entries' `urn:uuid` fullUrls. */
function withUrnReferences(resource: Record<string, unknown>): Json {
  const text = JSON.stringify(resource).replace(/"(CareTeam|Goal|Practitioner)\/example-[a-z-]+"/g, (_, type: string) => `"${type === 'Goal' ? URNS[1] : URNS[0]}"`);
  return JSON.parse(text) as Json;
}

/** A transaction or batch (or something Bundle-shaped) of 0–6 random entries, sometimes mutated. */
export const bundleRequest = (seeded: Seeded): fc.Arbitrary<FuzzRequest> =>
  fc
    .tuple(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('transaction', 'batch') }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom('searchset', 'collection', 'Transaction', ''), anyValue) }), fc.array(bundleEntry(seeded), { maxLength: 6 }), fc.array(mutation, { maxLength: 2 }))
    .map(([type, entry, mutations]): FuzzRequest => {
      const document = mutate({ resourceType: 'Bundle', type, entry }, mutations);
      return { method: 'POST', path: '', headers: JSON_CT, body: toJsonText(document), expects: ['Bundle'] };
    });
