import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate } from '../../scripts/generate-search-parameters.js';
import { SEARCH_PARAMETERS } from '../../schemas/generated/search-parameters.js';
import { SUPPORTED_RESOURCE_TYPES } from '../../schemas/index.js';

const COMMON = ['_id', '_lastUpdated', '_profile', '_security', '_tag'];
const STANDARD_COUNTS = { CarePlan: 20, CareTeam: 8, Consent: 15, Goal: 8 } as const;
const GENERATED = new URL('../../schemas/generated/search-parameters.ts', import.meta.url);

describe('search parameter registry', () => {
  it('covers exactly the supported resource types', () => {
    expect(Object.keys(SEARCH_PARAMETERS).sort()).toEqual([...SUPPORTED_RESOURCE_TYPES].sort());
  });

  for (const type of SUPPORTED_RESOURCE_TYPES) {
    it(`has the ${STANDARD_COUNTS[type]} standard R4 parameters of ${type} plus the five common ones`, () => {
      const codes = Object.keys(SEARCH_PARAMETERS[type]);
      expect(codes.filter((code) => !code.startsWith('_'))).toHaveLength(STANDARD_COUNTS[type]);
      expect(codes.filter((code) => code.startsWith('_')).sort()).toEqual(COMMON);
    });

    it(`keys each ${type} parameter by its code and restricts its expression to ${type}`, () => {
      for (const [code, definition] of Object.entries(SEARCH_PARAMETERS[type])) {
        expect(definition.code).toBe(code);
        for (const part of definition.expression.split(' | ')) expect(part).toMatch(new RegExp(`^\\(?${type}\\.`));
      }
    });
  }

  it('excludes _text, _content, _query and _source', () => {
    for (const type of SUPPORTED_RESOURCE_TYPES) {
      for (const code of ['_text', '_content', '_query', '_source']) expect(SEARCH_PARAMETERS[type]).not.toHaveProperty(code);
    }
  });

  it('rewrites the common expressions to the resource type', () => {
    expect(SEARCH_PARAMETERS.Goal._id).toEqual({ code: '_id', type: 'token', expression: 'Goal.id' });
    expect(SEARCH_PARAMETERS.CarePlan._lastUpdated).toEqual({ code: '_lastUpdated', type: 'date', expression: 'CarePlan.meta.lastUpdated' });
    expect(SEARCH_PARAMETERS.Consent._profile?.type).toBe('uri');
    expect(SEARCH_PARAMETERS.CareTeam._security?.expression).toBe('CareTeam.meta.security');
    expect(SEARCH_PARAMETERS.CareTeam._tag?.expression).toBe('CareTeam.meta.tag');
  });

  it('marks subject.where(resolve() is Patient) with targetRestriction and keeps the original expression', () => {
    expect(SEARCH_PARAMETERS.CarePlan.patient).toEqual({
      code: 'patient',
      type: 'reference',
      expression: 'CarePlan.subject.where(resolve() is Patient)',
      targets: ['Patient'],
      targetRestriction: 'Patient',
    });
    expect(SEARCH_PARAMETERS.Goal.patient?.targetRestriction).toBe('Patient');
    expect(SEARCH_PARAMETERS.CareTeam.patient?.targetRestriction).toBe('Patient');
    expect(SEARCH_PARAMETERS.Consent.patient).toEqual({ code: 'patient', type: 'reference', expression: 'Consent.patient', targets: ['Patient'] });
  });

  it('takes the types, targets and cast expressions from the R4 bundle', () => {
    expect(SEARCH_PARAMETERS.CarePlan['care-team']).toEqual({ code: 'care-team', type: 'reference', expression: 'CarePlan.careTeam', targets: ['CareTeam'] });
    expect(SEARCH_PARAMETERS.CarePlan['activity-date']).toEqual({ code: 'activity-date', type: 'date', expression: 'CarePlan.activity.detail.scheduled' });
    expect(SEARCH_PARAMETERS.CarePlan['instantiates-uri']?.type).toBe('uri');
    expect(SEARCH_PARAMETERS.CarePlan.date?.expression).toBe('CarePlan.period');
    expect(SEARCH_PARAMETERS.Consent.date?.expression).toBe('Consent.dateTime');
    expect(SEARCH_PARAMETERS.Goal['start-date']?.expression).toBe('(Goal.start as date)');
    expect(SEARCH_PARAMETERS.Goal['target-date']?.expression).toBe('(Goal.target.due as date)');
    expect(SEARCH_PARAMETERS.Goal.subject?.targets).toEqual(['Group', 'Organization', 'Patient']);
    expect(SEARCH_PARAMETERS.Consent['source-reference']?.expression).toBe('Consent.source');
  });

  it('is what the generator produces from the R4 bundle (committed output up to date)', () => {
    expect(generate()).toBe(readFileSync(GENERATED, 'utf8'));
  });
});
