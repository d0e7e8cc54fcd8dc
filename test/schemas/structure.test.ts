import { describe, expect, it } from 'vitest';
import type { Issue } from '../../functions/shared/operation-outcome.js';
import { validateResource, type SupportedResourceType } from '../../schemas/index.js';
import { carePlanFixture, consentFixture, goalFixture } from '../fixtures/shared-plan.js';


function failure(type: SupportedResourceType, body: unknown): { status: number; issues: Issue[] } {
  const result = validateResource(type, body);
  if (result.ok) throw new Error(`expected ${type} to fail validation`);
  return result;
}

function only(type: SupportedResourceType, body: unknown): Issue {
  const { issues } = failure(type, body);
  expect(issues).toHaveLength(1);
  return issues[0] as Issue;
}

describe('unknown elements', () => {
  it('rejects an unknown top-level element with code structure and its FHIRPath', () => {
    expect(only('Goal', { ...goalFixture(), colour: 'blue' })).toEqual({
      code: 'structure',
      diagnostics: "Unknown element 'colour'",
      expression: ['Goal.colour'],
    });
  });

  it('rejects an unknown element inside a backbone element', () => {
    const plan = carePlanFixture() as any;
    plan.activity[1].detail.priority = 'high';
    expect(only('CarePlan', plan)).toMatchObject({ code: 'structure', expression: ['CarePlan.activity[1].detail.priority'] });
  });

  it('rejects an unknown element inside a datatype', () => {
    const goal = goalFixture() as any;
    goal.subject.identifier.kind = 'HETU';
    expect(only('Goal', goal)).toMatchObject({ code: 'structure', expression: ['Goal.subject.identifier.kind'] });
  });

  it('rejects a __proto__ key as an unknown element without touching prototypes', () => {
    const body = JSON.parse(`{"__proto__": {"polluted": true}, ${JSON.stringify(goalFixture()).slice(1)}`);
    expect(only('Goal', body)).toMatchObject({ code: 'structure', diagnostics: "Unknown element '__proto__'" });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('primitive extensions (_element siblings)', () => {
  it('accepts _element with id and extension, and arrays with null entries for repeating primitives', () => {
    const plan = carePlanFixture() as any;
    plan._status = { id: 's1', extension: [{ url: 'https://example.fi/ext', valueString: 'vahvistettu' }] };
    plan.instantiatesUri = ['https://example.fi/protokolla', 'https://example.fi/toinen'];
    plan._instantiatesUri = [null, { extension: [{ url: 'https://example.fi/ext', valueBoolean: true }] }];
    expect(validateResource('CarePlan', plan).ok).toBe(true);
  });

  it('rejects a _element that is not an object, and unknown keys inside it', () => {
    expect(only('Goal', { ...goalFixture(), _lifecycleStatus: 'x' })).toMatchObject({ code: 'structure', expression: ['Goal.lifecycleStatus'] });
    expect(only('Goal', { ...goalFixture(), _lifecycleStatus: { note: 'x' } })).toMatchObject({
      code: 'structure',
      diagnostics: "Unknown element 'note'",
      expression: ['Goal.lifecycleStatus.note'],
    });
  });
});

describe('cardinality', () => {
  it('rejects an array where a single value is expected', () => {
    const goal = goalFixture() as any;
    goal.subject = [goal.subject];
    expect(only('Goal', goal)).toEqual({
      code: 'structure',
      diagnostics: "Invalid type for 'subject': expected an object, got an array",
      expression: ['Goal.subject'],
    });
  });

  it('rejects a single value where an array is expected', () => {
    const consent = consentFixture() as any;
    consent.category = consent.category[0];
    expect(only('Consent', consent)).toMatchObject({ code: 'structure', expression: ['Consent.category'] });
  });

  it('rejects an empty array with code value', () => {
    expect(only('CarePlan', { ...carePlanFixture(), note: [] })).toEqual({
      code: 'value',
      diagnostics: "Element 'note' must not be an empty array (omit it instead)",
      expression: ['CarePlan.note'],
    });
  });

  it.each([
    ['CarePlan', 'status', ['CarePlan.status']],
    ['CarePlan', 'intent', ['CarePlan.intent']],
    ['CarePlan', 'subject', ['CarePlan.subject']],
    ['Goal', 'description', ['Goal.description']],
    ['Goal', 'lifecycleStatus', ['Goal.lifecycleStatus']],
    ['Consent', 'scope', ['Consent.scope']],
    ['Consent', 'category', ['Consent.category']],
    ['Consent', 'status', ['Consent.status']],
  ] as const)('reports %s.%s as required when missing', (type, element, expression) => {
    const fixture = { CarePlan: carePlanFixture, Goal: goalFixture, Consent: consentFixture }[type]() as any;
    delete fixture[element];
    expect(only(type, fixture)).toEqual({ code: 'required', diagnostics: `Missing required element '${element}'`, expression });
  });

  it('reports CarePlan.activity.detail.status as required when missing', () => {
    const plan = carePlanFixture() as any;
    delete plan.activity[0].detail.status;
    expect(only('CarePlan', plan)).toMatchObject({ code: 'required', expression: ['CarePlan.activity[0].detail.status'] });
  });

  it('reports Extension.url and Consent.provision.actor.role as required when missing', () => {
    const plan = carePlanFixture() as any;
    delete plan.extension[0].url;
    expect(only('CarePlan', plan)).toMatchObject({ code: 'required', expression: ['CarePlan.extension[0].url'] });
    const consent = consentFixture() as any;
    delete consent.provision.actor[1].role;
    expect(only('Consent', consent)).toMatchObject({ code: 'required', expression: ['Consent.provision.actor[1].role'] });
  });
});

describe('constrained datatypes', () => {
  it('rejects comparator on a SimpleQuantity (CarePlan.activity.detail.quantity)', () => {
    const plan = carePlanFixture() as any;
    plan.activity[0].detail.quantity = { value: 1, comparator: '<' };
    expect(only('CarePlan', plan)).toMatchObject({ code: 'structure', expression: ['CarePlan.activity[0].detail.quantity.comparator'] });
  });

  it('accepts comparator on a full Quantity (Goal.target.detailQuantity)', () => {
    const goal = { ...goalFixture(), target: [{ measure: { text: 'Päivystyskäynnit kuukaudessa' }, detailQuantity: { value: 2, comparator: '<' } }] };
    expect(validateResource('Goal', goal).ok).toBe(true);
  });
});

describe('choice types', () => {
  it('rejects two variants of one choice element', () => {
    const plan = carePlanFixture() as any;
    plan.activity[0].detail.scheduledPeriod = { start: '2026-12-01' };
    expect(only('CarePlan', plan)).toEqual({
      code: 'structure',
      diagnostics: 'Only one of scheduledPeriod, scheduledString may be present (scheduled[x] takes a single type)',
      expression: ['CarePlan.activity[0].detail.scheduledString'],
    });
  });

  it('counts a primitive variant given only by its _element sibling', () => {
    const goal = { ...goalFixture(), startCodeableConcept: { text: 'Heti' } } as any;
    expect(only('Goal', goal)).toMatchObject({ code: 'structure', diagnostics: expect.stringContaining('startDate, startCodeableConcept') });
    delete goal.startDate;
    goal._startDate = { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] };
    expect(only('Goal', goal)).toMatchObject({ code: 'structure' });
  });

  it('rejects an Extension with two value[x] variants', () => {
    const plan = carePlanFixture() as any;
    plan.extension[0].valueString = '16.2.2027';
    expect(only('CarePlan', plan)).toMatchObject({ code: 'structure', expression: ['CarePlan.extension[0].valueString'] });
  });

  it('requires exactly one variant of a mandatory choice (UsageContext.value[x])', () => {
    const plan = carePlanFixture() as any;
    plan.extension.push({ url: 'https://example.fi/ext/context', valueUsageContext: { code: { system: 'http://terminology.hl7.org/CodeSystem/usage-context-type', code: 'focus' } } });
    expect(only('CarePlan', plan)).toMatchObject({ code: 'required', expression: ['CarePlan.extension[1].valueUsageContext.value[x]'] });
  });

  it('rejects an unknown variant name of a choice element', () => {
    const plan = carePlanFixture() as any;
    plan.activity[0].detail.scheduledDate = '2026-12-01';
    delete plan.activity[0].detail.scheduledString;
    expect(only('CarePlan', plan)).toMatchObject({ code: 'structure', diagnostics: "Unknown element 'scheduledDate'" });
  });
});

describe('contained resources', () => {
  it('validates a contained resource of a served type with its own schema', () => {
    const plan = carePlanFixture() as any;
    plan.contained = [{ ...goalFixture(), id: 'g1', lifecycleStatus: 'done' }];
    plan.goal = [{ reference: '#g1' }];
    expect(only('CarePlan', plan)).toMatchObject({ code: 'code-invalid', expression: ['CarePlan.contained[0].lifecycleStatus'] });
    plan.contained[0].lifecycleStatus = 'proposed';
    expect(validateResource('CarePlan', plan).ok).toBe(true);
  });

  it('accepts other resource types with a valid resourceType and id', () => {
    const team = { resourceType: 'CareTeam', contained: [{ resourceType: 'RelatedPerson', id: 'tytar', patient: { display: 'x' } }], participant: [{ member: { reference: '#tytar' } }] };
    expect(validateResource('CareTeam', team).ok).toBe(true);
  });

  it('rejects a contained resource without id, with an unknown type, or that is not an object', () => {
    const team = { resourceType: 'CareTeam', contained: [{ resourceType: 'RelatedPerson' }, { resourceType: 'Potilas', id: 'p' }, 'RelatedPerson/1'] };
    const issues = failure('CareTeam', team).issues.map(({ code, expression }) => ({ code, expression }));
    expect(issues).toContainEqual({ code: 'required', expression: ['CareTeam.contained[0].id'] });
    expect(issues).toContainEqual({ code: 'code-invalid', expression: ['CareTeam.contained[1].resourceType'] });
    expect(issues).toContainEqual({ code: 'structure', expression: ['CareTeam.contained[2]'] });
  });
});

describe('request bodies that are not the expected resource', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'CarePlan'],
    ['a number', 42],
    ['a boolean', true],
    ['an array', [carePlanFixture()]],
    ['an object without resourceType', { status: 'active' }],
  ])('rejects %s with one structure issue at resourceType', (_label, body) => {
    expect(failure('CarePlan', body)).toMatchObject({ status: 400, issues: [{ code: 'structure', expression: ['resourceType'] }] });
  });

  it('rejects a resource of another type', () => {
    expect(validateResource('Goal', carePlanFixture())).toEqual({
      ok: false,
      status: 400,
      issues: [{ code: 'structure', diagnostics: "Expected a JSON object with resourceType 'Goal', got resourceType 'CarePlan'", expression: ['resourceType'] }],
    });
  });
});

describe('robustness', () => {
  it('reports every issue together with status 400', () => {
    const plan = carePlanFixture() as any;
    delete plan.status;
    plan.intent = 'wish';
    plan.colour = 'blue';
    plan.created = '2026-02-30';
    plan.activity[0].reference = { reference: 'Task/1' };
    const { status, issues } = failure('CarePlan', plan);
    expect(status).toBe(400);
    expect(issues.map((issue) => issue.code).sort()).toEqual(['code-invalid', 'invariant', 'required', 'structure', 'value']);
  });

  it('caps the issues at 50 and says how many were left out', () => {
    const { issues } = failure('Goal', { ...goalFixture(), note: Array.from({ length: 120 }, () => ({ text: '' })) });
    expect(issues).toHaveLength(51);
    expect(issues[50]).toEqual({ severity: 'information', code: 'informational', diagnostics: '70 further issues not shown' });
  });

  it('rejects deeply nested input without overflowing the stack', () => {
    const root: any = { url: 'https://example.fi/a' };
    let node = root;
    for (let i = 0; i < 100_000; i++) node = node.extension = [{ url: 'https://example.fi/a' }][0];
    expect(only('Goal', { ...goalFixture(), extension: [root] })).toMatchObject({ code: 'structure', diagnostics: expect.stringContaining('nested too deeply') });
  });

  it('handles a huge array without throwing', () => {
    expect(failure('Goal', { ...goalFixture(), note: new Array(500_000).fill(1) }).status).toBe(400);
    expect(failure('Goal', { ...goalFixture(), identifier: new Array(20_000).fill(1) }).issues).toHaveLength(51);
  });

  it('never throws on cyclic objects, throwing getters or null-prototype objects', () => {
    const cyclic: any = { ...goalFixture() };
    cyclic.note = [cyclic];
    expect(validateResource('Goal', cyclic).ok).toBe(false);
    const getter = { ...goalFixture() };
    Object.defineProperty(getter, 'note', { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(validateResource('Goal', getter).ok).toBe(false);
    expect(validateResource('Goal', Object.assign(Object.create(null), goalFixture())).ok).toBe(true);
  });
});
