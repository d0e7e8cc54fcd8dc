import type { CfnElement } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { addCountyStacks } from '../../lib/county-stacks.js';
import type { SharedCarePlanStack } from '../../lib/shared-care-plan-stack.js';
import { loadConfig } from '../../functions/shared/config.js';
import { TABLE } from '../../functions/shared/table-definition.js';
import { cdkJsonContext, countyStack, testApp } from './app-fixture.js';

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
}

const stack = countyStack('kanta-hame');
const template = Template.fromStack(stack);

function logicalId(construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

function resourceProperties(type: string): Record<string, unknown> {
  const [resource, ...others] = Object.values(template.findResources(type));
  expect(others).toHaveLength(0);
  return (resource as { Properties: Record<string, unknown> }).Properties;
}

/** The auth block of kanta-hame in cdk.json. */
const KANTA_HAME_AUTH = {
  issuer: 'https://tunnistus.kanta-hame.example/oauth2',
  audience: 'https://yhteishoito.kanta-hame.example/fhir',
  auditRetentionDays: 4383,
};

const PROTECTED_ROUTES = ['ANY /fhir', 'ANY /fhir/{proxy+}'];
const PUBLIC_ROUTES = ['GET /fhir/metadata', 'GET /fhir/.well-known/smart-configuration'];

function routes(from: Template): Record<string, unknown>[] {
  return Object.values(from.findResources('AWS::ApiGatewayV2::Route')).map(
    (route) => (route as { Properties: Record<string, unknown> }).Properties,
  );
}

function routeKeys(from: Template): string[] {
  return routes(from).map((route) => route['RouteKey'] as string);
}

const tableId = logicalId(stack.dataTable.table);
const functionId = logicalId(stack.apiFunction.function);

describe('data table', () => {
  it('is on-demand with point-in-time recovery, deletion protection and a NEW_AND_OLD_IMAGES stream', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      Replicas: [
        Match.objectLike({
          Region: 'eu-north-1',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      ],
    });
  });

  it('is encrypted with a customer-managed key of the stack that rotates', () => {
    const key = new Capture();
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [Match.objectLike({ SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } } })],
    });
    expect(template.toJSON().Resources[key.asString()]).toMatchObject({
      Type: 'AWS::KMS::Key',
      Properties: { EnableKeyRotation: true },
    });
  });

  it('has the key schema and exactly the global secondary indexes of TABLE, each projecting ALL', () => {
    const keySchema = (pk: string, sk: string): unknown[] => [
      { AttributeName: pk, KeyType: 'HASH' },
      { AttributeName: sk, KeyType: 'RANGE' },
    ];
    const table = resourceProperties('AWS::DynamoDB::GlobalTable');
    expect(table['KeySchema']).toEqual(keySchema(TABLE.partitionKey.name, TABLE.sortKey.name));
    const byName = (a: { IndexName: string }, b: { IndexName: string }): number => a.IndexName.localeCompare(b.IndexName);
    const expected = TABLE.globalIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: keySchema(index.partitionKey.name, index.sortKey.name),
      Projection: { ProjectionType: 'ALL' },
    }));
    expect([...(table['GlobalSecondaryIndexes'] as { IndexName: string }[])].sort(byName)).toEqual(expected.sort(byName));
  });

  it('has exactly the local secondary indexes of TABLE (strongly consistent search anchors)', () => {
    const table = resourceProperties('AWS::DynamoDB::GlobalTable');
    const expected = TABLE.localIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: TABLE.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    }));
    const byName = (a: { IndexName: string }, b: { IndexName: string }): number => a.IndexName.localeCompare(b.IndexName);
    expect([...(table['LocalSecondaryIndexes'] as { IndexName: string }[])].sort(byName)).toEqual(expected.sort(byName));
    expect(expected.map((index) => index.IndexName)).toContain('byCustodian');
  });

  it('expires audit records through DynamoDB TTL on the attribute of TABLE', () => {
    expect(TABLE.timeToLiveAttribute).toBe('expiresAt');
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('is retained when the stack is deleted, by default', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(stack.terminationProtection).toBe(true);
  });

  it('can be destroyed, without deletion protection, when the county sets removalPolicy destroy', () => {
    const disposable = countyStack('kanta-hame', { removalPolicy: 'destroy' });
    const disposableTemplate = Template.fromStack(disposable);
    disposableTemplate.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] }),
    });
    expect(disposable.terminationProtection).toBe(false);
  });
});

describe('API function', () => {
  it('runs on ARM64 Node.js 24 with active tracing, a 10 s timeout and memory and concurrency from the config', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Timeout: 10,
      MemorySize: 1024,
      ReservedConcurrentExecutions: 50,
      TracingConfig: { Mode: 'Active' },
    });
  });

  it('gets TABLE_NAME referencing the table, the cursor secret ARN, county, base path and log level', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: { Ref: tableId },
          CURSOR_SECRET_ARN: { Ref: logicalId(stack.apiFunction.cursorSecret) },
          COUNTY: 'kanta-hame',
          BASE_PATH: '/fhir',
          LOG_LEVEL: 'info',
        }),
      },
    });
  });

  it('gets the issuer, audience and audit retention of the county, and no optional AUTH_* variable it does not set', () => {
    const variables = (resourceProperties('AWS::Lambda::Function')['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toMatchObject({
      AUTH_ISSUER: KANTA_HAME_AUTH.issuer,
      AUTH_AUDIENCE: KANTA_HAME_AUTH.audience,
      AUDIT_RETENTION_DAYS: '4383',
    });
    // Unset, the function's own defaults apply (functions/shared/config.ts).
    for (const name of ['AUTH_JWKS_URL', 'AUTH_TOKEN_ENDPOINT', 'AUTH_CLIENT_CLAIM', 'AUTH_ORGANIZATION_CLAIM', 'AUTH_PRACTITIONER_CLAIM', 'AUTH_PURPOSE_CLAIM']) {
      expect(variables).not.toHaveProperty(name);
    }
  });

  it('passes every auth setting the county configures as its AUTH_* variable', () => {
    const auth = {
      issuer: 'https://tunnistus.kanta-hame.example/realms/sote',
      audience: 'shared-care-plan-kanta-hame',
      jwksUrl: 'https://tunnistus.kanta-hame.example/realms/sote/certs',
      tokenEndpoint: 'https://tunnistus.kanta-hame.example/realms/sote/token',
      clientClaim: 'azp',
      organizationClaim: 'sote_org',
      practitionerClaim: 'hpi',
      purposeClaim: 'pou',
      auditRetentionDays: 3653,
    };
    Template.fromStack(countyStack('kanta-hame', { auth })).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          AUTH_ISSUER: auth.issuer,
          AUTH_AUDIENCE: auth.audience,
          AUTH_JWKS_URL: auth.jwksUrl,
          AUTH_TOKEN_ENDPOINT: auth.tokenEndpoint,
          AUTH_CLIENT_CLAIM: 'azp',
          AUTH_ORGANIZATION_CLAIM: 'sote_org',
          AUTH_PRACTITIONER_CLAIM: 'hpi',
          AUTH_PURPOSE_CLAIM: 'pou',
          AUDIT_RETENTION_DAYS: '3653',
        }),
      },
    });
  });

  it('gets REQUIRE_PROFILES from the county, false unless it asks for profiles', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ REQUIRE_PROFILES: 'false' }) } });
    Template.fromStack(countyStack('kanta-hame', { requireProfiles: true })).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REQUIRE_PROFILES: 'true' }) },
    });
  });

  it.each(['kanta-hame', 'lansi-uusimaa'])('gets an environment the function accepts when deployed (%s)', async (county) => {
    const [fn] = Object.values(Template.fromStack(countyStack(county)).findResources('AWS::Lambda::Function')) as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    }[];
    // Values resolved only at deployment (Ref, Fn::GetAtt) become plausible literals.
    const env = Object.fromEntries(
      Object.entries(fn?.Properties.Environment.Variables ?? {}).map(([name, value]) => [
        name,
        typeof value === 'string' ? value : name === 'CURSOR_SECRET_ARN' ? 'arn:aws:secretsmanager:eu-north-1:123456789012:secret:cursor' : 'resolved-at-deploy',
      ]),
    );
    const config = await loadConfig(env, async () => 'k'.repeat(64), { deployed: true });
    const auth = cdkJsonContext().counties[county]?.['auth'] as { issuer: string; audience: string };
    expect(config.auth).toMatchObject({ issuer: auth.issuer, audience: auth.audience, development: false });
    expect(config.auditRetentionDays).toBe(4383);
  });

  it('logs to its own encrypted log group with the configured retention', () => {
    const logGroup = new Capture();
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: logGroup } } });
    expect(template.toJSON().Resources[logGroup.asString()]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
    });
  });

  it('has a generated 64-character cursor secret encrypted with the customer key', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
      GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
    });
  });

  it('may read and write items and query the TABLE indexes, but has no dynamodb:*, Scan or wildcard index access', () => {
    const roleId = logicalId(stack.apiFunction.function.role as IConstruct);
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
    const statements = Object.values(policies).flatMap(
      (policy) => (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    );
    const actions = statements.flatMap((statement) => statement.Action);
    expect(actions).not.toContain('dynamodb:*');
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((action) => action === '*' || action.endsWith(':*'))).toEqual([]);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']));
    expect(actions).not.toContain('dynamodb:DeleteTable');
    // The AwsSolutions-IAM5[Resource::*] acknowledgement on the role covers X-Ray only.
    const onAnyResource = statements.filter((statement) => statement.Resource === '*').flatMap((statement) => statement.Action);
    expect(onAnyResource.sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);

    const indexResources = statements
      .filter((statement) => statement.Action === 'dynamodb:Query')
      .map((statement) => JSON.stringify(statement.Resource));
    expect(indexResources).toHaveLength(1);
    for (const index of [...TABLE.globalIndexes, ...TABLE.localIndexes]) expect(indexResources[0]).toContain(`/index/${index.indexName}"`);
    expect(indexResources[0]).not.toContain('/index/*');
  });
});

describe('HTTP API', () => {
  it('routes ANY /fhir, ANY /fhir/{proxy+} and the two discovery GETs, and nothing else', () => {
    expect(routeKeys(template).sort()).toEqual([...PROTECTED_ROUTES, ...PUBLIC_ROUTES].sort());
  });

  it('has no gateway authorizer by default: the function authenticates every request', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    expect(stack.httpApi.jwtAuthorizer).toBeUndefined();
    for (const route of routes(template)) {
      expect(route).toMatchObject({ AuthorizationType: 'NONE' });
      expect(route).not.toHaveProperty('AuthorizerId');
    }
  });

  describe('with the gateway JWT authorizer (auth.gatewayJwtAuthorizer)', () => {
    const guarded = countyStack('kanta-hame', { auth: { ...KANTA_HAME_AUTH, gatewayJwtAuthorizer: true } });
    const guardedTemplate = Template.fromStack(guarded);

    it('checks the issuer and audience of the county', () => {
      guardedTemplate.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
      guardedTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: { Issuer: KANTA_HAME_AUTH.issuer, Audience: [KANTA_HAME_AUTH.audience] },
      });
    });

    it('guards both FHIR routes', () => {
      const authorizerId = Object.keys(guardedTemplate.findResources('AWS::ApiGatewayV2::Authorizer'))[0];
      for (const routeKey of PROTECTED_ROUTES) {
        guardedTemplate.hasResourceProperties('AWS::ApiGatewayV2::Route', {
          RouteKey: routeKey,
          AuthorizationType: 'JWT',
          AuthorizerId: { Ref: authorizerId },
        });
      }
    });

    it('leaves GET /fhir/metadata and GET /fhir/.well-known/smart-configuration open', () => {
      expect(routeKeys(guardedTemplate).sort()).toEqual([...PROTECTED_ROUTES, ...PUBLIC_ROUTES].sort());
      for (const routeKey of PUBLIC_ROUTES) {
        const [route, ...others] = routes(guardedTemplate).filter((candidate) => candidate['RouteKey'] === routeKey);
        expect(others).toHaveLength(0);
        expect(route).toMatchObject({ AuthorizationType: 'NONE' });
        expect(route).not.toHaveProperty('AuthorizerId');
      }
    });

    it('changes nothing else about the routes: same logical ids, same integration', () => {
      const targets = (t: Template): string[] => routes(t).map((route) => JSON.stringify(route['Target']));
      expect(Object.keys(guardedTemplate.findResources('AWS::ApiGatewayV2::Route')).sort()).toEqual(
        Object.keys(template.findResources('AWS::ApiGatewayV2::Route')).sort(),
      );
      expect(new Set([...targets(template), ...targets(guardedTemplate)]).size).toBe(1);
    });
  });

  it('integrates the function with payload format 2.0', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [functionId, 'Arn'] },
    });
  });

  it('throttles the auto-deployed $default stage as configured', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
  });

  it('writes JSON access logs with the request id to a log group with retention', () => {
    const stage = resourceProperties('AWS::ApiGatewayV2::Stage');
    const settings = stage['AccessLogSettings'] as { DestinationArn: { 'Fn::GetAtt': [string, string] }; Format: string };
    expect(JSON.parse(settings.Format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      routeKey: '$context.routeKey',
      integrationError: '$context.integrationErrorMessage',
    });
    const [logGroupId] = settings.DestinationArn['Fn::GetAtt'];
    expect(template.toJSON().Resources[logGroupId]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 365 },
    });
  });
});

describe('monitoring', () => {
  const metricNamesOf = (alarm: Record<string, unknown>): string[] =>
    alarm['MetricName']
      ? [alarm['MetricName'] as string]
      : (alarm['Metrics'] as { MetricStat?: { Metric: { MetricName: string } } }[]).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : []));

  it('alarms on function errors and throttles, API 5xx and p99 latency, and DynamoDB system errors and throttling', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => (alarm as { Properties: Record<string, unknown> }).Properties,
    );
    const metrics = alarms.map((alarm) => [...new Set(metricNamesOf(alarm))].join(','));
    expect(metrics.sort()).toEqual(['5xx', 'AuditWriteFailures', 'Errors', 'Latency', 'SystemErrors', 'ThrottledRequests', 'Throttles']);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Latency', ExtendedStatistic: 'p99' });
  });

  it('counts the function\'s "audit write failed" error lines and alarms on the first one', () => {
    const logGroupId = logicalId(stack.apiFunction.logGroup);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logGroupId },
      FilterPattern: '{ ($.level = "error") && ($.message = "audit write failed") }',
      MetricTransformations: [{ MetricNamespace: 'SharedCarePlan/kanta-hame', MetricName: 'AuditWriteFailures', MetricValue: '1' }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shared-care-plan-kanta-hame-AuditWriteFailures',
      Namespace: 'SharedCarePlan/kanta-hame',
      MetricName: 'AuditWriteFailures',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('notifies a KMS-encrypted topic that only accepts TLS', () => {
    const topicId = logicalId(stack.monitoring.alarmTopic);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(stack.monitoring.alarms.length);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ Properties: { AlarmActions: [{ Ref: topicId }], OKActions: [{ Ref: topicId }] } });
    }
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('subscribes the alarm e-mail only when the county configures one', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(countyStack('kanta-hame', { alarmEmail: 'paivystys@example.fi' }));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'paivystys@example.fi' });
  });
});

describe('backup', () => {
  it('backs the table up daily into an encrypted vault, keeping recovery points for the configured days', () => {
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({ Resources: [{ 'Fn::GetAtt': [tableId, 'Arn'] }] }),
    });
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: Match.objectLike({
        BackupPlanName: 'shared-care-plan-kanta-hame',
        BackupPlanRule: [Match.objectLike({ ScheduleExpression: 'cron(0 3 * * ? *)', Lifecycle: { DeleteAfterDays: 35 } })],
      }),
    });
    template.hasResourceProperties('AWS::Backup::BackupVault', { EncryptionKeyArn: Match.anyValue() });
  });
});

describe('app', () => {
  it('outputs the FHIR base URL and the table name', () => {
    template.hasOutput('ApiUrl', { Value: { 'Fn::Join': ['', Match.arrayWith(['/fhir'])] } });
    template.hasOutput('TableName', { Value: { Ref: tableId } });
  });

  it('creates one stack per county of cdk.json, each in its configured region', () => {
    const stacks: SharedCarePlanStack[] = addCountyStacks(testApp());
    expect(stacks.map((s) => [s.stackName, s.region])).toEqual([
      ['SharedCarePlan-kanta-hame', 'eu-north-1'],
      ['SharedCarePlan-lansi-uusimaa', 'eu-north-1'],
    ]);
  });

  it('tags resources with the app and the county', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Tags: Match.arrayWith([{ Key: 'app', Value: 'shared-care-plan' }, { Key: 'county', Value: 'kanta-hame' }]),
    });
  });

  it('creates only the county selected with -c county=<id>', () => {
    const stacks = addCountyStacks(testApp({ county: 'lansi-uusimaa' }));
    expect(stacks.map((s) => s.stackName)).toEqual(['SharedCarePlan-lansi-uusimaa']);
  });
});
