/**
 * Authentication for SMART Backend Services: access-token verification, the principal from its
 * claims, SMART system scopes, and the 401/403 responses. Token signing for local development
 * and tests lives in `dev-token.ts`, outside this public surface.
 *
 * @see https://hl7.org/fhir/smart-app-launch/backend-services.html
 */
export { DEFAULT_CLAIM_NAMES, type ClaimNames } from '../../shared/config.js';
export { DEV_AUDIENCE, DEV_ISSUER } from './dev-issuer.js';
export { authenticate, forbiddenScope } from './authenticate.js';
export { AuthenticationError, KeySetUnavailableError, type AuthenticationFailure } from './errors.js';
export { ACT_REASON_SYSTEM, principalFromClaims } from './principal.js';
export { describeRequiredScope, parseScopes, requiredScope, scopeAllows } from './scopes.js';
export {
  ACCEPTED_ALGORITHMS,
  CLOCK_TOLERANCE_SECONDS,
  createTokenVerifier,
  type RemoteKeySetOptions,
  type TokenVerifier,
  type TokenVerifierOptions,
} from './verify-token.js';
