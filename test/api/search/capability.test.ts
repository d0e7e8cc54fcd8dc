import type { CapabilityStatementRestResource } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_PARAMETERS } from '../../../schemas/generated/search-parameters.js';
import { parametersOf } from '../../../functions/api/search/parse/registry.js';
import { call, startTestApi, type TestApi } from '../../support/api.js';

const TYPES = ['CarePlan', 'CareTeam', 'Consent', 'Goal'] as const;

let api: TestApi;
let resources: CapabilityStatementRestResource[];
beforeAll(async () => {
  api = await startTestApi();
  const res = await call(`${api.base}/metadata`);
  expect(res.status).toBe(200);
  resources = res.body.rest[0].resource;
});
afterAll(async () => api.close());

const resourceOf = (type: string): CapabilityStatementRestResource => {
  const found = resources.find((resource) => resource.type === type);
  expect(found, type).toBeDefined();
  return found!;
};

/** `Source:param` for every reference parameter of `source`. */
const includesOf = (source: (typeof TYPES)[number]): string[] =>
  Object.values(SEARCH_PARAMETERS[source])
    .filter((param) => param.type === 'reference')
    .map((param) => `${source}:${param.code}`)
    .sort();

describe.each(TYPES)('CapabilityStatement for %s', (type) => {
  it('lists exactly the search parameters of the registry (R4 and this API\'s own), with their types', () => {
    const listed = (resourceOf(type).searchParam ?? []).map((param) => `${param.name}:${param.type}`).sort();
    const registry = parametersOf(type).map((param) => `${param.code}:${param.type}`).sort();
    expect(listed).toEqual(registry);
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('lists every reference parameter of the type as searchInclude', () => {
    expect([...(resourceOf(type).searchInclude ?? [])].sort()).toEqual(includesOf(type));
  });

  it('declares conditional create, update and single delete', () => {
    expect(resourceOf(type)).toMatchObject({ conditionalCreate: true, conditionalUpdate: true, conditionalDelete: 'single' });
  });

  it('accepts every listed search parameter with :missing=true', async () => {
    for (const param of resourceOf(type).searchParam ?? []) {
      const res = await call(`${api.base}/${type}?${param.name}:missing=true`);
      expect(res.status, `${type}?${param.name}:missing=true: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.type).toBe('searchset');
    }
  });

  it('accepts every listed searchInclude as _include', async () => {
    for (const include of resourceOf(type).searchInclude ?? []) {
      const res = await call(`${api.base}/${type}?_include=${include}`);
      expect(res.status, `_include=${include}: ${JSON.stringify(res.body)}`).toBe(200);
    }
  });

  it('accepts every listed searchRevInclude as _revinclude', async () => {
    const revIncludes = resourceOf(type).searchRevInclude ?? [];
    expect(revIncludes.length).toBeGreaterThan(0);
    for (const revInclude of revIncludes) {
      const res = await call(`${api.base}/${type}?_revinclude=${revInclude}`);
      expect(res.status, `_revinclude=${revInclude}: ${JSON.stringify(res.body)}`).toBe(200);
    }
  });
});

describe('CapabilityStatement search relations', () => {
  it('lists the care plan links integrators follow as revincludes', () => {
    expect(resourceOf('CareTeam').searchRevInclude).toContain('CarePlan:care-team');
    expect(resourceOf('Goal').searchRevInclude).toContain('CarePlan:goal');
    expect(resourceOf('CarePlan').searchInclude).toEqual(expect.arrayContaining(['CarePlan:care-team', 'CarePlan:goal', 'CarePlan:patient']));
  });

  it('lists as searchRevInclude exactly the reference parameters that can point at the type', () => {
    for (const type of TYPES) {
      const expected = TYPES.flatMap((source) =>
        includesOf(source).filter((include) => {
          const targets = SEARCH_PARAMETERS[source][include.split(':')[1]!]?.targets;
          return targets === undefined || targets.includes(type);
        }),
      ).sort();
      expect([...(resourceOf(type).searchRevInclude ?? [])].sort(), type).toEqual(expected);
    }
  });

  it('offers JSON Patch', async () => {
    const res = await call(`${api.base}/metadata`);
    expect(res.body.patchFormat).toContain('application/json-patch+json');
  });
});
