import { readFileSync } from 'node:fs';
import type { ElementDefinition } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_RESOURCES, ENFORCED_PROFILES, EXTENSION_RULES, STRUCTURE_DEFINITIONS, type ProfileRule } from '../../functions/api/profile/index.js';

/** What a differential element constrains, read from the element itself: `<id>#<kind>`. */
function constraintsOf(element: ElementDefinition): string[] {
  const id = element.id ?? element.path;
  const kinds: string[] = [];
  if ((element.min ?? 0) > 0) kinds.push('min');
  if (element.max !== undefined && element.max !== '*') kinds.push('max');
  if (element.type !== undefined) kinds.push('type');
  if (element.binding !== undefined) kinds.push('binding');
  for (const name of Object.keys(element)) {
    if (name.startsWith('fixed')) kinds.push('fixed');
    if (name.startsWith('pattern')) kinds.push('pattern');
  }
  for (const constraint of element.constraint ?? []) kinds.push(`invariant:${constraint.key}`);
  return kinds.map((kind) => `${id}#${kind}`);
}

const ruleIds = (rules: readonly ProfileRule[]): string[] => rules.map((rule) => `${rule.element}#${rule.kind}${rule.key ? `:${rule.key}` : ''}`);

function rulesFor(url: string): readonly ProfileRule[] | undefined {
  return ENFORCED_PROFILES.find((profile) => profile.url === url)?.rules ?? EXTENSION_RULES.get(url)?.rules;
}

describe('every constraint of a served differential is checked', () => {
  it.each(STRUCTURE_DEFINITIONS.map((definition) => [definition.id, definition] as const))('%s: the constrained paths of the differential are exactly the checks', (_id, definition) => {
    const rules = rulesFor(definition.url);
    expect(rules, `no rules for ${definition.url}`).toBeDefined();
    const constrained = (definition.differential?.element ?? []).flatMap(constraintsOf);
    expect(ruleIds(rules ?? []).sort()).toEqual(constrained.sort());
  });

  it('finds constraints in every profile and extension', () => {
    for (const definition of STRUCTURE_DEFINITIONS) expect((definition.differential?.element ?? []).flatMap(constraintsOf).length, definition.id).toBeGreaterThan(0);
  });

  it('names the element of every rule by the id of a differential element', () => {
    for (const definition of STRUCTURE_DEFINITIONS) {
      const ids = new Set((definition.differential?.element ?? []).map((element) => element.id));
      for (const rule of rulesFor(definition.url) ?? []) expect(ids.has(rule.element), `${definition.id}: ${rule.element}`).toBe(true);
    }
  });
});

describe('docs/profile.md', () => {
  const docs = readFileSync(new URL('../../docs/profile.md', import.meta.url), 'utf8');

  it('has a row for the element of every rule of every profile, and names every invariant', () => {
    for (const profile of ENFORCED_PROFILES) {
      for (const rule of profile.rules) {
        expect(docs, `${profile.id}: ${rule.element}`).toContain(`| \`${rule.element}\` |`);
        if (rule.key) expect(docs).toContain(`\`${rule.key}\``);
      }
    }
  });

  it('lists every code of every CodeSystem', () => {
    for (const system of CONFORMANCE_RESOURCES.CodeSystem) for (const concept of system.concept ?? []) expect(docs, concept.code).toContain(`| \`${concept.code}\` | ${concept.display} |`);
  });
});
