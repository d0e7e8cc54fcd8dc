/**
 * Why an access token was not accepted. Messages are fixed, short and safe to return to the
 * client: they never echo token content.
 */

/** The kinds of token failure, for logs and metrics. */
export type AuthenticationFailure =
  | 'missing'
  | 'malformed'
  | 'expired'
  | 'not-yet-valid'
  | 'bad-signature'
  | 'unknown-key'
  | 'unsupported-algorithm'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'invalid-claims';

/** The access token is missing or was checked and refused. */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
  readonly failure: AuthenticationFailure;

  constructor(failure: AuthenticationFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.failure = failure;
  }
}

/**
 * The issuer's key set could not be fetched (timeout, network, bad response), so the token
 * could not be checked at all: a server-side problem (503), not the client's (401).
 */
export class KeySetUnavailableError extends Error {
  override readonly name = 'KeySetUnavailableError';
}
