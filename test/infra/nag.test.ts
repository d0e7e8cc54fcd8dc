import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import type { App } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { addCountyStacks } from '../../lib/county-stacks.js';
import { cdkJsonContext, countyStack, testApp } from './app-fixture.js';

interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly violations: readonly {
      readonly ruleName: string;
      readonly violatingConstructs: readonly { readonly constructPath: string }[];
    }[];
  }[];
}

/**
 * cdk-nag v3 runs as a CDK policy-validation plugin: unacknowledged findings (and, with
 * `annotationsInValidationReport`, construct warnings) land in the assembly's validation
 * report. Failing the synth is turned off here so the test can list them instead.
 */
function findings(app: App): string[] {
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(join(assembly.directory, VALIDATION_REPORT_FILE), 'utf8')) as ValidationReport;
  return report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) =>
      violation.violatingConstructs.map((construct) => `${violation.ruleName} at ${construct.constructPath}`),
    ),
  );
}

const reportOnly = { '@aws-cdk/core:failSynthOnValidationErrors': false };

/** Paths, relative to the stack, of the constructs that acknowledge `rule`. */
function acknowledgedAt(stack: IConstruct, rule: string): string[] {
  return stack.node
    .findAll()
    .filter((construct) =>
      construct.node.metadata.some(
        (entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && Object.keys(entry.data as object).some((id) => id.endsWith(rule)),
      ),
    )
    .map((construct) => construct.node.path.slice(stack.node.path.length + 1));
}

const withGatewayAuthorizer = (county: string): Record<string, unknown> => {
  const settings = cdkJsonContext().counties[county] as { auth: Record<string, unknown> };
  return { ...settings, auth: { ...settings.auth, gatewayJwtAuthorizer: true } };
};

describe('cdk-nag (AwsSolutions and Serverless packs)', () => {
  // The first synth of the process also warms up CDK's built-in CloudFormation validation (~6 s).
  it('leaves no unacknowledged finding in the stacks of cdk.json', { timeout: 60_000 }, () => {
    const app = testApp(reportOnly);
    const stacks = addCountyStacks(app);
    expect(findings(app)).toEqual([]);
    for (const stack of stacks) {
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
      Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
    }
  });

  it('leaves no unacknowledged finding with an alarm e-mail and removalPolicy destroy', () => {
    const context = cdkJsonContext();
    const counties = {
      'kanta-hame': { ...context.counties['kanta-hame'], alarmEmail: 'paivystys@example.fi', removalPolicy: 'destroy' },
    };
    const app = testApp({ ...reportOnly, counties });
    addCountyStacks(app);
    expect(findings(app)).toEqual([]);
  });

  it('leaves no unacknowledged finding with the gateway JWT authorizer', () => {
    const app = testApp({ ...reportOnly, counties: { 'kanta-hame': withGatewayAuthorizer('kanta-hame') } });
    addCountyStacks(app);
    expect(findings(app)).toEqual([]);
  });

  describe('AwsSolutions-APIG4 (route without authorizer)', () => {
    const publicRoutes = ['HttpApi/Api/GET--fhir--metadata', 'HttpApi/Api/GET--fhir--.well-known--smart-configuration'];
    const protectedRoutes = ['HttpApi/Api/ANY--fhir', 'HttpApi/Api/ANY--fhir--{proxy+}'];

    it('is acknowledged route by route without the gateway authorizer, the FHIR routes because the function authenticates', () => {
      const stack = countyStack('kanta-hame');
      expect(acknowledgedAt(stack, 'AwsSolutions-APIG4').sort()).toEqual([...protectedRoutes, ...publicRoutes].sort());
      const reasons = stack.httpApi.protectedRoutes.flatMap((route) =>
        route.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) => Object.values(entry.data as Record<string, string>)),
      );
      expect(reasons).toHaveLength(2);
      for (const reason of reasons) expect(reason).toMatch(/function authenticates every request/);
    });

    it('is acknowledged only on the public discovery routes with the gateway authorizer', () => {
      const stack = countyStack('kanta-hame', { auth: withGatewayAuthorizer('kanta-hame')['auth'] });
      expect(acknowledgedAt(stack, 'AwsSolutions-APIG4').sort()).toEqual([...publicRoutes].sort());
    });
  });

  it('reports a finding that nobody acknowledged', () => {
    const app = testApp({ ...reportOnly, county: 'kanta-hame' });
    const [stack] = addCountyStacks(app);
    new sns.Topic(stack as Stack, 'PlainTopic');
    expect(findings(app)).toContain('AwsSolutions-SNS3 at SharedCarePlan-kanta-hame/PlainTopic/Resource');
  });

  it('fails the synth on an unacknowledged finding when not in report-only mode', () => {
    const app = testApp({ county: 'kanta-hame' });
    const [stack] = addCountyStacks(app);
    new sns.Topic(stack as Stack, 'PlainTopic');
    expect(() => app.synth()).toThrow(/AwsSolutions-SNS3/);
  });
});
