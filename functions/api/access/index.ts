/**
 * Access decisions for the Shared Care Plan API: pure functions from facts about a caller, a
 * resource and the client's consents to an allow/deny decision with its legal basis.
 *
 * @see docs/access-policy.md
 */
export type {
  AccessAction,
  AccessBasis,
  AccessDecision,
  AccessTarget,
  ConsentFacts,
  Principal,
  ProvisionFacts,
  ScopeOperation,
  SmartScope,
} from './types.js';
export { clientKeysOf } from './client-keys.js';
export { accessTargetOf, consentFacts } from './consent-facts.js';
export { consentGrants, grantingConsentId, provisionInForce } from './consent-grant.js';
export { COUNTY_TIME_ZONE, periodEndInstant, periodStartInstant } from './county-time.js';
export { CUSTODIAN_EXTENSION_URL, custodianOf, withCustodian, withoutCustodian } from './custodian.js';
export { canRead, consentMayOpen, decide, emergencyMayRead, isEmergency, type AccessRequest } from './decide.js';
export { hidesContactData, isNonDisclosed, isRedactedLabel, mayReceiveContactData, NON_DISCLOSURE_LABEL, recipientView, REDACTED_LABEL, withoutContactData } from './non-disclosure.js';
export { isOid, organizationOf, SOTE_ORGANIZATION_SYSTEM } from './organizations.js';
