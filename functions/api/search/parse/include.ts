/**
 * `_include=Source:param[:Target]` and `_revinclude=Source:param[:Target]`.
 *
 * @see https://hl7.org/fhir/R4/search.html#include
 */
import type { SupportedResourceType } from '../../../../schemas/index.js';
import { badRequest } from '../../../shared/errors.js';
import type { IncludeSpec } from '../types.js';
import { allowsTarget, isResourceType, isSupportedType, lookup } from './registry.js';

/**
 * Parses one `_include` / `_revinclude` value. Without `:iterate`, `_include` must start from
 * the searched type and a `_revinclude` parameter must be able to point at the searched type
 * (so its Target, if given, is the searched type); with `:iterate` they apply to included
 * resources, whose type can be any of this server's. Wildcards (`*`) are not supported.
 */
export function parseInclude(
  resourceType: SupportedResourceType,
  kind: '_include' | '_revinclude',
  raw: string,
  iterate: boolean,
  name: string,
): IncludeSpec {
  const parts = raw.split(':');
  if (parts.includes('*')) throw badRequest(`wildcard ${kind} '${raw}' is not supported`, name, 'not-supported');
  const [source = '', code = '', target] = parts;
  if (parts.length < 2 || parts.length > 3) throw badRequest(`${kind} '${raw}' must be Source:param or Source:param:Target`, name, 'value');
  if (!isSupportedType(source)) throw badRequest(`${kind} source '${source}' is not a resource type of this server`, name, 'value');
  if (kind === '_include' && !iterate && source !== resourceType) throw badRequest(`_include must start from ${resourceType}, not '${source}'`, name, 'value');
  const param = lookup(source, code);
  if (param?.type !== 'reference') throw badRequest(`'${code}' is not a reference parameter of ${source}`, name, 'value');
  if (param.throughCareTeam) throw badRequest(`${source}:${code} is found through the plan's care team and cannot be included; include ${source}:care-team instead`, name, 'not-supported');
  if (target !== undefined && !isResourceType(target)) throw badRequest(`${kind} target '${target}' is not a FHIR resource type`, name, 'value');
  if (target !== undefined && !allowsTarget(param, target)) throw badRequest(`${source}:${code} cannot refer to ${target}`, name, 'value');
  if (kind === '_revinclude' && !iterate && (!allowsTarget(param, resourceType) || (target !== undefined && target !== resourceType))) {
    throw badRequest(`${source}:${code} cannot refer to ${resourceType}, so it cannot be reverse-included`, name, 'value');
  }
  return { sourceType: source, param, ...(target !== undefined ? { targetType: target } : {}), iterate };
}
