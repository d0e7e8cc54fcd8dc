/**
 * AuditEvent search, parsed: the client's "who saw my data and why". A search must name exactly
 * one client (`patient` or `patient:identifier`), so it reads that client's log and nobody
 * else's; `date`, `agent`, `entity` and `outcome` narrow it. Pure: URL parameters in, plain data out.
 *
 * @see https://hl7.org/fhir/R4/auditevent.html#search
 * @see https://hl7.org/fhir/R4/search.html
 */
import type { CapabilityStatementRestResourceSearchParam } from 'fhir/r4.js';
import { badRequest } from '../../shared/errors.js';
import { CURSOR_PARAM } from '../paging/cursor.js';
import { pageSize } from '../paging/page-size.js';
import { parseDateRange } from '../search/parse/date-range.js';
import { splitUnescaped } from '../search/parse/escapes.js';
import { parseReferenceValue } from '../search/parse/reference-value.js';
import { parseTokenValue } from '../search/parse/token-value.js';

/** The search parameters of AuditEvent this server supports (and lists in its CapabilityStatement). */
export const AUDIT_EVENT_SEARCH_PARAMETERS: readonly CapabilityStatementRestResourceSearchParam[] = [
  {
    name: 'patient',
    type: 'reference',
    definition: 'http://hl7.org/fhir/SearchParameter/AuditEvent-patient',
    documentation: 'Required: the client whose log is searched, `Patient/<id>`, or with `:identifier` e.g. `urn:oid:1.2.246.21|<henkilötunnus>`',
  },
  { name: 'date', type: 'date', definition: 'http://hl7.org/fhir/SearchParameter/AuditEvent-date', documentation: '`recorded`, with prefix eq, ge, gt, le or lt' },
  {
    name: 'agent',
    type: 'reference',
    definition: 'http://hl7.org/fhir/SearchParameter/AuditEvent-agent',
    documentation: '`agent.who`: a reference (e.g. `Practitioner/<id>`), or with `:identifier` the organisation OID or the client id',
  },
  { name: 'entity', type: 'reference', definition: 'http://hl7.org/fhir/SearchParameter/AuditEvent-entity', documentation: '`entity.what`: e.g. `CarePlan/<id>` (any version) or `CarePlan/<id>/_history/<n>`' },
  { name: 'outcome', type: 'token', definition: 'http://hl7.org/fhir/SearchParameter/AuditEvent-outcome', documentation: '0 success, 4 minor failure (e.g. refused), 8 serious failure' },
];

/** What a reference criterion matches in `agent.who` or `entity.what`. */
export type ReferenceCriterion =
  | { readonly kind: 'identifier'; readonly system?: string; readonly value: string }
  /** `Type/id` (type absent: any type), optionally one version. */
  | { readonly kind: 'reference'; readonly type?: string; readonly id: string; readonly version?: string }
  | { readonly kind: 'url'; readonly url: string };

/** A parsed AuditEvent search. Each inner list is ORed (`a,b`), the outer lists ANDed (repeats). */
export interface AuditSearch {
  /** The client: `Patient/<id>` or `<system>|<value>` (the key audit records are filed under). */
  readonly clientKey: string;
  /** Inclusive bounds on `recorded` (UTC ISO instants with ms); absent = open. */
  readonly low?: string;
  readonly high?: string;
  readonly newestFirst: boolean;
  readonly count: number;
  readonly agent: readonly (readonly ReferenceCriterion[])[];
  readonly entity: readonly (readonly ReferenceCriterion[])[];
  /** `AuditEvent.outcome` codes. */
  readonly outcome: readonly (readonly string[])[];
}

const OUTCOME_SYSTEM = 'http://hl7.org/fhir/audit-event-outcome';
const OUTCOMES = new Set(['0', '4', '8', '12']);
const SINGLE = ['patient', 'patient:identifier', '_count', '_sort', CURSOR_PARAM];
const KNOWN = new Set([...SINGLE, 'date', 'agent', 'agent:identifier', 'entity', 'entity:identifier', 'outcome']);
const VERSIONED = /^(.+)\/_history\/([^/]+)$/;
const DATE_PREFIX = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.*)$/;
const SUPPORTED_DATE_PREFIXES = new Set(['eq', 'ge', 'gt', 'le', 'lt']);

function clientKeyOf(params: URLSearchParams): string {
  const byReference = params.get('patient');
  const byIdentifier = params.get('patient:identifier');
  if ((byReference === null) === (byIdentifier === null)) {
    // No Scan and no walk over all clients: the search reads one client's log.
    const diagnostics = `AuditEvent search must name ${byReference === null ? 'the' : 'one'} client: patient=Patient/<id> or patient:identifier=urn:oid:1.2.246.21|<henkilötunnus>${byReference === null ? '' : ', not both'}`;
    throw badRequest(diagnostics, ['patient', 'patient:identifier'], byReference === null ? 'required' : 'invalid');
  }
  const [name, raw] = byReference !== null ? ['patient', byReference] : ['patient:identifier', byIdentifier ?? ''];
  if (splitUnescaped(raw, ',').length > 1) throw badRequest(`${name} names one client; a list is not allowed`, name, 'value');
  const value = parseReferenceValue(raw, byReference !== null ? undefined : 'identifier', 'Patient', name);
  if (value.identifier) {
    if (!value.identifier.system || !value.identifier.value) throw badRequest(`${name} needs system|value, e.g. urn:oid:1.2.246.21|<henkilötunnus>`, name, 'value');
    return `${value.identifier.system}|${value.identifier.value}`;
  }
  if (value.type !== 'Patient' || value.id === undefined) throw badRequest(`${name} must be Patient/<id>, an id or a Patient URL`, name, 'value');
  return `Patient/${value.id}`;
}

/** The instant `ms` milliseconds after (or before) `instant`. */
const shift = (instant: string, ms: number): string => new Date(Date.parse(instant) + ms).toISOString();

/**
 * The `recorded` range all `date` occurrences allow together (ANDed). `recorded` is an instant,
 * so `gt`/`lt` exclude the whole precision of the value, and `eq` keeps within it.
 */
function dateRange(values: readonly string[]): { low?: string; high?: string } {
  const lows: string[] = [];
  const highs: string[] = [];
  for (const raw of values) {
    if (splitUnescaped(raw, ',').length > 1) throw badRequest('date takes one value per occurrence; repeat the parameter to combine bounds', 'date', 'not-supported');
    const [, prefix = 'eq', text = ''] = DATE_PREFIX.exec(raw) ?? [];
    if (!SUPPORTED_DATE_PREFIXES.has(prefix)) throw badRequest(`date prefix '${prefix}' is not supported here; use eq, ge, gt, le or lt`, 'date', 'not-supported');
    const range = parseDateRange(text);
    if (range === undefined) throw badRequest(`'${raw}' is not a valid date search value (YYYY[-MM[-DD[Thh:mm[:ss[.sss]][Z|±hh:mm]]]])`, 'date', 'value');
    if (prefix === 'eq' || prefix === 'ge') lows.push(range.low);
    if (prefix === 'gt') lows.push(shift(range.high, 1));
    if (prefix === 'eq' || prefix === 'le') highs.push(range.high);
    if (prefix === 'lt') highs.push(shift(range.low, -1));
  }
  // ISO instants in UTC with milliseconds compare as strings.
  const low = lows.sort().at(-1);
  const high = highs.sort()[0];
  return { ...(low !== undefined ? { low } : {}), ...(high !== undefined ? { high } : {}) };
}

function referenceCriterion(raw: string, name: string): ReferenceCriterion {
  if (name.endsWith(':identifier')) {
    const { identifier } = parseReferenceValue(raw, 'identifier', undefined, name);
    return { kind: 'identifier', value: identifier?.value ?? '', ...(identifier?.system !== undefined ? { system: identifier.system } : {}) };
  }
  const versioned = VERSIONED.exec(raw);
  const value = parseReferenceValue(versioned?.[1] ?? raw, undefined, undefined, name);
  if (value.id === undefined) return { kind: 'url', url: value.url ?? raw };
  return { kind: 'reference', id: value.id, ...(value.type !== undefined ? { type: value.type } : {}), ...(versioned ? { version: versioned[2]! } : {}) };
}

function referenceGroups(params: URLSearchParams, code: 'agent' | 'entity'): ReferenceCriterion[][] {
  return [code, `${code}:identifier`].flatMap((name) => params.getAll(name).map((raw) => splitUnescaped(raw, ',').map((part) => referenceCriterion(part, name))));
}

function outcomeGroups(params: URLSearchParams): string[][] {
  return params.getAll('outcome').map((raw) =>
    splitUnescaped(raw, ',').map((part) => {
      const token = parseTokenValue(part, 'outcome', undefined, 'outcome');
      const code = token.kind === 'token' && (token.system === undefined || token.system === OUTCOME_SYSTEM) ? token.code : undefined;
      if (code === undefined || !OUTCOMES.has(code)) throw badRequest(`outcome '${part}' must be 0, 4, 8 or 12 (${OUTCOME_SYSTEM})`, 'outcome', 'value');
      return code;
    }),
  );
}

function newestFirst(raw: string | null): boolean {
  if (raw === null || raw === '-date') return true;
  if (raw === 'date') return false;
  throw badRequest(`_sort '${raw}' is not supported for AuditEvent; use -date (newest first, the default) or date`, '_sort', 'not-supported');
}

/**
 * Parses AuditEvent search parameters (`_format`/`_pretty` already removed). 400 for unknown
 * parameters (all of them listed), a missing or ambiguous client, or a malformed value.
 */
export function parseAuditSearch(params: URLSearchParams, paging: { readonly defaultPageSize: number; readonly maxPageSize: number }): AuditSearch {
  const names = [...new Set(params.keys())];
  const unknown = names.filter((name) => !KNOWN.has(name));
  if (unknown.length > 0) {
    throw badRequest(`Unknown AuditEvent search parameter(s): ${unknown.join(', ')}; supported: patient, patient:identifier, date, agent, entity, outcome, _count, _sort`, unknown);
  }
  const repeated = SINGLE.filter((name) => params.getAll(name).length > 1);
  if (repeated.length > 0) throw badRequest(`${repeated.join(', ')} may appear only once`, repeated);
  return {
    clientKey: clientKeyOf(params),
    ...dateRange(params.getAll('date')),
    newestFirst: newestFirst(params.get('_sort')),
    count: pageSize(params.get('_count'), paging),
    agent: referenceGroups(params, 'agent'),
    entity: referenceGroups(params, 'entity'),
    outcome: outcomeGroups(params),
  };
}
