import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { CountyConfig } from './config.js';
import { ApiFunction } from './constructs/api-function.js';
import { TableBackup } from './constructs/backup.js';
import { DataKey } from './constructs/data-key.js';
import { DataTable } from './constructs/data-table.js';
import { HttpApi } from './constructs/http-api.js';
import { Monitoring } from './constructs/monitoring.js';

/** Path the FHIR base is served on; the function reads it as `BASE_PATH`. */
export const FHIR_BASE_PATH = '/fhir';

/** Properties of {@link SharedCarePlanStack}. */
export interface SharedCarePlanStackProps extends Omit<StackProps, 'env'> {
  /** The county this stack serves; its region and account become the stack's environment. */
  readonly config: CountyConfig;
}

/**
 * Everything one wellbeing services county runs: its encrypted table, the FHIR API function
 * behind an HTTP API, alarms and daily backups. Deployed once per county, in its own region.
 */
export class SharedCarePlanStack extends Stack {
  /** The county's data table. */
  readonly dataTable: DataTable;
  /** The API function. */
  readonly apiFunction: ApiFunction;
  /** The HTTP API. */
  readonly httpApi: HttpApi;
  /** The alarms and their topic. */
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: SharedCarePlanStackProps) {
    const { config, ...stackProps } = props;
    const retain = config.removalPolicy === 'retain';
    super(scope, id, {
      description: `FHIR R4 shared care plan API - ${config.displayName}`,
      terminationProtection: retain,
      ...stackProps,
      env: { region: config.region, ...(config.account ? { account: config.account } : {}) },
    });
    const removalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = config.logRetentionDays as RetentionDays;

    const { key } = new DataKey(this, 'DataKey', { county: config.id, removalPolicy });
    this.dataTable = new DataTable(this, 'Data', { encryptionKey: key, removalPolicy });
    this.apiFunction = new ApiFunction(this, 'ApiFunction', {
      county: config.id,
      basePath: FHIR_BASE_PATH,
      encryptionKey: key,
      auth: config.auth,
      auditRetentionDays: config.auth.auditRetentionDays,
      memorySize: config.lambdaMemoryMb,
      reservedConcurrency: config.reservedConcurrency,
      logRetention,
      logLevel: config.logLevel,
      requireProfiles: config.requireProfiles,
      removalPolicy,
    });
    this.dataTable.bindReadWrite(this.apiFunction.function);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      county: config.id,
      handler: this.apiFunction.function,
      basePath: FHIR_BASE_PATH,
      ...(config.auth.gatewayJwtAuthorizer ? { jwtAuthorizer: { issuer: config.auth.issuer, audience: config.auth.audience } } : {}),
      throttlingRateLimit: config.throttlingRateLimit,
      throttlingBurstLimit: config.throttlingBurstLimit,
      encryptionKey: key,
      logRetention,
      removalPolicy,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      county: config.id,
      apiFunction: this.apiFunction.function,
      apiLogGroup: this.apiFunction.logGroup,
      httpApi: this.httpApi.api,
      table: this.dataTable.table,
      removalPolicy,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
    });
    new TableBackup(this, 'Backup', {
      county: config.id,
      table: this.dataTable.table,
      encryptionKey: key,
      retentionDays: config.backupRetentionDays,
      removalPolicy,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.fhirBaseUrl, description: 'FHIR base URL' });
    new CfnOutput(this, 'TableName', { value: this.dataTable.table.tableName, description: 'DynamoDB table' });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.alarmTopic.topicArn,
      description: 'Subscribe on-call tooling here',
    });
  }
}
