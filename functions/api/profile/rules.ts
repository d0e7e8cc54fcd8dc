/**
 * The checks of a profile, generated from its differential: one rule per constraint of each
 * element — `min`, `max`, `type` (reference targets, extension profiles, choice types),
 * required `binding`, `fixed[x]`, `pattern[x]` — plus each `constraint` (invariant), whose check
 * is hand-written beside the StructureDefinition. A constraint the generator cannot check
 * throws at module load, so no rule of a served profile goes unenforced.
 *
 * @see https://hl7.org/fhir/R4/profiling.html
 * @see https://hl7.org/fhir/R4/terminologies.html#strength
 */
import { isDeepStrictEqual } from 'node:util';
import type { ElementDefinition, StructureDefinition } from 'fhir/r4.js';
import type { InvariantCheck, Located, ProfileRule, RuleContext, Violation } from './types.js';
import { childrenOf, select, stepPath, type Step } from './walk.js';
import { codingKey, isRecord, matchesPattern, referencedTypes } from './values.js';

/** What the generated rules need beyond the differential. */
export interface RuleSupport {
  /** Hand-written checks of the profile's invariants, by constraint key. */
  readonly invariants: Readonly<Record<string, InvariantCheck>>;
  /** The id and rules of an extension this API defines, by URL. */
  extension(url: string): { readonly id: string; readonly rules: readonly ProfileRule[] } | undefined;
  /** The codes (`system|code`) of a value set this API defines, by URL. */
  valueSet(url: string): ReadonlySet<string> | undefined;
}

const typeName = (url: string): string => url.slice(url.lastIndexOf('/') + 1);

/** The walk from the root to an element: `CarePlan.activity.detail.scheduled[x]` → activity, detail, scheduled (choice). */
function stepsOf(element: ElementDefinition, profile: string): Step[] {
  const segments = (element.id ?? element.path).split('.').slice(1);
  return segments.map((segment, index): Step => {
    const [name = '', slice] = segment.split(':');
    if (slice === undefined) return name.endsWith('[x]') ? { name: name.slice(0, -3), choice: true } : { name, choice: false };
    const url = element.type?.[0]?.profile?.[0];
    if (name !== 'extension' || index !== segments.length - 1 || url === undefined) {
      throw new Error(`${profile}: ${element.id}: only extension slices with a profile are supported, as the last step`);
    }
    return { name, choice: false, extensionUrl: url };
  });
}

function describeTypes(element: ElementDefinition): string {
  return (element.type ?? [])
    .map((type) => {
      if (type.targetProfile) return `${type.code}(${type.targetProfile.map(typeName).join(' | ')})`;
      if (type.profile) return `${type.code}(${type.profile.join(' | ')})`;
      return type.code;
    })
    .join(' | ');
}

/** The rule's statement, with the element's short description as the reason. */
const statementOf = (rule: string, element: ElementDefinition): string => (element.short ? `${rule} (${element.short})` : rule);

interface Built {
  readonly profile: string;
  readonly element: ElementDefinition;
  readonly steps: readonly Step[];
}

function cardinalityRules(built: Built): ProfileRule[] {
  const { element, steps, profile } = built;
  const rules: ProfileRule[] = [];
  const min = element.min ?? 0;
  const max = element.max ?? '*';
  if (min === 0 && max === '*') return rules;
  const last = steps[steps.length - 1];
  if (last === undefined) throw new Error(`${profile}: cardinality on the root element ${element.id} is not supported`);
  const parents = steps.slice(0, -1);
  const counted = (root: Located): { at: string; count: number }[] =>
    select(root, parents).map((parent) => ({ at: `${parent.at}.${stepPath(last)}`, count: childrenOf(parent, last).length }));
  if (min > 0) {
    rules.push({
      element: element.id ?? element.path,
      kind: 'min',
      statement: statementOf(`min ${min}`, element),
      code: 'required',
      check: (root) => counted(root).filter(({ count }) => count < min).map(({ at, count }) => ({ expression: at, detail: count === 0 ? 'missing' : `${count} present` })),
    });
  }
  if (max !== '*') {
    const limit = Number(max);
    rules.push({
      element: element.id ?? element.path,
      kind: 'max',
      statement: statementOf(`max ${max}`, element),
      code: 'structure',
      check: (root) => counted(root).filter(({ count }) => count > limit).map(({ at, count }) => ({ expression: at, detail: `${count} present` })),
    });
  }
  return rules;
}

/** The checks of each value an element holds: `check(node)` returns the violations in one. */
function perValue(built: Built, kind: ProfileRule['kind'], statement: string, code: ProfileRule['code'], check: (node: Located, context: RuleContext) => Violation[]): ProfileRule {
  return {
    element: built.element.id ?? built.element.path,
    kind,
    statement: statementOf(statement, built.element),
    code,
    check: (root, context) => select(root, built.steps).flatMap((node) => check(node, context)),
  };
}

function valueRules(built: Built): ProfileRule[] {
  const rules: ProfileRule[] = [];
  for (const [name, expected] of Object.entries(built.element)) {
    const kind = name.startsWith('fixed') ? 'fixed' : name.startsWith('pattern') ? 'pattern' : undefined;
    if (kind === undefined) continue;
    const matches = kind === 'fixed' ? (value: unknown): boolean => isDeepStrictEqual(value, expected) : (value: unknown): boolean => matchesPattern(value, expected);
    rules.push(
      perValue(built, kind, `${kind} ${JSON.stringify(expected)}`, 'value', (node) =>
        matches(node.value) ? [] : [{ expression: node.at, detail: `is ${JSON.stringify(node.value)}` }],
      ),
    );
  }
  return rules;
}

function bindingRule(built: Built, support: RuleSupport): ProfileRule[] {
  const { binding } = built.element;
  if (binding === undefined) return [];
  const codes = binding.valueSet === undefined ? undefined : support.valueSet(binding.valueSet);
  if (binding.strength !== 'required' || codes === undefined) {
    throw new Error(`${built.profile}: ${built.element.id}: only required bindings to this API's value sets are enforced`);
  }
  const systems = new Set([...codes].map((key) => key.slice(0, key.lastIndexOf('|'))));
  // A string is a code only where the element may be one; elsewhere the type rule reports it.
  const types = built.element.type ?? [];
  const mayBeCode = types.length === 0 || types.some((type) => type.code === 'code');
  const check = (node: Located): Violation[] => {
    const value = node.value;
    if (typeof value === 'string') {
      if (!mayBeCode) return [];
      return [...codes].some((key) => key.endsWith(`|${value}`)) ? [] : [{ expression: node.at, detail: `code '${value}' is not in the value set` }];
    }
    if (!isRecord(value) || !Array.isArray(value.coding)) {
      const key = codingKey(value);
      return key !== undefined && codes.has(key) ? [] : [{ expression: node.at, detail: `${key === undefined ? 'a coding without system and code' : `code '${key}'`} is not in the value set` }];
    }
    // A CodeableConcept: one coding from the value set is enough; a code of its system that the value set lacks is an error anyway.
    const codings: unknown[] = value.coding;
    const violations: Violation[] = [];
    codings.forEach((coding, index) => {
      const key = codingKey(coding);
      if (key !== undefined && isRecord(coding) && systems.has(String(coding.system)) && !codes.has(key)) {
        violations.push({ expression: `${node.at}.coding[${index}]`, detail: `code '${key}' is not in the value set` });
      }
    });
    if (!codings.some((coding) => codes.has(codingKey(coding) ?? ''))) violations.push({ expression: node.at, detail: 'has no coding from the value set' });
    return violations;
  };
  return [perValue(built, 'binding', `required binding to ${binding.valueSet}`, 'code-invalid', check)];
}

function typeRule(built: Built, support: RuleSupport): ProfileRule[] {
  const types = built.element.type;
  if (types === undefined) return [];
  const statement = `type ${describeTypes(built.element)}`;
  const targets = types.flatMap((type) => (type.code === 'Reference' ? (type.targetProfile ?? []).map(typeName) : []));
  if (types.every((type) => type.code === 'Reference') && targets.length > 0) {
    return [
      perValue(built, 'type', statement, 'structure', (node) => {
        const wrong = referencedTypes(node.value).filter((type) => !targets.includes(type));
        return wrong.length === 0 ? [] : [{ expression: node.at, detail: `refers to ${wrong.join(' and ')}` }];
      }),
    ];
  }
  const profiles = types.flatMap((type) => (type.code === 'Extension' ? (type.profile ?? []) : []));
  const extension = profiles.length === 1 && types.length === 1 ? support.extension(profiles[0] ?? '') : undefined;
  if (extension !== undefined) {
    return [
      perValue(built, 'type', statement, 'structure', (node, context) =>
        extension.rules.flatMap((rule) =>
          rule.check(node, context).map((found) => ({ expression: found.expression, detail: `${extension.id} ${rule.element} ${rule.statement}: ${found.detail}` })),
        ),
      ),
    ];
  }
  const last = built.steps[built.steps.length - 1];
  if (last?.choice && types.every((type) => type.profile === undefined && type.targetProfile === undefined)) {
    const allowed = types.map((type) => `${last.name}${type.code.charAt(0).toUpperCase()}${type.code.slice(1)}`);
    return [
      perValue(built, 'type', statement, 'structure', (node) =>
        node.key !== undefined && !allowed.includes(node.key) ? [{ expression: node.at, detail: `is ${node.key}, expected ${allowed.join(' or ')}` }] : [],
      ),
    ];
  }
  throw new Error(`${built.profile}: ${built.element.id}: type constraint ${statement} is not supported`);
}

function invariantRules(built: Built, support: RuleSupport): ProfileRule[] {
  return (built.element.constraint ?? []).map((constraint) => {
    const check = support.invariants[constraint.key];
    if (check === undefined) throw new Error(`${built.profile}: invariant ${constraint.key} on ${built.element.id} has no check`);
    return {
      element: built.element.id ?? built.element.path,
      kind: 'invariant',
      key: constraint.key,
      statement: `${constraint.key}: ${constraint.human}`,
      code: 'invariant',
      check: (root, context) => select(root, built.steps).flatMap((node) => check(node, context)),
    };
  });
}

/**
 * The rules of a profile or extension, in differential order. Extension rules check an
 * extension instance; the context of an extension's rules is never read.
 */
export function rulesOf(definition: StructureDefinition, support: RuleSupport): ProfileRule[] {
  const profile = definition.id ?? definition.url;
  return (definition.differential?.element ?? []).flatMap((element) => {
    const built: Built = { profile, element, steps: stepsOf(element, profile) };
    return [...cardinalityRules(built), ...typeRule(built, support), ...bindingRule(built, support), ...valueRules(built), ...invariantRules(built, support)];
  });
}
