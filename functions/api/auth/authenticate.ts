/**
 * From the `Authorization` header to a {@link Principal}, or a 401 OperationOutcome with an
 * RFC 6750 `WWW-Authenticate` challenge; and the 403 for a missing scope.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 * @see https://hl7.org/fhir/smart-app-launch/backend-services.html#access-fhir-api
 */
import { DEFAULT_CLAIM_NAMES, type ClaimNames } from '../../shared/config.js';
import { FhirError, unavailable } from '../../shared/errors.js';
import type { Principal, ScopeOperation } from '../access/types.js';
import { AuthenticationError, KeySetUnavailableError } from './errors.js';
import { principalFromClaims } from './principal.js';
import { describeRequiredScope, requiredScope } from './scopes.js';
import type { TokenVerifier } from './verify-token.js';

/** RFC 6750 `b64token` after the `Bearer` scheme (case-insensitive, RFC 7235). */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * An RFC 6750 auth-param value. Its grammar allows no `"` or `\` (and nothing outside
 * printable ASCII) in `error_description`, so those are replaced rather than escaped.
 */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?')}"`;
}

function unauthorized(diagnostics: string, challenge: string, cause?: unknown): FhirError {
  return new FhirError(401, [{ code: 'login', diagnostics }], { cause, headers: { 'WWW-Authenticate': challenge } });
}

const invalidToken = (description: string, cause?: unknown): FhirError =>
  unauthorized(description, `Bearer error="invalid_token", error_description=${quoted(description)}`, cause);

/**
 * Authenticates a request. A missing header gets a bare `Bearer` challenge (RFC 6750 §3.1: no
 * error code when no credentials were sent); anything else wrong gets `invalid_token` with the
 * reason. A key set that cannot be fetched is a 503: the token could not be checked at all.
 */
export async function authenticate(authorization: string | undefined, verify: TokenVerifier, names: ClaimNames = DEFAULT_CLAIM_NAMES): Promise<Principal> {
  if (authorization === undefined || authorization.trim() === '') {
    throw unauthorized('This server requires a SMART Backend Services access token: send Authorization: Bearer <token>', 'Bearer');
  }
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) throw invalidToken('The Authorization header must be Bearer followed by an access token');
  try {
    return principalFromClaims(await verify(token), names);
  } catch (error) {
    if (error instanceof AuthenticationError) throw invalidToken(error.message, error);
    if (error instanceof KeySetUnavailableError) throw unavailable('The access token could not be checked now; try again', 'transient', error);
    throw error;
  }
}

/**
 * 403 for an authenticated client whose scopes do not allow `operation` on `resourceType`,
 * naming the scope that would (RFC 6750 `insufficient_scope`).
 */
export function forbiddenScope(resourceType: string, operation: ScopeOperation): FhirError {
  const diagnostics = `The access token does not grant ${describeRequiredScope(resourceType, operation)}`;
  return new FhirError(403, [{ code: 'forbidden', diagnostics }], {
    headers: {
      'WWW-Authenticate': `Bearer error="insufficient_scope", error_description=${quoted(diagnostics)}, scope=${quoted(requiredScope(resourceType, operation))}`,
    },
  });
}
