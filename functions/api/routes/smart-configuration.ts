/**
 * SMART discovery: `GET [base]/.well-known/smart-configuration` (served without
 * authentication, always as `application/json`), and the `rest.security` element of the
 * CapabilityStatement. This server is a resource server for SMART Backend Services only: no
 * user-facing launch, so no `authorization_endpoint`; `issuer` is left out because SMART
 * reserves it for `sso-openid-connect`.
 *
 * @see https://hl7.org/fhir/smart-app-launch/conformance.html
 * @see https://hl7.org/fhir/smart-app-launch/client-confidential-asymmetric.html
 */
import type { CapabilityStatementRestSecurity } from 'fhir/r4.js';
import { SUPPORTED_RESOURCE_TYPES } from '../../../schemas/index.js';
import type { ApiConfig } from '../../shared/config.js';

/** The `.well-known/smart-configuration` document. */
export type SmartConfiguration = {
  readonly jwks_uri: string;
  readonly token_endpoint: string;
  readonly grant_types_supported: readonly string[];
  readonly token_endpoint_auth_methods_supported: readonly string[];
  readonly token_endpoint_auth_signing_alg_values_supported: readonly string[];
  readonly scopes_supported: readonly string[];
  readonly capabilities: readonly string[];
};

/** Per type: everything, read+search, writes (v2), and the v1 equivalents. */
const TYPE_PERMISSIONS = ['cruds', 'rs', 'cud', 'read', 'write'] as const;

/** The scopes this server grants; any subsequence of `cruds` works too (see `auth/scopes.ts`). */
function scopesSupported(): string[] {
  return [
    ...SUPPORTED_RESOURCE_TYPES.flatMap((type) => TYPE_PERMISSIONS.map((permissions) => `system/${type}.${permissions}`)),
    'system/AuditEvent.rs',
    'system/*.cruds',
    'system/*.rs',
  ];
}

/** The discovery document for `config`'s authorization server. */
export function smartConfiguration(config: ApiConfig): SmartConfiguration {
  return {
    jwks_uri: config.auth.jwksUrl,
    token_endpoint: config.auth.tokenEndpoint,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
    scopes_supported: scopesSupported(),
    capabilities: ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'],
  };
}

/**
 * `CapabilityStatement.rest.security`: SMART-on-FHIR, with the token endpoint in the
 * `oauth-uris` extension (deprecated by SMART 2 in favour of the discovery document, and
 * still read by older clients).
 *
 * @see https://hl7.org/fhir/R4/capabilitystatement-definitions.html#CapabilityStatement.rest.security
 */
export function capabilitySecurity(config: ApiConfig): CapabilityStatementRestSecurity {
  return {
    cors: false,
    service: [
      {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR', display: 'SMART-on-FHIR' }],
        text: 'SMART Backend Services: OAuth 2.0 client credentials with a signed JWT assertion (RS384/ES384); system/ scopes',
      },
    ],
    extension: [
      {
        url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
        extension: [{ url: 'token', valueUri: config.auth.tokenEndpoint }],
      },
    ],
    description:
      "Every request needs a bearer access token naming the calling organisation, whose SMART scopes bound what it may do: an organisation may do anything with the resources it created, may read or update another organisation's CarePlan, CareTeam and Goal only while an active Consent of the client recorded by that organisation names it, and may read them in an emergency (purpose of use ETREAT) — every access audited.",
  };
}
