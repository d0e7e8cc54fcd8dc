/**
 * Builds AuditEvents shaped after IHE Basic Audit Log Patterns (BALP): one per request and per
 * client it touched, naming the client system, organisation, practitioner and purpose of use,
 * the resources touched, the client, the X-Request-Id, a search's query and the legal basis.
 * Pure: the trail (`audit-trail.ts`) decides what to record and when.
 *
 * @see https://hl7.org/fhir/R4/auditevent.html
 * @see https://profiles.ihe.net/ITI/BALP/
 */
import type { AuditEvent, AuditEventAgent, AuditEventEntity, Reference } from 'fhir/r4.js';
import { SOTE_ORGANIZATION_SYSTEM } from '../access/organizations.js';
import type { AccessBasis, Principal } from '../access/types.js';

/** Extension on AuditEvent naming why the disclosure was lawful (repeats when several apply). */
export const LEGAL_BASIS_EXTENSION_URL = 'https://shared-care-plan.fi/fhir/StructureDefinition/legal-basis';
/** Identifier system of client systems (the token's client id). */
export const CLIENT_ID_SYSTEM = 'https://shared-care-plan.fi/fhir/NamingSystem/client-id';
/** Identifier system of request ids (`X-Request-Id`). */
export const REQUEST_ID_SYSTEM = 'https://shared-care-plan.fi/fhir/NamingSystem/request-id';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const HETU = 'urn:oid:1.2.246.21';

/** The AuditEvent.action of each interaction. */
const ACTIONS: Record<string, AuditEvent['action']> = {
  create: 'C',
  read: 'R',
  vread: 'R',
  'history-instance': 'R',
  'history-type': 'R',
  'history-system': 'R',
  update: 'U',
  patch: 'U',
  delete: 'D',
  'search-type': 'E',
  transaction: 'E',
  batch: 'E',
  authenticate: 'E',
};

/** What one AuditEvent says. */
export interface AuditFacts {
  readonly eventId: string;
  readonly recorded: string;
  /** The restful interaction (R4 restful-interaction code), or `authenticate` when no route was reached. */
  readonly interaction: string;
  /** HTTP status of the request (or of the committed write). */
  readonly status: number;
  readonly principal?: Principal;
  readonly requestId: string;
  /** The client this event is about: `Patient/<id>` or `<system>|<value>`. */
  readonly clientKey?: string;
  /** `Type/id/_history/vid` of every resource version touched for this client. */
  readonly entities: readonly string[];
  readonly bases: readonly AccessBasis[];
  /** True when access to this client's data was refused. */
  readonly denied: boolean;
  /** The search or conditional criteria, when the interaction had any. */
  readonly query?: string;
  /** Short explanation of a failure. */
  readonly outcomeDesc?: string;
}

function outcomeOf(status: number): AuditEvent['outcome'] {
  if (status < 400) return '0';
  return status < 500 ? '4' : '8';
}

function clientReference(clientKey: string): Reference {
  if (clientKey.startsWith('Patient/')) return { reference: clientKey };
  const bar = clientKey.indexOf('|');
  return { identifier: { system: clientKey.slice(0, bar), value: clientKey.slice(bar + 1) }, ...(clientKey.startsWith(`${HETU}|`) ? { type: 'Patient' } : {}) };
}

function agents(principal: Principal | undefined): AuditEventAgent[] {
  const server: AuditEventAgent = {
    type: { coding: [{ system: DCM, code: '110152', display: 'Destination Role ID' }] },
    who: { display: 'Shared Care Plan API' },
    requestor: false,
  };
  if (!principal) return [{ type: { coding: [{ system: DCM, code: '110153', display: 'Source Role ID' }] }, who: { display: 'unauthenticated caller' }, requestor: true }, server];
  const purpose = principal.purposeOfUse ? [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: principal.purposeOfUse }] }] : undefined;
  const client: AuditEventAgent = {
    type: { coding: [{ system: DCM, code: '110153', display: 'Source Role ID' }] },
    who: { identifier: { system: CLIENT_ID_SYSTEM, value: principal.clientId }, type: 'Device' },
    requestor: true,
    ...(purpose ? { purposeOfUse: purpose } : {}),
  };
  const organization: AuditEventAgent = {
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type', code: 'datacollector', display: 'data collector' }] },
    who: { identifier: { system: SOTE_ORGANIZATION_SYSTEM, value: principal.organization }, type: 'Organization' },
    requestor: true,
    ...(purpose ? { purposeOfUse: purpose } : {}),
  };
  const user: AuditEventAgent[] = principal.practitioner
    ? [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type', code: 'humanuser', display: 'human user' }] }, who: { reference: principal.practitioner.includes('/') ? principal.practitioner : `Practitioner/${principal.practitioner}` }, requestor: true }]
    : [];
  return [client, organization, ...user, server];
}

function basisCode(basis: AccessBasis): string {
  return basis.kind;
}

/** The AuditEvent for `facts`. */
export function buildAuditEvent(facts: AuditFacts): AuditEvent {
  const entity: AuditEventEntity[] = facts.entities.map((what) => ({
    what: { reference: what },
    type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
    role: { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' },
  }));
  if (facts.clientKey) {
    entity.push({ what: clientReference(facts.clientKey), type: { system: ENTITY_TYPE, code: '1', display: 'Person' }, role: { system: OBJECT_ROLE, code: '1', display: 'Patient' } });
  }
  const consents = [...new Set(facts.bases.flatMap((basis) => (basis.kind === 'consent' ? [basis.consentId] : [])))];
  for (const id of consents) {
    entity.push({ what: { reference: `Consent/${id}` }, type: { system: ENTITY_TYPE, code: '2', display: 'System Object' }, role: { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' }, description: 'legal basis of the disclosure' });
  }
  entity.push({ what: { identifier: { system: REQUEST_ID_SYSTEM, value: facts.requestId } }, type: { system: ENTITY_TYPE, code: '2', display: 'System Object' }, description: 'X-Request-Id' });
  if (facts.query !== undefined) {
    entity.push({ type: { system: ENTITY_TYPE, code: '2', display: 'System Object' }, role: { system: OBJECT_ROLE, code: '24', display: 'Query' }, query: Buffer.from(facts.query, 'utf8').toString('base64') });
  }
  const bases = [...new Set(facts.bases.map(basisCode))].sort();
  return {
    resourceType: 'AuditEvent',
    id: facts.eventId,
    ...(bases.length > 0 ? { extension: bases.map((code) => ({ url: LEGAL_BASIS_EXTENSION_URL, valueCode: code })) } : {}),
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' },
    subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: facts.interaction }],
    action: ACTIONS[facts.interaction] ?? 'E',
    recorded: facts.recorded,
    outcome: facts.denied && facts.status < 400 ? '4' : outcomeOf(facts.status),
    ...(facts.outcomeDesc ? { outcomeDesc: facts.outcomeDesc } : facts.denied ? { outcomeDesc: 'access refused' } : {}),
    ...(facts.principal?.purposeOfUse ? { purposeOfEvent: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: facts.principal.purposeOfUse }] }] } : {}),
    agent: agents(facts.principal),
    source: { observer: { display: 'Shared Care Plan API' }, type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }] },
    entity,
  };
}
