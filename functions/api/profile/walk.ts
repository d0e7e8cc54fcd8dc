/**
 * Walks a resource along the steps of an `ElementDefinition.id` (`CareTeam.participant.role`),
 * expanding arrays, choice elements (`scheduled[x]`) and extension slices
 * (`extension:nextReview`), and names every value it reaches in FHIRPath. Not a FHIRPath
 * engine: only the element paths a differential can name.
 *
 * @see https://hl7.org/fhir/R4/elementdefinition.html#id
 */
import type { Located } from './types.js';

/** One step of an element id. */
export interface Step {
  /** The element name without `[x]` and slice name (`scheduled`, `extension`). */
  readonly name: string;
  /** True for a choice element (`value[x]`): any `value<Type>` property. */
  readonly choice: boolean;
  /** For an extension slice: the URL of the extension it holds. */
  readonly extensionUrl?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** How a step is written in FHIRPath: `scheduled` for `scheduled[x]`, `extension('<url>')` for a slice. */
export function stepPath(step: Step): string {
  return step.extensionUrl === undefined ? step.name : `${step.name}('${step.extensionUrl}')`;
}

/** The properties of `record` a step reads. */
function keysOf(record: Record<string, unknown>, step: Step): string[] {
  if (!step.choice) return [step.name];
  return Object.keys(record).filter((key) => key.length > step.name.length && key.startsWith(step.name) && /^[A-Z]/.test(key.slice(step.name.length)));
}

/** The values one step below `node` (none when `node` is no object). */
export function childrenOf(node: Located, step: Step): Located[] {
  if (!isRecord(node.value)) return [];
  const out: Located[] = [];
  for (const key of keysOf(node.value, step)) {
    const value = node.value[key];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) {
      out.push({ value, at: `${node.at}.${step.name}`, key });
      continue;
    }
    value.forEach((item: unknown, index) => {
      if (item === null || item === undefined) return;
      if (step.extensionUrl !== undefined && (!isRecord(item) || item.url !== step.extensionUrl)) return;
      out.push({ value: item, at: `${node.at}.${step.name}[${index}]`, key });
    });
  }
  return out;
}

/** Every value at `steps` below `root`. */
export function select(root: Located, steps: readonly Step[]): Located[] {
  return steps.reduce<Located[]>((nodes, step) => nodes.flatMap((node) => childrenOf(node, step)), [root]);
}
