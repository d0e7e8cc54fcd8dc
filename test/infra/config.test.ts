import { describe, expect, it } from 'vitest';
import { CountyConfigError, parseCountyConfigs } from '../../lib/config.js';
import { addCountyStacks } from '../../lib/county-stacks.js';
import { testApp } from './app-fixture.js';

const auth = { issuer: 'https://tunnistus.kanta-hame.example/oauth2', audience: 'https://yhteishoito.kanta-hame.example/fhir' };
const minimal = { 'kanta-hame': { displayName: 'Kanta-Hämeen hyvinvointialue', auth } };

function parseWith(settings: Record<string, unknown>): unknown {
  return parseCountyConfigs({ counties: { 'kanta-hame': { ...minimal['kanta-hame'], ...settings } } });
}

function parseWithAuth(settings: Record<string, unknown>): unknown {
  return parseWith({ auth: { ...auth, ...settings } });
}

describe('county configuration', () => {
  it('applies the documented defaults to a county that only names itself', () => {
    expect(parseCountyConfigs({ counties: minimal })).toEqual([
      {
        id: 'kanta-hame',
        displayName: 'Kanta-Hämeen hyvinvointialue',
        region: 'eu-north-1',
        removalPolicy: 'retain',
        lambdaMemoryMb: 1024,
        reservedConcurrency: 50,
        throttlingRateLimit: 100,
        throttlingBurstLimit: 200,
        logRetentionDays: 365,
        logLevel: 'info',
        backupRetentionDays: 35,
        requireProfiles: false,
        auth: { ...auth, auditRetentionDays: 4383, gatewayJwtAuthorizer: false },
      },
    ]);
  });

  it('fails with a message naming the key of an invalid value', () => {
    expect(() => parseWith({ lambdaMemoryMb: 64 })).toThrow(CountyConfigError);
    expect(() => parseWith({ lambdaMemoryMb: 64 })).toThrow(/counties\.kanta-hame\.lambdaMemoryMb: .*>=128/);
  });

  it('names every invalid key at once', () => {
    expect(() => parseWith({ alarmEmail: 'not-an-address', logRetentionDays: 42 })).toThrow(
      /counties\.kanta-hame\.logRetentionDays: must be one of 1, 3, .*counties\.kanta-hame\.alarmEmail/s,
    );
  });

  it('rejects a misspelt setting instead of silently using the default', () => {
    expect(() => parseWith({ lamdaMemoryMb: 2048 })).toThrow(/counties\.kanta-hame: Unrecognized key: "lamdaMemoryMb"/);
  });

  it('takes requireProfiles as a boolean only', () => {
    expect(parseWith({ requireProfiles: true })).toEqual([expect.objectContaining({ requireProfiles: true })]);
    expect(() => parseWith({ requireProfiles: 'yes' })).toThrow(/counties\.kanta-hame\.requireProfiles: .*expected boolean/);
  });

  it('rejects a region outside the EU', () => {
    expect(() => parseWith({ region: 'us-east-1' })).toThrow(/counties\.kanta-hame\.region: must be an EU AWS region/);
  });

  it('rejects a county id that is not kebab-case', () => {
    expect(() => parseCountyConfigs({ counties: { Kanta_Hame: minimal['kanta-hame'] } })).toThrow(
      /counties\.Kanta_Hame: county id must be kebab-case/,
    );
  });

  it('rejects a missing or empty county list', () => {
    expect(() => parseCountyConfigs({ counties: undefined })).toThrow(/counties: must define at least one county/);
  });

  it('rejects selecting a county that is not configured, listing the known ones', () => {
    expect(() => parseCountyConfigs({ counties: minimal, county: 'pirkanmaa' })).toThrow(
      /county: unknown county "pirkanmaa" \(known: kanta-hame, or "all"\)/,
    );
  });

  it('accepts the optional key set, token endpoint, claim names and a gateway authorizer', () => {
    const settings = {
      jwksUrl: 'https://tunnistus.kanta-hame.example/oauth2/jwks',
      tokenEndpoint: 'https://tunnistus.kanta-hame.example/oauth2/token',
      clientClaim: 'azp',
      organizationClaim: 'sote_org',
      practitionerClaim: 'hpi',
      purposeClaim: 'pou',
      auditRetentionDays: 5000,
      gatewayJwtAuthorizer: true,
    };
    expect(parseWithAuth(settings)).toEqual([expect.objectContaining({ auth: { ...auth, ...settings } })]);
  });

  describe('security settings', () => {
    it('requires the auth block, naming the county', () => {
      expect(() => parseWith({ auth: undefined })).toThrow(CountyConfigError);
      expect(() => parseWith({ auth: undefined })).toThrow(/counties\.kanta-hame\.auth: is required: the county's access-token issuer and audience/);
    });

    it('requires an issuer and an audience', () => {
      expect(() => parseWith({ auth: {} })).toThrow(/counties\.kanta-hame\.auth\.issuer: .*counties\.kanta-hame\.auth\.audience: /s);
      expect(() => parseWithAuth({ audience: ' ' })).toThrow(/counties\.kanta-hame\.auth\.audience: must name the API's audience/);
    });

    it('refuses the development issuer, also with a trailing slash', () => {
      for (const issuer of ['https://dev-issuer.shared-care-plan.invalid', 'https://dev-issuer.shared-care-plan.invalid/']) {
        expect(() => parseWithAuth({ issuer })).toThrow(CountyConfigError);
        expect(() => parseWithAuth({ issuer })).toThrow(/counties\.kanta-hame\.auth\.issuer: is the local development issuer/);
      }
    });

    it('refuses the development audience', () => {
      expect(() => parseWithAuth({ audience: 'shared-care-plan-dev' })).toThrow(/counties\.kanta-hame\.auth\.audience: is the local development audience/);
    });

    it.each(['issuer', 'jwksUrl', 'tokenEndpoint'])('refuses a non-https or malformed %s', (field) => {
      const pattern = new RegExp(`counties\\.kanta-hame\\.auth\\.${field}: must be the https URL of`);
      expect(() => parseWithAuth({ [field]: 'http://tunnistus.kanta-hame.example/oauth2' })).toThrow(pattern);
      expect(() => parseWithAuth({ [field]: 'tunnistus.kanta-hame.example' })).toThrow(pattern);
    });

    it('names the county whose settings are wrong', () => {
      const counties = {
        ...minimal,
        'lansi-uusimaa': { displayName: 'Länsi-Uudenmaan hyvinvointialue', auth: { ...auth, issuer: 'http://tunnistus.lansi-uusimaa.example' } },
      };
      expect(() => parseCountyConfigs({ counties })).toThrow(/^Invalid county configuration in the CDK context: counties\.lansi-uusimaa\.auth\.issuer: /);
    });

    it('refuses a claim name with spaces, a fractional audit retention and an unknown auth key', () => {
      expect(() => parseWithAuth({ organizationClaim: 'sote org' })).toThrow(/counties\.kanta-hame\.auth\.organizationClaim: must be a claim name without spaces/);
      expect(() => parseWithAuth({ auditRetentionDays: 365.5 })).toThrow(/counties\.kanta-hame\.auth\.auditRetentionDays: .*expected int/);
      expect(() => parseWithAuth({ auditRetentionDays: 0 })).toThrow(/counties\.kanta-hame\.auth\.auditRetentionDays: .*>=1/);
      expect(() => parseWithAuth({ jwksUri: 'https://tunnistus.kanta-hame.example/jwks' })).toThrow(/counties\.kanta-hame\.auth: Unrecognized key: "jwksUri"/);
    });
  });

  it('stops the CDK app before any stack is built when the context is invalid', () => {
    const app = testApp({ counties: { 'kanta-hame': { displayName: '', reservedConcurrency: 0 } } });
    expect(() => addCountyStacks(app)).toThrow(/counties\.kanta-hame\.displayName: .*counties\.kanta-hame\.reservedConcurrency/s);
    expect(app.node.children).toHaveLength(0);
  });
});
