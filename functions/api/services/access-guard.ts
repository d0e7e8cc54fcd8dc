/**
 * The access decision of one request: the pure policy (`functions/api/access/decide.ts`) fed
 * with the client's consents, read fresh for every request (never cached across requests, so a
 * withdrawal takes effect on the very next one). Every interaction and every Bundle entry asks
 * this guard; refusals and disclosures go to the request's audit trail.
 *
 * @see docs/access-policy.md
 */
import type { FhirResource } from 'fhir/r4.js';
import { decide } from '../access/decide.js';
import { hidesContactData, isNonDisclosed, recipientView } from '../access/non-disclosure.js';
import type { AccessAction, AccessBasis, AccessDecision, AccessTarget, ConsentFacts, Principal } from '../access/types.js';
import { FhirError, notFound } from '../../shared/errors.js';
import type { AuditTrail } from '../audit/index.js';
import type { StoredVersion } from '../repository/index.js';

/** Reads the consent facts of clients (one BatchGetItem). */
export type ConsentReader = (clientKeys: readonly string[]) => Promise<ConsentFacts[]>;

export class AccessGuard {
  /** Consents per client key, loaded at most once per request. */
  private readonly consents = new Map<string, readonly ConsentFacts[]>();
  private readonly bases = new WeakMap<StoredVersion, AccessBasis>();

  constructor(
    readonly principal: Principal,
    private readonly readConsents: ConsentReader,
    private readonly audit: AuditTrail,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The decision for `action` on `target`, loading the client's consents when they matter. */
  async decide(action: AccessAction, target: AccessTarget): Promise<AccessDecision> {
    if (this.needsConsents(action, target)) await this.load([target]);
    return this.decideLoaded(action, target);
  }

  /**
   * Which of `versions` the caller may read, in order — all consents they need in one read.
   * Used by search (before paging and totals), includes, history and the feed.
   */
  async readable(versions: readonly StoredVersion[]): Promise<boolean[]> {
    const targets = versions.map((version) => version.access).filter((target): target is AccessTarget => target !== undefined);
    await this.load(targets.filter((target) => this.needsConsents('read', target)));
    return versions.map((version) => {
      if (!version.access) return false;
      const decision = this.decideLoaded('read', version.access);
      if (decision.allowed) this.bases.set(version, decision.basis);
      return decision.allowed;
    });
  }

  /** Records that `versions` (already judged readable) were disclosed in the response. */
  disclosed(versions: readonly StoredVersion[]): void {
    for (const version of versions) {
      const basis = this.bases.get(version);
      if (basis) this.audit.disclose(version, basis);
    }
  }

  /**
   * Requires `action` on an existing resource; returns the basis. Refused: 404 when the caller
   * may not even read it (its existence is not revealed), else 403.
   */
  async require(action: AccessAction, version: StoredVersion): Promise<AccessBasis> {
    const target = version.access ?? { resourceType: version.resourceType, clientKeys: [] };
    const decision = await this.decide(action, target);
    if (decision.allowed) {
      if (action === 'read') {
        this.bases.set(version, decision.basis);
        this.audit.disclose(version, decision.basis);
      }
      if (action === 'update' && version.resource && hidesContactData(version.resource, target.custodian, this.principal.organization)) {
        // Writing over what it may not see would either erase it or (a JSON Patch `test`) probe it.
        this.audit.deny(target);
        throw new FhirError(403, [{ code: 'forbidden', diagnostics: `${version.resource.resourceType}/${version.id} holds contact or address data of a client with a non-disclosure marking (turvakielto); only its custodian may change it` }]);
      }
      return decision.basis;
    }
    this.audit.deny(target);
    if (!decision.readable) throw notFound(`${version.resourceType}/${version.id} is not known`);
    throw new FhirError(403, [{ code: 'forbidden', diagnostics: `Organisation ${this.principal.organization} may not ${action} ${version.resourceType}/${version.id}: ${decision.reason}` }]);
  }

  /**
   * The content of `version` as this caller may receive it: every response body made from a
   * stored version passes through here, so the non-disclosure marking (turvakielto) hides contact
   * and address data from everyone but the custodian, on every path.
   */
  view(version: StoredVersion): FhirResource | undefined {
    return version.resource && recipientView(version.resource, version.access?.custodian, this.principal.organization);
  }

  /** Only the custodian may remove the non-disclosure marking (403 for anyone else). */
  requireMarkingKept(current: StoredVersion, next: FhirResource): void {
    if (current.access?.custodian === this.principal.organization || !current.resource || !isNonDisclosed(current.resource) || isNonDisclosed(next)) return;
    throw new FhirError(403, [{ code: 'forbidden', diagnostics: `Only the custodian may remove the non-disclosure marking (turvakielto) of ${current.resourceType}/${current.id}`, expression: [`${current.resourceType}.meta.security`] }]);
  }

  /** Requires a read and reports it as disclosed (read, vread). */
  async requireRead(version: StoredVersion): Promise<void> {
    await this.require('read', version);
  }

  private needsConsents(action: AccessAction, target: AccessTarget): boolean {
    return action !== 'create' && target.custodian !== this.principal.organization && target.resourceType !== 'Consent' && target.clientKeys.length > 0;
  }

  private decideLoaded(action: AccessAction, target: AccessTarget): AccessDecision {
    const consents = target.clientKeys.flatMap((key) => this.consents.get(key) ?? []);
    const unique = [...new Map(consents.map((facts) => [facts.id, facts])).values()];
    return decide({ principal: this.principal, action, target, consents: unique, now: this.now() });
  }

  private async load(targets: readonly AccessTarget[]): Promise<void> {
    const missing = [...new Set(targets.flatMap((target) => target.clientKeys))].filter((key) => !this.consents.has(key));
    if (missing.length === 0) return;
    const facts = await this.readConsents(missing);
    for (const key of missing) this.consents.set(key, facts.filter((consent) => consent.clientKeys.includes(key)));
  }
}
