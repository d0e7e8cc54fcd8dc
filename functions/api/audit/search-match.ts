/**
 * The in-memory part of an AuditEvent search: `agent`, `entity` and `outcome`. The client and
 * `date` are applied by the key condition of the Query (partition and `recorded` range).
 *
 * @see https://hl7.org/fhir/R4/search.html#reference
 */
import type { AuditEvent, Reference } from 'fhir/r4.js';
import type { AuditSearch, ReferenceCriterion } from './search-request.js';

const VERSIONED = /^(.*)\/_history\/([^/]+)$/;

/** Whether `reference` (an `agent.who` or `entity.what`) is what `criterion` names. */
export function referenceMatches(reference: Reference | undefined, criterion: ReferenceCriterion): boolean {
  if (criterion.kind === 'identifier') {
    const identifier = reference?.identifier;
    if (identifier?.value !== criterion.value) return false;
    if (criterion.system === undefined) return true;
    return criterion.system === '' ? !identifier.system : identifier.system === criterion.system;
  }
  const literal = reference?.reference;
  if (literal === undefined) return false;
  // A stored `CarePlan/1/_history/2` is CarePlan/1 for an unversioned criterion.
  const [, base = literal, version] = VERSIONED.exec(literal) ?? [];
  if (criterion.kind === 'url') return base === criterion.url;
  const tail = criterion.type !== undefined ? `${criterion.type}/${criterion.id}` : criterion.id;
  const same = base === tail || base.endsWith(`/${tail}`);
  return same && (criterion.version === undefined || version === criterion.version);
}

/** The predicate of `search`'s in-memory criteria (each group ORed, groups ANDed), or undefined when it has none. */
export function auditFilter(search: AuditSearch): ((event: AuditEvent) => boolean) | undefined {
  const { agent, entity, outcome } = search;
  if (agent.length === 0 && entity.length === 0 && outcome.length === 0) return undefined;
  return (event) =>
    agent.every((any) => any.some((criterion) => (event.agent ?? []).some((a) => referenceMatches(a.who, criterion)))) &&
    entity.every((any) => any.some((criterion) => (event.entity ?? []).some((e) => referenceMatches(e.what, criterion)))) &&
    outcome.every((any) => any.includes(event.outcome ?? ''));
}
