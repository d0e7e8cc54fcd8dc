/**
 * Validation of incoming FHIR R4 resources at the edge of the API: structure, cardinality,
 * primitive formats, required code bindings and invariants, reported as OperationOutcome issues
 * with FHIRPath expressions.
 *
 * The schemas are generated from the official R4 definitions (`npm run generate:schemas`);
 * invariants that need more than one element live in `./invariants.ts`, and the narrative XHTML
 * checks (txt-1, txt-2) in `./xhtml.ts`.
 *
 * @see https://hl7.org/fhir/R4/validation.html
 * @see https://hl7.org/fhir/R4/http.html#create (400 for structure errors, 422 for rule failures)
 */
import type { CarePlan, CareTeam, Consent, Goal } from 'fhir/r4.js';
import type { z } from 'zod';
import { isJsonNumber } from '../functions/shared/fhir-json.js';
import type { Issue, IssueCode } from '../functions/shared/operation-outcome.js';
import { CarePlanSchema } from './generated/care-plan.js';
import { CareTeamSchema } from './generated/care-team.js';
import { ConsentSchema } from './generated/consent.js';
import { GoalSchema } from './generated/goal.js';
import { documentInvariants } from './invariants.js';

export type SupportedResourceType = 'CarePlan' | 'CareTeam' | 'Consent' | 'Goal';

/** The resource types this API stores and validates in full. */
export const SUPPORTED_RESOURCE_TYPES: readonly SupportedResourceType[] = ['CarePlan', 'CareTeam', 'Consent', 'Goal'];

export type ValidationResult<T> = { ok: true; resource: T } | { ok: false; status: 400 | 422; issues: Issue[] };

interface ResourceTypes {
  CarePlan: CarePlan;
  CareTeam: CareTeam;
  Consent: Consent;
  Goal: Goal;
}

/**
 * The generated types are exact R4 and assignable to `fhir/r4`'s except in one point: FHIR JSON
 * allows `null` inside `_element` arrays of repeating primitives, which @types/fhir does not model.
 * The validated resource is handed out with the `fhir/r4` types the rest of the code uses.
 */
const SCHEMAS: { readonly [K in SupportedResourceType]: z.ZodType<unknown> } = {
  CarePlan: CarePlanSchema,
  CareTeam: CareTeamSchema,
  Consent: ConsentSchema,
  Goal: GoalSchema,
};

const MAX_ISSUES = 50;
/** Far beyond any real resource; keeps recursive validation off the stack limit. */
const MAX_DEPTH = 100;
const MAX_NODES = 200_000;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Renders a validation path as FHIRPath: `toFhirPath('CarePlan', ['activity', 0, 'detail', 'status'])`
 * is `CarePlan.activity[0].detail.status`. A primitive's `_name` sibling maps to `name`; names that
 * are not FHIRPath identifiers are quoted with backticks.
 * @see https://hl7.org/fhirpath/N1/#paths-and-polymorphic-items
 */
export function toFhirPath(resourceType: string, path: readonly (string | number)[]): string {
  return path.reduce<string>((out, segment) => {
    if (typeof segment === 'number') return `${out}[${segment}]`;
    const name = /^_[A-Za-z]/.test(segment) ? segment.slice(1) : segment;
    return /^[A-Za-z_][A-Za-z0-9_]*(\[x\])?$/.test(name) ? `${out}.${name}` : `${out}.\`${name.replace(/[`\\]/g, '\\$&')}\``;
  }, resourceType);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (isJsonNumber(value)) return `the number ${value.text.length > 40 ? `${value.text.slice(0, 37)}...` : value.text}`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' ? `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}` : `the ${typeof value} ${String(value)}`;
}

/** The value at `path` in the raw body, or `missing` when an element on the way is absent. */
function valueAt(body: unknown, path: readonly (string | number)[]): { missing: true } | { missing: false; value: unknown } {
  let node: unknown = body;
  for (const segment of path) {
    if ((typeof node !== 'object' || node === null) || !Object.prototype.hasOwnProperty.call(node, segment)) return { missing: true };
    node = Object.getOwnPropertyDescriptor(node, segment)?.value;
  }
  return { missing: false, value: node };
}

const FHIR_CODES: ReadonlySet<string> = new Set<IssueCode>(['structure', 'required', 'value', 'code-invalid', 'invariant']);

/** Maps one zod issue to OperationOutcome issues (an unknown-keys issue names each key). */
function toIssues(resourceType: string, body: unknown, issue: z.core.$ZodIssue): Issue[] {
  const path = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
  const at = (p: readonly (string | number)[]): readonly string[] => [toFhirPath(resourceType, p)];
  const name = String([...path].reverse().find((segment) => typeof segment === 'string') ?? resourceType);
  const found = valueAt(body, path);
  const value = found.missing ? undefined : found.value;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ code: 'structure', diagnostics: `Unknown element '${key}'`, expression: at([...path, key]) }));
    case 'invalid_type':
      if (found.missing) return [{ code: 'required', diagnostics: `Missing required element '${name}'`, expression: at(path) }];
      // Only a caller that parsed with JSON.parse can pass Infinity (it reads 1e400 so); the API's own parser keeps the text.
      if (issue.expected === 'number' && typeof value === 'number' && !Number.isFinite(value)) {
        return [{ code: 'value', diagnostics: `Invalid number for '${name}': beyond ±${Number.MAX_VALUE} (FHIR numbers stay within the range of xs:double)`, expression: at(path) }];
      }
      return [{ code: 'structure', diagnostics: `Invalid type for '${name}': expected ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}, got ${describe(value)}`, expression: at(path) }];
    case 'invalid_value':
      if (found.missing) return [{ code: 'required', diagnostics: `Missing required element '${name}'`, expression: at(path) }];
      if (typeof value !== 'string') {
        return [{ code: 'structure', diagnostics: `Invalid type for '${name}': expected a code string, got ${describe(value)}`, expression: at(path) }];
      }
      return [{ code: 'code-invalid', diagnostics: `Invalid code '${value}': expected one of ${issue.values.map(String).join(', ')}`, expression: at(path) }];
    case 'too_small':
      if (issue.origin === 'array') {
        return [{ code: 'value', diagnostics: `Element '${name}' must not be an empty array (omit it instead)`, expression: at(path) }];
      }
      return [{ code: 'value', diagnostics: issue.message, expression: at(path) }];
    case 'custom': {
      const code = issue.params?.['fhirCode'];
      return [{ code: typeof code === 'string' && FHIR_CODES.has(code) ? (code as IssueCode) : 'value', diagnostics: issue.message, expression: at(path) }];
    }
    case 'too_big':
    case 'invalid_format':
      return [{ code: 'value', diagnostics: issue.message, expression: at(path) }];
    default:
      return [{ code: 'structure', diagnostics: issue.message, expression: at(path) }];
  }
}

/** Rejects bodies too deep or too large to validate safely (also guards against cyclic objects). */
function sizeProblem(body: unknown): string | undefined {
  const stack: [unknown, number][] = [[body, 1]];
  let nodes = 0;
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, depth] = item;
    if (++nodes > MAX_NODES) return `Resource too large: more than ${MAX_NODES} JSON values`;
    if (depth > MAX_DEPTH) return `Resource nested too deeply: more than ${MAX_DEPTH} levels`;
    if (typeof node === 'object' && node !== null) for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return undefined;
}

function failure<T>(issues: Issue[]): ValidationResult<T> {
  const status = issues.length > 0 && issues.every((issue) => issue.code === 'invariant') ? 422 : 400;
  const ordered = [...issues].sort((a, b) => Number(a.code === 'invariant') - Number(b.code === 'invariant'));
  const shown = ordered.slice(0, MAX_ISSUES);
  if (ordered.length > MAX_ISSUES) {
    shown.push({ severity: 'information', code: 'informational', diagnostics: `${ordered.length - MAX_ISSUES} further issues not shown` });
  }
  return { ok: false, status, issues: shown };
}

function validate<T extends SupportedResourceType>(resourceType: T, body: unknown): ValidationResult<ResourceTypes[T]> {
  if (!isRecord(body) || body['resourceType'] !== resourceType) {
    const type = isRecord(body) ? body['resourceType'] : undefined;
    const got = !isRecord(body) ? describe(body) : type === undefined ? 'an object without resourceType' : `resourceType ${typeof type === 'string' ? `'${type}'` : describe(type)}`;
    return failure([{ code: 'structure', diagnostics: `Expected a JSON object with resourceType '${resourceType}', got ${got}`, expression: ['resourceType'] }]);
  }
  const problem = sizeProblem(body);
  if (problem) return failure([{ code: 'structure', diagnostics: problem, expression: [resourceType] }]);

  const result = SCHEMAS[resourceType].safeParse(body);
  const issues = (result.error?.issues ?? []).flatMap((issue) => toIssues(resourceType, body, issue));
  for (const violation of documentInvariants(body)) {
    issues.push({ code: 'invariant', diagnostics: `${violation.key}: ${violation.message}`, expression: [toFhirPath(resourceType, violation.path)] });
  }
  if (issues.length > 0 || !result.success) return failure(issues);
  return { ok: true, resource: result.data as ResourceTypes[T] };
}

/**
 * Validates a request body as a FHIR R4 resource of `resourceType`. Never throws.
 *
 * Returns the typed resource, or every issue found (at most 50) with status 400 when any is a
 * structure, required, value or code-invalid problem, and 422 when all are invariant failures.
 * @see https://hl7.org/fhir/R4/http.html#create
 */
export function validateResource<T extends SupportedResourceType>(resourceType: T, body: unknown): ValidationResult<ResourceTypes[T]> {
  try {
    return validate(resourceType, body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return failure([{ code: 'structure', diagnostics: `The resource could not be validated: ${reason}`, expression: [resourceType] }]);
  }
}
