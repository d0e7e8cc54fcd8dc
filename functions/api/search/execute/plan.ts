/**
 * Chooses how a search reads DynamoDB: the most selective anchor the criteria allow, always a
 * Query or GetItem. Every criterion is still applied afterwards by the matcher, so an anchor
 * only has to return a superset of the matches.
 */
import type { ReferenceValue } from '../types.js';
import type { Criterion, CriterionValue, SearchRequest } from '../types.js';
import type { TypeWalk } from '../../repository/search-store.js';
import { KEY_VALUE_MAX_BYTES, utf8Bytes } from '../../repository/key-limits.js';
import { badRequest } from '../../../shared/errors.js';
import { ANCHORED_PARAMETERS, identifierKey, referenceKeys } from '../../services/index-entries.js';

/** Where the candidates of a search come from. */
export type SourcePlan =
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | { readonly kind: 'identifiers'; readonly identifiers: readonly string[] }
  | { readonly kind: 'anchors'; readonly anchors: readonly string[] }
  | { readonly kind: 'walks'; readonly walks: readonly TypeWalk[] };

const HETU = 'urn:oid:1.2.246.21';

type ReferenceCriterionValue = Extract<CriterionValue, { kind: 'reference' }>;

function plain(criterion: Criterion): boolean {
  return criterion.modifier === undefined && criterion.values.every((value) => value.kind !== 'missing');
}

function idsPlan(criteria: readonly Criterion[]): SourcePlan | undefined {
  const byId = criteria.find((c) => c.param.code === '_id' && plain(c));
  if (!byId) return undefined;
  const ids = byId.values.flatMap((value) => (value.kind === 'token' && value.code ? [value.code] : []));
  return ids.length === byId.values.length ? { kind: 'ids', ids } : undefined;
}

function identifierPlan(criteria: readonly Criterion[]): SourcePlan | undefined {
  const byIdentifier = criteria.find((c) => c.param.code === 'identifier' && plain(c));
  if (!byIdentifier) return undefined;
  const identifiers: string[] = [];
  for (const value of byIdentifier.values) {
    // Only identifiers with a system and value are held unique: any other walks the type.
    const key = value.kind === 'token' ? identifierKey(value) : undefined;
    if (key === undefined) return undefined;
    identifiers.push(key);
  }
  return { kind: 'identifiers', identifiers };
}

/** A patient-index walk for one value of `patient`/`subject`, or undefined if it cannot use one. */
function patientWalk(code: string, value: ReferenceCriterionValue, viaIdentifier: boolean): TypeWalk | undefined {
  if (viaIdentifier) {
    const identifier = value.identifier;
    if (!identifier?.value || identifier.system === undefined) return undefined;
    // `subject` may also be a Group; only identity codes are known to be patients.
    if (code === 'subject' && identifier.system !== HETU) return undefined;
    return { kind: 'patientIdentifier', value: `${identifier.system}|${identifier.value}` };
  }
  if (!value.id || value.url !== undefined) return undefined;
  if (value.type === 'Patient' || (code === 'patient' && value.type === undefined)) return { kind: 'patientRef', value: `Patient/${value.id}` };
  return undefined;
}

function patientPlan(criteria: readonly Criterion[]): SourcePlan | undefined {
  for (const criterion of criteria) {
    if (criterion.param.code !== 'patient' && criterion.param.code !== 'subject') continue;
    const viaIdentifier = criterion.modifier === 'identifier';
    if (criterion.modifier !== undefined && !viaIdentifier) continue;
    if (criterion.targetType !== undefined && criterion.targetType !== 'Patient') continue;
    const walks = criterion.values.map((value) => (value.kind === 'reference' ? patientWalk(criterion.param.code, value, viaIdentifier) : undefined));
    if (walks.every((walk): walk is TypeWalk => walk !== undefined)) return { kind: 'walks', walks };
  }
  return undefined;
}

function anchorPlan(resourceType: string, criteria: readonly Criterion[]): SourcePlan | undefined {
  const anchored = ANCHORED_PARAMETERS[resourceType] ?? [];
  for (const criterion of criteria) {
    if (!anchored.includes(criterion.param.code)) continue;
    if (criterion.modifier !== undefined && criterion.modifier !== 'identifier') continue;
    const anchors: string[] = [];
    for (const value of criterion.values) {
      if (value.kind !== 'reference') return undefined;
      const type = value.type ?? criterion.targetType;
      const reference: ReferenceValue =
        criterion.modifier === 'identifier'
          ? { ...(value.identifier ? { identifier: value.identifier } : {}) }
          : value.url !== undefined
            ? { url: value.url }
            : { ...(type ? { type } : {}), ...(value.id ? { id: value.id } : {}) };
      if (criterion.modifier === 'identifier' && value.identifier?.system === undefined) return undefined;
      const keys = referenceKeys(reference);
      if (keys.length === 0 || (criterion.modifier !== 'identifier' && value.url === undefined && !type)) return undefined;
      anchors.push(...keys.map((key) => `${criterion.param.code}=${key}`));
    }
    if (anchors.length > 0) return { kind: 'anchors', anchors };
  }
  return undefined;
}

function lastUpdatedWalk(request: SearchRequest): TypeWalk {
  const sortByUpdated = request.sort.length === 1 && request.sort[0]?.param.code === '_lastUpdated';
  const criterion = request.criteria.find((c) => c.param.code === '_lastUpdated' && c.modifier === undefined && c.values.length === 1);
  const value = criterion?.values[0];
  let low: string | undefined;
  let high: string | undefined;
  if (value?.kind === 'date') {
    // Conservative key bounds; the matcher applies the exact prefix semantics afterwards.
    if (['eq', 'ge', 'gt', 'sa', 'ap'].includes(value.prefix) && value.prefix !== 'ap') low = value.low;
    if (['eq', 'le', 'lt', 'eb'].includes(value.prefix)) high = `${value.high}~`;
  }
  return { kind: 'lastUpdated', ...(low ? { low } : {}), ...(high ? { high } : {}), descending: sortByUpdated ? (request.sort[0]?.descending ?? false) : false };
}

/** UTF-8 bytes of the part of a value a plan may turn into a key: an identifier, a reference or an id. */
function keyBytes(criterion: Criterion, value: CriterionValue): number {
  if (value.kind === 'reference') return Math.max(utf8Bytes(value.identifier?.system, value.identifier?.value), utf8Bytes(value.url), utf8Bytes(value.type, '/', value.id));
  if (value.kind === 'token' && (criterion.param.code === 'identifier' || criterion.param.code === '_id')) return utf8Bytes(value.system, value.code);
  return 0;
}

/** Refuses (400) a value too long to look up by key (see `repository/key-limits.ts`), naming its parameter. */
function assertKeyable(criteria: readonly Criterion[]): void {
  for (const criterion of criteria) {
    const bytes = Math.max(0, ...criterion.values.map((value) => keyBytes(criterion, value)));
    if (bytes <= KEY_VALUE_MAX_BYTES) continue;
    const name = `${criterion.param.code}${criterion.modifier ? `:${criterion.modifier}` : ''}`;
    throw badRequest(
      `A value of ${name} is ${bytes} bytes of UTF-8; identifiers, references and ids are searchable up to ${KEY_VALUE_MAX_BYTES} bytes (no stored resource holds a longer one)`,
      name,
      'too-long',
    );
  }
}

/** The plan for a request; 400 when a value is too long to be a key. */
export function planSearch(request: SearchRequest): SourcePlan {
  const { criteria } = request;
  assertKeyable(criteria);
  const plan = idsPlan(criteria) ?? identifierPlan(criteria) ?? patientPlan(criteria) ?? anchorPlan(request.resourceType, criteria);
  if (plan) return plan;
  const usesUpdated = criteria.some((c) => c.param.code === '_lastUpdated' && c.modifier === undefined) || (request.sort.length === 1 && request.sort[0]?.param.code === '_lastUpdated');
  return { kind: 'walks', walks: [usesUpdated ? lastUpdatedWalk(request) : { kind: 'all' }] };
}
