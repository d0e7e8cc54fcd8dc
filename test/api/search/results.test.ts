import type { Bundle } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { careTeamFixture, goalFixture } from '../../fixtures/shared-plan.js';
import { call, startTestApi, type TestApi } from '../../support/api.js';
import { allPages, create, idsOf, nextLink, planFor, search, searchUrl, sorted, tag, unique } from './helpers.js';

const SUBSETTED = 'SUBSETTED';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let api: TestApi;
/** 45 active and 5 draft plans of one patient; 105 tagged Goals. */
const patient = unique('pat');
const activeIds: string[] = [];
const draftIds: string[] = [];
const goalTag = tag(unique('goals'));
const goalIds: string[] = [];
const active = `CarePlan?patient=${patient}&status=active`;
const goals = `Goal?_tag=${goalTag.system}|${goalTag.code}`;

beforeAll(async () => {
  api = await startTestApi();
  for (let i = 0; i < 50; i++) {
    const plan = await create(api, planFor(patient, { status: i % 10 === 3 ? 'draft' : 'active' }));
    (plan.status === 'draft' ? draftIds : activeIds).push(plan.id);
  }
  for (let i = 0; i < 105; i++) goalIds.push((await create(api, { ...goalFixture(), meta: { tag: [goalTag] } })).id);
}, 120_000);
afterAll(async () => api.close());

const matchCount = (bundle: Bundle): number => idsOf(bundle).length;

describe('_count', () => {
  it('defaults to 20 entries per page with a next link', async () => {
    const page = await search(api, active);
    expect(matchCount(page)).toBe(20);
    expect(nextLink(page)).toBeDefined();
    expect(page.link?.find((link) => link.relation === 'self')?.url).toContain(`${api.base}/CarePlan?`);
  });

  it('is capped at 100 entries per page', async () => {
    const page = await search(api, `${goals}&_count=500`);
    expect(matchCount(page)).toBe(100);
    const rest = await searchUrl(nextLink(page)!);
    expect(matchCount(rest)).toBe(5);
    expect(nextLink(rest)).toBeUndefined();
  });

  it.each([
    ['a patient index walk', active, 45],
    ['a sorted search', `${active}&_sort=date`, 45],
    ['a walk of the type partition', goals, 105],
  ] as const)('_count=0 gives only the total, without entries or a next link (%s)', async (_label, query, total) => {
    const bundle = await search(api, `${query}&_count=0`);
    expect(bundle.total).toBe(total);
    expect(bundle.entry).toBeUndefined();
    expect(nextLink(bundle)).toBeUndefined();
  });

  it('rejects a _count that is not a non-negative integer', async () => {
    for (const value of ['abc', '-1', '2.5']) {
      const res = await call(`${api.base}/${active}&_count=${value}`);
      expect(res.status, value).toBe(400);
      expect(res.body.issue[0].expression).toEqual(['_count']);
    }
  });
});

describe('paging through next links', () => {
  it.each([
    ['a patient index walk filtered by status', `${active}&_count=10`, () => activeIds, [10, 10, 10, 10, 5]],
    ['a page size dividing the matches exactly', `${active}&_count=15`, () => activeIds, [15, 15, 15]],
    ['a sorted result', `${active}&_count=10&_sort=-_lastUpdated`, () => activeIds, [10, 10, 10, 10, 5]],
    ['an OR over statuses', `CarePlan?patient=${patient}&status=active,draft&_count=7`, () => [...activeIds, ...draftIds], [7, 7, 7, 7, 7, 7, 7, 1]],
    ['a walk of the type partition', `${goals}&_count=30`, () => goalIds, [30, 30, 30, 15]],
  ] as const)('walks %s to the end with no duplicates and no gaps', async (_label, query, expected, sizes) => {
    const pages = await allPages(api, query);
    expect(pages.map(matchCount)).toEqual(sizes);
    const seen = pages.flatMap((page) => idsOf(page));
    expect(new Set(seen).size).toBe(seen.length);
    expect(sorted(seen)).toEqual(sorted(expected()));
    expect(nextLink(pages[pages.length - 1]!)).toBeUndefined();
  });

  it('keeps the _sort order across pages', async () => {
    const pages = await allPages(api, `${active}&_count=10&_sort=_lastUpdated`);
    expect(pages.flatMap((page) => idsOf(page))).toEqual(activeIds);
  });
});

describe('paging cursors', () => {
  const cursorOf = (url: string): string => new URL(url).searchParams.get('_cursor')!;
  const withCursor = (query: string, cursor: string): string => `${api.base}/${query}&_cursor=${encodeURIComponent(cursor)}`;

  async function expectCursorRejected(url: string): Promise<void> {
    const res = await call(url);
    expect(res.status, url).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].expression).toEqual(['_cursor']);
  }

  it('rejects a tampered cursor with 400', async () => {
    const next = nextLink(await search(api, `${active}&_count=10`))!;
    const cursor = cursorOf(next);
    const flipped = `${cursor[0] === 'A' ? 'B' : 'A'}${cursor.slice(1)}`;
    await expectCursorRejected(withCursor(`${active}&_count=10`, flipped));
    await expectCursorRejected(withCursor(`${active}&_count=10`, `${cursor}x`));
    await expectCursorRejected(withCursor(`${active}&_count=10`, 'not-a-cursor'));
  });

  it('rejects a cursor reused with different parameters with 400', async () => {
    const cursor = cursorOf(nextLink(await search(api, `${active}&_count=10`))!);
    await expectCursorRejected(withCursor(`CarePlan?patient=${patient}&status=draft&_count=10`, cursor));
    await expectCursorRejected(withCursor(`${active}&_count=20`, cursor));
    await expectCursorRejected(withCursor(`Goal?patient=${patient}&lifecycle-status=active&_count=10`, cursor));
  });

  it('accepts the cursor with the same parameters in another order', async () => {
    const cursor = cursorOf(nextLink(await search(api, `${active}&_count=10`))!);
    const res = await call(withCursor(`CarePlan?_count=10&status=active&patient=${patient}`, cursor));
    expect(res.status).toBe(200);
    expect(matchCount(res.body)).toBe(10);
  });
});

describe('totals and subsets', () => {
  it('_summary=count gives the total and no entries', async () => {
    const bundle = await search(api, `${active}&_summary=count`);
    expect(bundle.total).toBe(45);
    expect(bundle.entry).toBeUndefined();
    expect((await search(api, `${goals}&_summary=count`)).total).toBe(105);
  });

  it('_total=accurate gives the total of all pages on every page', async () => {
    const pages = await allPages(api, `${active}&_count=20&_total=accurate`);
    expect(pages.map((page) => page.total)).toEqual([45, 45, 45]);
    expect((await search(api, `${goals}&_count=10&_total=accurate`)).total).toBe(105);
  });

  it('_elements keeps only the listed elements plus id and meta, tagged SUBSETTED', async () => {
    const bundle = await search(api, `${active}&_elements=status,subject&_count=5`);
    expect(matchCount(bundle)).toBe(5);
    for (const entry of bundle.entry!) {
      const resource = entry.resource as unknown as Record<string, any>;
      expect(Object.keys(resource).sort()).toEqual(['id', 'meta', 'resourceType', 'status', 'subject']);
      expect(resource.subject).toEqual({ reference: `Patient/${patient}` });
      expect(resource.meta.tag.map((t: { code: string }) => t.code)).toContain(SUBSETTED);
    }
  });

  it('_summary=true returns summary elements only, tagged SUBSETTED, without activity', async () => {
    const bundle = await search(api, `${active}&_summary=true&_count=5`);
    expect(matchCount(bundle)).toBe(5);
    for (const entry of bundle.entry!) {
      const resource = entry.resource as unknown as Record<string, any>;
      expect(resource.activity).toBeUndefined();
      expect(resource.note).toBeUndefined();
      expect(resource.status).toBe('active');
      expect(resource.subject).toBeDefined();
      expect(resource.meta.tag.map((t: { code: string }) => t.code)).toContain(SUBSETTED);
    }
  });

  it('returns whole resources, untagged, without _summary or _elements', async () => {
    const bundle = await search(api, `${active}&_count=1`);
    const resource = bundle.entry![0]!.resource as unknown as Record<string, any>;
    expect(resource.activity).toHaveLength(2);
    expect(resource.meta.tag).toBeUndefined();
  });
});

describe('_include and _revinclude', () => {
  let teamId: string;
  let goalId: string;
  let planId: string;
  let otherPlanId: string;
  beforeAll(async () => {
    teamId = (await create(api, careTeamFixture())).id;
    goalId = (await create(api, goalFixture())).id;
    const refs = { careTeam: [{ reference: `CareTeam/${teamId}` }], goal: [{ reference: `Goal/${goalId}` }] };
    planId = (await create(api, planFor(unique('pat'), refs))).id;
    otherPlanId = (await create(api, planFor(unique('pat'), { careTeam: refs.careTeam }))).id;
  });

  const entriesOf = (bundle: Bundle): string[] =>
    (bundle.entry ?? []).map((entry) => `${entry.search?.mode}:${entry.resource?.resourceType}/${entry.resource?.id}`).sort();

  it('_include=CarePlan:care-team adds the care team with search.mode include', async () => {
    const bundle = await search(api, `CarePlan?_id=${planId}&_include=CarePlan:care-team`);
    expect(entriesOf(bundle)).toEqual([`include:CareTeam/${teamId}`, `match:CarePlan/${planId}`]);
    expect(bundle.entry!.find((entry) => entry.search?.mode === 'include')!.fullUrl).toBe(`${api.base}/CareTeam/${teamId}`);
  });

  it('_include=CarePlan:goal adds the goal, and both includes combine', async () => {
    expect(entriesOf(await search(api, `CarePlan?_id=${planId}&_include=CarePlan:goal`))).toEqual([`include:Goal/${goalId}`, `match:CarePlan/${planId}`]);
    expect(entriesOf(await search(api, `CarePlan?_id=${planId}&_include=CarePlan:goal&_include=CarePlan:care-team`))).toEqual(
      sorted([`include:Goal/${goalId}`, `include:CareTeam/${teamId}`, `match:CarePlan/${planId}`]),
    );
  });

  it('includes a shared target once', async () => {
    const bundle = await search(api, `CarePlan?_id=${planId},${otherPlanId}&_include=CarePlan:care-team`);
    expect(entriesOf(bundle)).toEqual(sorted([`include:CareTeam/${teamId}`, `match:CarePlan/${planId}`, `match:CarePlan/${otherPlanId}`]));
  });

  it('_revinclude=CarePlan:care-team adds the plans pointing at the matched care team', async () => {
    const bundle = await search(api, `CareTeam?_id=${teamId}&_revinclude=CarePlan:care-team`);
    expect(entriesOf(bundle)).toEqual(sorted([`match:CareTeam/${teamId}`, `include:CarePlan/${planId}`, `include:CarePlan/${otherPlanId}`]));
  });

  it('includes nothing for a reference to a missing resource', async () => {
    const plan = await create(api, planFor(unique('pat'), { careTeam: [{ reference: `CareTeam/${unique('gone')}` }] }));
    expect(entriesOf(await search(api, `CarePlan?_id=${plan.id}&_include=CarePlan:care-team`))).toEqual([`match:CarePlan/${plan.id}`]);
  });
});

describe('POST [type]/_search', () => {
  it('gives the same entries as GET for a form body', async () => {
    const query = `patient=${patient}&status=active&_count=100`;
    const viaGet = await search(api, `CarePlan?${query}`);
    const viaPost = await call(`${api.base}/CarePlan/_search`, { method: 'POST', rawBody: query, headers: FORM });
    expect(viaPost.status).toBe(200);
    expect(viaPost.body.type).toBe('searchset');
    expect(viaPost.body.entry).toEqual(viaGet.entry);
    expect(matchCount(viaPost.body)).toBe(45);
  });

  it('combines parameters of the URL and the body', async () => {
    const viaPost = await call(`${api.base}/CarePlan/_search?patient=${patient}`, { method: 'POST', rawBody: 'status=draft', headers: FORM });
    expect(viaPost.status).toBe(200);
    expect(sorted(idsOf(viaPost.body))).toEqual(sorted(draftIds));
  });
});

describe('parameter errors', () => {
  it('rejects an unknown parameter with a 400 OperationOutcome naming it', async () => {
    const res = await call(`${api.base}/${active}&colour=blue`);
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue.map((issue: { expression?: string[] }) => issue.expression)).toEqual([['colour']]);
  });

  it('ignores an unknown parameter under Prefer: handling=lenient and reports it in an outcome entry', async () => {
    const bundle = await search(api, `${active}&colour=blue&_count=100`, { Prefer: 'handling=lenient' });
    expect(sorted(idsOf(bundle))).toEqual(sorted(activeIds));
    const outcomes = (bundle.entry ?? []).filter((entry) => entry.search?.mode === 'outcome');
    expect(outcomes).toHaveLength(1);
    const outcome = outcomes[0]!.resource as unknown as { resourceType: string; issue: { severity: string; expression?: string[] }[] };
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue.map((issue) => issue.expression)).toEqual([['colour']]);
    expect(outcome.issue[0]!.severity).toBe('warning');
  });

  it('rejects an unsupported modifier with 400', async () => {
    for (const name of ['status:exact', 'date:not', 'patient:text']) {
      const res = await call(`${api.base}/CarePlan?${name}=2026`);
      expect(res.status, name).toBe(400);
      expect(res.body.issue[0].expression).toEqual([name]);
    }
  });
});
