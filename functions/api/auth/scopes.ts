/**
 * SMART system scopes: parsing the granted scopes of an access token (v2 `cruds` and v1
 * `read`/`write`/`*` syntax) and checking an operation against them.
 *
 * Only `system/` scopes grant anything here: this is a Backend Services API. `user/` and
 * `patient/` scopes, v2 granular scopes with `?` search parameters (a narrower grant than this
 * server can enforce), malformed scopes and other words (`openid`, `launch`) are ignored.
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */
import type { ScopeOperation, SmartScope } from '../access/types.js';

/** The v2 permission letters in their only allowed order. */
const CRUDS: readonly ScopeOperation[] = ['c', 'r', 'u', 'd', 's'];

/** SMART v1 permission words and their v2 equivalents. */
const V1_PERMISSIONS: Readonly<Record<string, readonly ScopeOperation[]>> = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': CRUDS,
};

const SYSTEM_SCOPE = /^system\/(\*|[A-Z][A-Za-z]*)\.([a-z*]+)$/;

/** The operations of a v2 permission string, or undefined unless it is a subsequence of `cruds`. */
function v2Operations(letters: string): ScopeOperation[] | undefined {
  const operations: ScopeOperation[] = [];
  let next = 0;
  for (const letter of letters) {
    const at = CRUDS.indexOf(letter as ScopeOperation, next);
    if (at < 0) return undefined;
    operations.push(CRUDS[at] as ScopeOperation);
    next = at + 1;
  }
  return operations;
}

/** One scope string as a grant, or undefined when it grants nothing here. */
function parseOne(scope: string): SmartScope | undefined {
  const match = SYSTEM_SCOPE.exec(scope);
  if (!match) return undefined;
  const [, resourceType = '', permissions = ''] = match;
  const operations = V1_PERMISSIONS[permissions] ?? v2Operations(permissions);
  return operations ? { resourceType, operations: new Set(operations) } : undefined;
}

/**
 * The system scopes granted by a `scope` claim (space separated) or `scp` claim (array),
 * merged per resource type in order of first appearance.
 */
export function parseScopes(scope: string | readonly string[] | undefined): SmartScope[] {
  const words = (typeof scope === 'string' ? [scope] : (scope ?? [])).flatMap((entry) => entry.split(/\s+/)).filter((word) => word !== '');
  const merged = new Map<string, Set<ScopeOperation>>();
  for (const word of words) {
    const grant = parseOne(word);
    if (!grant) continue;
    const operations = merged.get(grant.resourceType) ?? new Set<ScopeOperation>();
    for (const operation of grant.operations) operations.add(operation);
    merged.set(grant.resourceType, operations);
  }
  return [...merged].map(([resourceType, operations]) => ({ resourceType, operations }));
}

/** Whether any granted scope allows `operation` on `resourceType` (directly or through `*`). */
export function scopeAllows(scopes: readonly SmartScope[], resourceType: string, operation: ScopeOperation): boolean {
  return scopes.some((scope) => (scope.resourceType === resourceType || scope.resourceType === '*') && scope.operations.has(operation));
}

/** The narrowest v2 scope that allows `operation` on `resourceType`, e.g. `system/CarePlan.r`. */
export function requiredScope(resourceType: string, operation: ScopeOperation): string {
  return `system/${resourceType}.${operation}`;
}

/**
 * The scope needed, for error messages: the v2 scope and its v1 equivalent, e.g.
 * `system/CarePlan.r (SMART v1: system/CarePlan.read)`.
 */
export function describeRequiredScope(resourceType: string, operation: ScopeOperation): string {
  const v1 = operation === 'r' || operation === 's' ? 'read' : 'write';
  return `${requiredScope(resourceType, operation)} (SMART v1: system/${resourceType}.${v1})`;
}
