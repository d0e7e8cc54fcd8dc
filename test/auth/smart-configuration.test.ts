import { describe, expect, it } from 'vitest';
import { capabilitySecurity, smartConfiguration } from '../../functions/api/routes/smart-configuration.js';
import { loadConfig } from '../../functions/shared/config.js';

const config = await loadConfig(
  { TABLE_NAME: 'smart-test', CURSOR_SECRET: 'c'.repeat(32), AUTH_ISSUER: 'https://auth.hyvinvointialue.example', AUTH_AUDIENCE: 'shared-care-plan' },
  undefined,
  { deployed: true },
);

describe('smartConfiguration', () => {
  it('advertises SMART Backend Services with asymmetric client authentication', () => {
    expect(smartConfiguration(config)).toMatchObject({
      jwks_uri: 'https://auth.hyvinvointialue.example/.well-known/jwks.json',
      token_endpoint: 'https://auth.hyvinvointialue.example/token',
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
      capabilities: ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'],
    });
  });

  it('lists system scopes for every served type, the audit log and the wildcard', () => {
    const { scopes_supported: scopes } = smartConfiguration(config);
    for (const type of ['CarePlan', 'CareTeam', 'Consent', 'Goal']) {
      expect(scopes).toEqual(expect.arrayContaining([`system/${type}.cruds`, `system/${type}.rs`, `system/${type}.cud`, `system/${type}.read`, `system/${type}.write`]));
    }
    expect(scopes).toEqual(expect.arrayContaining(['system/AuditEvent.rs', 'system/*.cruds', 'system/*.rs']));
    expect(scopes.every((scope) => scope.startsWith('system/'))).toBe(true);
  });

  it('leaves out the launch-only and OpenID Connect fields', () => {
    expect(Object.keys(smartConfiguration(config))).not.toEqual(expect.arrayContaining(['authorization_endpoint']));
    expect(smartConfiguration(config)).not.toHaveProperty('issuer');
  });
});

describe('capabilitySecurity', () => {
  it('declares SMART-on-FHIR with the token endpoint in the oauth-uris extension', () => {
    const security = capabilitySecurity(config);
    expect(security.service?.[0]?.coding).toEqual([
      { system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR', display: 'SMART-on-FHIR' },
    ]);
    expect(security.extension).toEqual([
      {
        url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
        extension: [{ url: 'token', valueUri: 'https://auth.hyvinvointialue.example/token' }],
      },
    ]);
    expect(security.description).toMatch(/Consent/);
  });
});
