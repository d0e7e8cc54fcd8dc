/**
 * Signs access tokens like an authorization server would, for local development
 * (`npm run token`) and tests. Production never signs tokens; this is deliberately not part
 * of the folder's public surface (`index.ts`).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, type CryptoKey, type JWK, type KeyObject } from 'jose';
import { DEFAULT_CLAIM_NAMES, type ClaimNames } from '../../shared/config.js';
import { DEV_AUDIENCE, DEV_ISSUER } from './dev-issuer.js';

/** Lifetime of development tokens: an hour of curl. Real SMART tokens live ≤ 300 s. */
export const DEV_TOKEN_TTL_SECONDS = 3600;

/** What goes into a token. */
export interface DevTokenOptions {
  readonly privateKey: CryptoKey | KeyObject | JWK;
  /** Key id in the header; the verifier looks the key up by it. */
  readonly kid: string;
  /** @default 'ES384' */
  readonly alg?: string;
  /** SOTE organisation OID of the caller, e.g. `1.2.246.10.1234567.10.1`. */
  readonly org: string;
  /** Space-separated SMART scopes, e.g. `system/*.cruds`. */
  readonly scope: string;
  /** @default 'dev-client' */
  readonly clientId?: string;
  readonly practitioner?: string;
  /** v3 ActReason code, e.g. `TREAT` or `ETREAT`. */
  readonly purpose?: string;
  /** @default {@link DEV_TOKEN_TTL_SECONDS} */
  readonly ttlSeconds?: number;
  /** @default {@link DEV_ISSUER} */
  readonly issuer?: string;
  /** @default {@link DEV_AUDIENCE} */
  readonly audience?: string;
  /** Claim names the server is configured with. @default {@link DEFAULT_CLAIM_NAMES} */
  readonly names?: ClaimNames;
}

/** Signs an access token with `iss`, `aud`, `iat`, `nbf`, `exp`, `jti` and the principal's claims. */
export async function signDevToken(options: DevTokenOptions): Promise<string> {
  const names = options.names ?? DEFAULT_CLAIM_NAMES;
  const clientId = options.clientId ?? 'dev-client';
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, string> = {
    [names.client]: clientId,
    [names.organization]: options.org,
    scope: options.scope,
    ...(options.practitioner !== undefined ? { [names.practitioner]: options.practitioner } : {}),
    ...(options.purpose !== undefined ? { [names.purposeOfUse]: options.purpose } : {}),
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'ES384', kid: options.kid, typ: 'JWT' })
    .setIssuer(options.issuer ?? DEV_ISSUER)
    .setAudience(options.audience ?? DEV_AUDIENCE)
    .setSubject(clientId)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + (options.ttlSeconds ?? DEV_TOKEN_TTL_SECONDS))
    .setJti(randomUUID())
    .sign(options.privateKey);
}
