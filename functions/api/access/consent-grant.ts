/**
 * Whether a client's Consent opens another organisation's plan resources to an organisation.
 * The rules are the product's sharing policy; `docs/access-policy.md` states them in prose.
 *
 * @see https://hl7.org/fhir/R4/consent.html#6.2.4.2
 * @see docs/access-policy.md
 */
import type { AccessTarget, ConsentFacts, ProvisionFacts } from './types.js';

/**
 * Whether a provision is in force at `now` (epoch ms): within its inclusive period, open ends
 * allowed. An unreadable period fails closed: a permit is never in force, a deny always.
 */
export function provisionInForce(provision: ProvisionFacts, now: number): boolean {
  if (provision.invalidPeriod === true) return provision.type === 'deny';
  if (provision.start !== undefined && !(Date.parse(provision.start) <= now)) return false;
  if (provision.end !== undefined && !(now <= Date.parse(provision.end))) return false;
  return true;
}

/**
 * Whether `consent` lets `organization` read or update `target` at `now`: the consent is an
 * active privacy consent, recorded by the target's custodian, about the target's client; its
 * root provision is a permit in force; a permit in force names the organisation; and no deny in
 * force applies to everyone or names the organisation. A deny always wins over a permit.
 */
export function consentGrants(consent: ConsentFacts, organization: string, target: AccessTarget, now: Date): boolean {
  const at = now.getTime();
  if (Number.isNaN(at)) return false;
  if (consent.status !== 'active' || !consent.patientPrivacy) return false;
  // A Consent opens only the resources of the organisation that recorded it, so nobody can
  // grant itself access to another organisation's plan by recording a Consent naming itself.
  if (consent.custodian === undefined || consent.custodian !== target.custodian) return false;
  if (!consent.clientKeys.some((key) => target.clientKeys.includes(key))) return false;
  const [root] = consent.provisions;
  if (root === undefined || root.type !== 'permit' || !provisionInForce(root, at)) return false;
  const inForce = consent.provisions.filter((provision) => provisionInForce(provision, at));
  const permitted = inForce.some((provision) => provision.type === 'permit' && provision.organizations.includes(organization));
  const denied = inForce.some(
    (provision) => provision.type === 'deny' && (provision.organizations.length === 0 || provision.organizations.includes(organization)),
  );
  return permitted && !denied;
}

/**
 * The id of the consent that lets `organization` read or update `target` at `now`; when several
 * do, the lowest id (by code unit), so the recorded basis does not depend on storage order.
 */
export function grantingConsentId(
  organization: string,
  target: AccessTarget,
  consents: readonly ConsentFacts[],
  now: Date,
): string | undefined {
  const ids = consents.filter((consent) => consentGrants(consent, organization, target, now)).map((consent) => consent.id);
  return ids.reduce<string | undefined>((lowest, id) => (lowest === undefined || id < lowest ? id : lowest), undefined);
}
