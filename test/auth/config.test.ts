import { describe, expect, it } from 'vitest';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../functions/api/auth/dev-issuer.js';
import { ConfigError, loadConfig, type ApiConfig } from '../../functions/shared/config.js';

const BASE = { TABLE_NAME: 'config-test', CURSOR_SECRET: 'c'.repeat(32) };
const REAL = { AUTH_ISSUER: 'https://auth.hyvinvointialue.example/oauth2', AUTH_AUDIENCE: 'shared-care-plan' };

const load = (env: Record<string, string>, deployed?: boolean): Promise<ApiConfig> =>
  loadConfig({ ...BASE, ...env }, undefined, deployed === undefined ? undefined : { deployed });

describe('auth configuration', () => {
  it('defaults to the development issuer and audience outside AWS', async () => {
    const config = await load({});
    expect(config.auth).toEqual({
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      jwksUrl: `${DEV_ISSUER}/.well-known/jwks.json`,
      tokenEndpoint: `${DEV_ISSUER}/token`,
      claims: { client: 'client_id', organization: 'organization', practitioner: 'practitioner', purposeOfUse: 'purpose_of_use' },
      development: true,
    });
    expect(config.auditRetentionDays).toBe(4383);
  });

  it('requires the issuer and audience when deployed', async () => {
    await expect(load({}, true)).rejects.toThrow(new ConfigError('Invalid configuration: AUTH_ISSUER and AUTH_AUDIENCE must be set when deployed'));
    await expect(load({ AUTH_ISSUER: REAL.AUTH_ISSUER }, true)).rejects.toThrow(/AUTH_AUDIENCE must be set when deployed/);
    await expect(load({ AUTH_AUDIENCE: REAL.AUTH_AUDIENCE }, true)).rejects.toThrow(/AUTH_ISSUER must be set when deployed/);
  });

  it('refuses the development issuer or audience when deployed', async () => {
    await expect(load({ AUTH_ISSUER: DEV_ISSUER, AUTH_AUDIENCE: REAL.AUTH_AUDIENCE }, true)).rejects.toThrow(/development issuer\/audience is not accepted when deployed/);
    await expect(load({ AUTH_ISSUER: REAL.AUTH_ISSUER, AUTH_AUDIENCE: DEV_AUDIENCE }, true)).rejects.toBeInstanceOf(ConfigError);
  });

  it('requires https URLs when deployed', async () => {
    await expect(load({ ...REAL, AUTH_JWKS_URL: 'http://auth.example/jwks.json' }, true)).rejects.toThrow(/AUTH_JWKS_URL must use https when deployed/);
  });

  it('derives the JWKS URL and token endpoint from the issuer, and takes explicit ones', async () => {
    const derived = await load({ AUTH_ISSUER: `${REAL.AUTH_ISSUER}/`, AUTH_AUDIENCE: REAL.AUTH_AUDIENCE }, true);
    expect(derived.auth).toMatchObject({
      issuer: `${REAL.AUTH_ISSUER}/`,
      jwksUrl: `${REAL.AUTH_ISSUER}/.well-known/jwks.json`,
      tokenEndpoint: `${REAL.AUTH_ISSUER}/token`,
      development: false,
    });
    const explicit = await load({ ...REAL, AUTH_JWKS_URL: 'https://keys.example/jwks', AUTH_TOKEN_ENDPOINT: 'https://auth.example/oauth2/token' }, true);
    expect(explicit.auth).toMatchObject({ jwksUrl: 'https://keys.example/jwks', tokenEndpoint: 'https://auth.example/oauth2/token' });
  });

  it('requires an audience with a real issuer also outside AWS', async () => {
    await expect(load({ AUTH_ISSUER: REAL.AUTH_ISSUER })).rejects.toThrow(/AUTH_AUDIENCE must be set/);
    await expect(load(REAL)).resolves.toMatchObject({ auth: { issuer: REAL.AUTH_ISSUER, development: false } });
  });

  it('reads custom claim names and refuses ones with spaces', async () => {
    const config = await load({ AUTH_CLIENT_CLAIM: 'azp', AUTH_ORGANIZATION_CLAIM: 'https://claims.example.fi/org', AUTH_PRACTITIONER_CLAIM: 'hcp', AUTH_PURPOSE_CLAIM: 'pou' });
    expect(config.auth.claims).toEqual({ client: 'azp', organization: 'https://claims.example.fi/org', practitioner: 'hcp', purposeOfUse: 'pou' });
    await expect(load({ AUTH_ORGANIZATION_CLAIM: 'org claim' })).rejects.toThrow(/AUTH_ORGANIZATION_CLAIM must be a claim name without spaces/);
  });

  it('refuses an issuer that is not a URL', async () => {
    await expect(load({ AUTH_ISSUER: 'my-issuer', AUTH_AUDIENCE: 'x' })).rejects.toThrow(/AUTH_ISSUER/);
  });

  it('reads the audit retention and refuses less than a day', async () => {
    expect((await load({ AUDIT_RETENTION_DAYS: '3650' })).auditRetentionDays).toBe(3650);
    await expect(load({ AUDIT_RETENTION_DAYS: '0' })).rejects.toThrow(/AUDIT_RETENTION_DAYS must be at least 1/);
    await expect(load({ AUDIT_RETENTION_DAYS: '1.5' })).rejects.toThrow(/AUDIT_RETENTION_DAYS/);
  });
});
