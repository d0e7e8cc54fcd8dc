/**
 * Access-token verification: the signature against the issuer's key set, `iss`, `aud`, `exp`
 * (required), `nbf`, with 60 s of clock skew. Only asymmetric algorithms are accepted, so
 * `alg: none` and HMAC tokens (signed with a public key as the "secret") are refused before any
 * key is looked up.
 *
 * @see https://hl7.org/fhir/smart-app-launch/backend-services.html#access-fhir-api
 * @see https://www.rfc-editor.org/rfc/rfc8725 (JWT Best Current Practices)
 */
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AuthenticationError, KeySetUnavailableError, type AuthenticationFailure } from './errors.js';

/** Signature algorithms accepted on access tokens (SMART requires RS384 or ES384 support). */
export const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'ES256', 'ES384'] as const;

/** Accepted clock skew, in seconds, for `exp` and `nbf`. */
export const CLOCK_TOLERANCE_SECONDS = 60;

/** Tuning of a remote key set; the defaults suit Lambda and `npm start`. */
export interface RemoteKeySetOptions {
  /** Least time between refetches triggered by unknown `kid`s (protects the issuer). @default 30000 */
  readonly cooldownMs?: number;
  /** Refetch the key set after this long even when every `kid` is known. @default 600000 */
  readonly cacheMaxAgeMs?: number;
  /** Give up fetching the key set after this long. @default 3000 */
  readonly timeoutMs?: number;
}

/** What {@link createTokenVerifier} checks tokens against. */
export interface TokenVerifierOptions {
  /** Expected `iss`. */
  readonly issuer: string;
  /** Expected `aud` (the token may name more audiences). */
  readonly audience: string;
  /**
   * The issuer's public keys: its JWKS URL (https, or http on a loopback host), fetched,
   * cached and refetched when a token names an unknown `kid` (key rotation); or a fixed key
   * set (local development and tests).
   */
  readonly jwks: URL | JSONWebKeySet;
  /** Only with a JWKS URL. */
  readonly remote?: RemoteKeySetOptions;
}

/** Verifies an access token and returns its claims; throws {@link AuthenticationError}. */
export type TokenVerifier = (token: string) => Promise<JWTPayload>;

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);

function checkedUrl(url: URL): URL {
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) return url;
  throw new TypeError('The JWKS URL must use https (http only on a loopback host)');
}

/** Failures of the key set itself become {@link KeySetUnavailableError}; key lookups pass through. */
function remoteKeys(url: URL, options: RemoteKeySetOptions = {}): JWTVerifyGetKey {
  const keySet = createRemoteJWKSet(checkedUrl(url), {
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    timeoutDuration: options.timeoutMs ?? 3_000,
  });
  return async (header, token) => {
    try {
      return await keySet(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSENotSupported) throw error;
      throw new KeySetUnavailableError('The token signing keys could not be fetched', { cause: error });
    }
  };
}

const CLAIM_FAILURES: Readonly<Record<string, readonly [AuthenticationFailure, string]>> = {
  iss: ['wrong-issuer', 'The access token is from an issuer this server does not trust'],
  aud: ['wrong-audience', 'The access token is not meant for this server (aud)'],
  nbf: ['not-yet-valid', 'The access token is not yet valid (nbf)'],
  exp: ['invalid-claims', 'The access token has no valid expiry (exp)'],
};

/** A jose failure as a short reason that never repeats token content. */
function toAuthenticationError(error: unknown): Error {
  if (error instanceof KeySetUnavailableError) return error;
  const fail = (failure: AuthenticationFailure, message: string): AuthenticationError => new AuthenticationError(failure, message, { cause: error });
  if (error instanceof errors.JWTExpired) return fail('expired', 'The access token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    const [failure, message] = CLAIM_FAILURES[error.claim] ?? ['invalid-claims', 'The access token has an invalid claim'];
    return fail(failure, message);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return fail('bad-signature', 'The access token signature is not valid');
  if (error instanceof errors.JOSEAlgNotAllowed) return fail('unsupported-algorithm', `The access token must be signed with one of ${ACCEPTED_ALGORITHMS.join(', ')}`);
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return fail('unknown-key', 'The access token is signed with a key the issuer does not publish');
  }
  if (error instanceof errors.JOSEError) return fail('malformed', 'The access token is not a well-formed signed JWT');
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Creates the access-token verifier. Options are checked here, once: a bad JWKS URL fails at
 * start-up, not on the first request.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  if (!options.issuer) throw new TypeError('issuer is required');
  if (!options.audience) throw new TypeError('audience is required');
  const keys: JWTVerifyGetKey = options.jwks instanceof URL ? remoteKeys(options.jwks, options.remote) : createLocalJWKSet(options.jwks);
  return async function verifyToken(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: [...ACCEPTED_ALGORITHMS],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
      });
      return payload;
    } catch (error) {
      throw toAuthenticationError(error);
    }
  };
}
