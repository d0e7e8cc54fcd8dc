/**
 * The {@link Principal} from the claims of a verified access token. Claim names are
 * configurable because authorization servers differ; a claim that is present but malformed
 * refuses the token (the authorization server is misconfigured), rather than being ignored.
 *
 * @see https://hl7.org/fhir/smart-app-launch/backend-services.html
 */
import type { JWTPayload } from 'jose';
import { DEFAULT_CLAIM_NAMES, type ClaimNames } from '../../shared/config.js';
import { isOid } from '../access/organizations.js';
import type { Principal } from '../access/types.js';
import { AuthenticationError } from './errors.js';
import { parseScopes } from './scopes.js';

/** A v3 ActReason code such as `TREAT` or `ETREAT`. */
const PURPOSE_CODE = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

/** The code system of purpose-of-use codes. */
export const ACT_REASON_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

const invalid = (message: string): AuthenticationError => new AuthenticationError('invalid-claims', message);

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** An optional string claim: absent → undefined; present but not a non-empty string → refused. */
function optionalString(claims: JWTPayload, name: string): string | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (!nonEmptyString(value)) throw invalid(`The access token claim '${name}' must be a non-empty string`);
  return value;
}

/**
 * Purpose of use, accepted as a code string (`"ETREAT"`), a Coding-like object
 * (`{ "system": "…v3-ActReason", "code": "ETREAT" }`; a system other than v3 ActReason is
 * refused, so no other code system's `ETREAT` can open emergency access), or an array of
 * either, of which the first element counts.
 */
function purposeOfUse(claims: JWTPayload, name: string): string | undefined {
  const raw = claims[name];
  if (raw === undefined) return undefined;
  const first: unknown = Array.isArray(raw) ? raw[0] : raw;
  const coding = typeof first === 'object' && first !== null ? (first as { system?: unknown; code?: unknown }) : undefined;
  if (coding?.system !== undefined && coding.system !== ACT_REASON_SYSTEM) {
    throw invalid(`The access token claim '${name}' must use the code system ${ACT_REASON_SYSTEM}`);
  }
  const code = coding ? coding.code : first;
  if (typeof code !== 'string' || !PURPOSE_CODE.test(code)) {
    throw invalid(`The access token claim '${name}' must be a purpose-of-use code (e.g. TREAT), a Coding with one, or an array of them`);
  }
  return code;
}

/** Granted scopes from `scope` (space separated; RFC 8693, RFC 9068) or else `scp` (array or string). */
function scopeClaim(claims: JWTPayload): string | string[] | undefined {
  const raw = claims.scope ?? claims.scp;
  if (raw === undefined || typeof raw === 'string') return raw;
  if (Array.isArray(raw) && raw.every((entry) => typeof entry === 'string')) return raw as string[];
  throw invalid('The access token scope must be a space-separated string or an array of strings');
}

/**
 * Builds the principal from verified claims. The client is the configured client claim, else
 * `azp`, else `sub`; the organisation claim is required and must be an OID.
 */
export function principalFromClaims(claims: JWTPayload, names: ClaimNames = DEFAULT_CLAIM_NAMES): Principal {
  const clientId = optionalString(claims, names.client) ?? optionalString(claims, 'azp') ?? optionalString(claims, 'sub');
  if (clientId === undefined) throw invalid(`The access token names no client ('${names.client}', 'azp' or 'sub')`);
  const organization = claims[names.organization];
  if (organization === undefined) throw invalid(`The access token has no '${names.organization}' claim (the calling organisation's OID)`);
  if (!isOid(organization)) {
    throw invalid(`The access token claim '${names.organization}' must be an organisation OID such as 1.2.246.10.1234567.10.1`);
  }
  const practitioner = optionalString(claims, names.practitioner);
  const purpose = purposeOfUse(claims, names.purposeOfUse);
  return {
    clientId,
    organization,
    ...(practitioner !== undefined ? { practitioner } : {}),
    ...(purpose !== undefined ? { purposeOfUse: purpose } : {}),
    scopes: parseScopes(scopeClaim(claims)),
  };
}
