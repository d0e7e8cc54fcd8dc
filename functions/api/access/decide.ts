/**
 * The access decision: may this organisation do this to this resource, and on what basis?
 * Pure — no storage, no HTTP, no clock — so every path that touches a resource (read, search,
 * history, feed, conditional interactions, Bundle entries, and later notifications and bulk
 * export) asks the same question and gets the same answer.
 *
 * @see docs/access-policy.md
 */
import { grantingConsentId } from './consent-grant.js';
import { isOid } from './organizations.js';
import type { AccessAction, AccessBasis, AccessDecision, AccessTarget, ConsentFacts, Principal } from './types.js';

/** The input of {@link decide}. */
export interface AccessRequest {
  readonly principal: Principal;
  readonly action: AccessAction;
  readonly target: AccessTarget;
  /** The client's consents (any status; {@link decide} checks each). */
  readonly consents: readonly ConsentFacts[];
  /** The time of the request: consents are judged at this instant. */
  readonly now: Date;
}

/** Plan resources a client's Consent can open to other organisations (read and update). */
const CONSENT_SHARED_TYPES: ReadonlySet<string> = new Set(['CarePlan', 'CareTeam', 'Goal']);

/** Resources an emergency (`ETREAT`) read may reach: the shared plan and its Consents. */
const EMERGENCY_READABLE_TYPES: ReadonlySet<string> = new Set([...CONSENT_SHARED_TYPES, 'Consent']);

/** The v3 ActReason code of emergency treatment ("break the glass"). */
const EMERGENCY_PURPOSE = 'ETREAT';

/** Whether the principal acts in an emergency (`purposeOfUse` `ETREAT`, "break the glass"). */
export function isEmergency(principal: Pick<Principal, 'purposeOfUse'>): boolean {
  return principal.purposeOfUse === EMERGENCY_PURPOSE;
}

/** Whether an emergency opens every resource of `resourceType` for reading (rule 5). */
export function emergencyMayRead(resourceType: string): boolean {
  return EMERGENCY_READABLE_TYPES.has(resourceType);
}

/** Whether a Consent can open another organisation's resources of `resourceType` (rule 4). */
export function consentMayOpen(resourceType: string): boolean {
  return CONSENT_SHARED_TYPES.has(resourceType);
}

function sharedBasis({ principal, action, target, consents, now }: AccessRequest): AccessBasis | undefined {
  const organization = principal.organization;
  if (target.resourceType === 'Consent') {
    const named = action === 'read' && (target.namedOrganizations ?? []).includes(organization);
    return named ? { kind: 'consent', consentId: target.id ?? '' } : undefined;
  }
  if (!CONSENT_SHARED_TYPES.has(target.resourceType) || (action !== 'read' && action !== 'update')) return undefined;
  const consentId = grantingConsentId(organization, target, consents, now);
  return consentId === undefined ? undefined : { kind: 'consent', consentId };
}

function basisOf(request: AccessRequest): AccessBasis | undefined {
  const { principal, action, target } = request;
  if (action === 'create') return { kind: 'creator' };
  const organization = isOid(principal.organization) ? principal.organization : undefined;
  if (organization === undefined) return undefined;
  if (target.custodian !== undefined) {
    if (target.custodian === organization) return { kind: 'custodian' };
    const shared = sharedBasis(request);
    if (shared !== undefined) return shared;
  }
  const emergency = isEmergency(principal) && action === 'read' && emergencyMayRead(target.resourceType);
  return emergency ? { kind: 'emergency' } : undefined;
}

/** Why access was refused, in a sentence that reveals nothing about any Consent's content. */
function reasonOf({ principal, action, target }: AccessRequest): string {
  const type = target.resourceType;
  const emergencyNote = isEmergency(principal) ? '; emergency access (ETREAT) allows reading only' : '';
  if (!EMERGENCY_READABLE_TYPES.has(type)) return `only the custodian organisation may access ${type || 'this resource'}`;
  if (target.custodian === undefined) return `the ${type} has no custodian organisation: only an emergency read (ETREAT) is allowed`;
  if (type === 'Consent') {
    return action === 'read'
      ? 'only the custodian and the organisations a Consent names may read it'
      : `only the custodian organisation may ${action} a Consent${emergencyNote}`;
  }
  if (action === 'delete') return `only the custodian organisation may delete a ${type}${emergencyNote}`;
  return `no active consent names organisation ${principal.organization} for this client${emergencyNote}`;
}

/**
 * Decides whether `principal` may perform `action` on `target`:
 *
 * - `create` is always allowed (basis `creator`: the caller becomes the custodian);
 * - the custodian organisation may do anything (basis `custodian`);
 * - a Consent may be read by the organisations it names (basis `consent`, its own id);
 * - a CarePlan, CareTeam or Goal may be read or updated, never deleted, by an organisation an
 *   active Consent of the client, recorded by the custodian, permits (basis `consent`);
 * - failing those, an emergency (`purposeOfUse` `ETREAT`) may read any plan resource or Consent
 *   (basis `emergency`); a target without custodian is readable only this way;
 * - any other resource type is for its custodian only.
 *
 * A refusal says whether the principal may at least read the target (`readable`: 403 rather
 * than 404) and why, without revealing any Consent's content.
 *
 * @see docs/access-policy.md
 * @see https://hl7.org/fhir/R4/v3/ActReason/cs.html (ETREAT)
 */
export function decide(request: AccessRequest): AccessDecision {
  const basis = basisOf(request);
  if (basis !== undefined) return { allowed: true, basis };
  const readable = request.action !== 'read' && basisOf({ ...request, action: 'read' }) !== undefined;
  return { allowed: false, readable, reason: reasonOf(request) };
}

/** Whether `principal` may read `target` at `now`: {@link decide} for the `read` action. */
export function canRead(principal: Principal, target: AccessTarget, consents: readonly ConsentFacts[], now: Date): boolean {
  return decide({ principal, action: 'read', target, consents, now }).allowed;
}
