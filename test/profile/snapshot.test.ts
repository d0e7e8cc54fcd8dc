import { readFileSync } from 'node:fs';
import type { ElementDefinition, StructureDefinition } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { STRUCTURE_DEFINITIONS } from '../../functions/api/profile/index.js';
import { coreDefinitions, SNAPSHOTS_FILE, snapshotsSource } from '../../scripts/profile-snapshots-source.js';
import { snapshotOf } from '../../scripts/profile-snapshot.js';

const core = coreDefinitions();
const idsOf = (elements: readonly ElementDefinition[]): string[] => elements.map((element) => element.id ?? element.path);
const CONSTRAINT_KEYS = ['min', 'max', 'type', 'binding', 'sliceName', 'slicing', 'mustSupport', 'short'] as const;

describe('generated snapshots', () => {
  it('are committed up to date (npx tsx scripts/generate-profile-snapshots.ts)', () => {
    expect(readFileSync(new URL(`../../${SNAPSHOTS_FILE}`, import.meta.url), 'utf8')).toBe(snapshotsSource(core));
  });

  describe.each(STRUCTURE_DEFINITIONS.map((definition) => [definition.id, definition] as const))('%s', (_id, definition: StructureDefinition) => {
    const snapshot = definition.snapshot?.element ?? [];
    const base = core(definition.type)?.snapshot?.element ?? [];

    it('contains every element of the core snapshot, in the core order', () => {
      expect(base.length).toBeGreaterThan(0);
      const ids = idsOf(snapshot);
      expect(ids.filter((id) => idsOf(base).includes(id))).toEqual(idsOf(base));
    });

    it('has unique element ids, each path its id without slice names, the root first', () => {
      const ids = idsOf(snapshot);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids[0]).toBe(definition.type);
      for (const element of snapshot) expect(element.path).toBe((element.id ?? '').replace(/:[^.]+/g, ''));
    });

    it('carries every differential constraint on the element of the same id', () => {
      for (const differential of definition.differential?.element ?? []) {
        const element = snapshot.find((candidate) => candidate.id === differential.id);
        expect(element, differential.id).toBeDefined();
        for (const key of CONSTRAINT_KEYS) if (differential[key] !== undefined) expect(element?.[key], `${differential.id}.${key}`).toEqual(differential[key]);
        for (const [key, value] of Object.entries(differential)) if (/^(fixed|pattern)/.test(key)) expect((element as unknown as Record<string, unknown> | undefined)?.[key]).toEqual(value);
        for (const constraint of differential.constraint ?? []) expect(element?.constraint).toContainEqual(constraint);
      }
    });

    it('keeps the core definition of elements the differential does not touch', () => {
      const touched = new Set((definition.differential?.element ?? []).map((element) => element.id));
      for (const element of base) if (!touched.has(element.id)) expect(snapshot.find((candidate) => candidate.id === element.id)).toEqual(element);
    });
  });
});

describe('snapshotOf', () => {
  const differential = (elements: ElementDefinition[]): StructureDefinition =>
    ({ resourceType: 'StructureDefinition', url: 'https://example.fi/p', name: 'P', status: 'draft', kind: 'resource', abstract: false, type: 'Goal', differential: { element: elements } }) as StructureDefinition;

  it('unfolds a complex type below the element that has it', () => {
    const ids = idsOf(snapshotOf(differential([{ id: 'Goal.subject.identifier.system', path: 'Goal.subject.identifier.system', min: 1 }]), core));
    const at = ids.indexOf('Goal.subject');
    expect(ids.slice(at, at + 8)).toEqual([
      'Goal.subject',
      'Goal.subject.id',
      'Goal.subject.extension',
      'Goal.subject.reference',
      'Goal.subject.type',
      'Goal.subject.identifier',
      'Goal.subject.identifier.id',
      'Goal.subject.identifier.extension',
    ]);
  });

  it('puts slices after the sliced element and its earlier slices', () => {
    const ids = idsOf(
      snapshotOf(
        differential([
          { id: 'Goal.extension', path: 'Goal.extension', slicing: { discriminator: [{ type: 'value', path: 'url' }], rules: 'open' } },
          { id: 'Goal.extension:a', path: 'Goal.extension', sliceName: 'a', type: [{ code: 'Extension', profile: ['https://example.fi/a'] }] },
          { id: 'Goal.extension:b', path: 'Goal.extension', sliceName: 'b', type: [{ code: 'Extension', profile: ['https://example.fi/b'] }] },
        ]),
        core,
      ),
    );
    expect(ids.slice(ids.indexOf('Goal.extension'), ids.indexOf('Goal.extension') + 4)).toEqual(['Goal.extension', 'Goal.extension:a', 'Goal.extension:b', 'Goal.modifierExtension']);
  });

  it('refuses an element the base does not have', () => {
    expect(() => snapshotOf(differential([{ id: 'Goal.colour', path: 'Goal.colour', min: 1 }]), core)).toThrow(/No element Goal\.colour|Cannot unfold/);
  });
});
