import { describe, expect, it } from 'vitest';
import { CountyConfigError, parseCountyConfigs } from '../../lib/config.js';
import { addCountyStacks } from '../../lib/county-stacks.js';
import { testApp } from './app-fixture.js';

const minimal = { 'kanta-hame': { displayName: 'Kanta-Hämeen hyvinvointialue' } };

function parseWith(settings: Record<string, unknown>): unknown {
  return parseCountyConfigs({ counties: { 'kanta-hame': { ...minimal['kanta-hame'], ...settings } } });
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

  it('stops the CDK app before any stack is built when the context is invalid', () => {
    const app = testApp({ counties: { 'kanta-hame': { displayName: '', reservedConcurrency: 0 } } });
    expect(() => addCountyStacks(app)).toThrow(/counties\.kanta-hame\.displayName: .*counties\.kanta-hame\.reservedConcurrency/s);
    expect(app.node.children).toHaveLength(0);
  });
});
