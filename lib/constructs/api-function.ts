import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { CountyAuthConfig, LogLevelName } from '../config.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = fileURLToPath(new URL('../../functions/api/handler.ts', import.meta.url));

/**
 * Node.js ESM has no `require`; some bundled CommonJS dependencies still call it.
 */
const REQUIRE_SHIM = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * How the function verifies access tokens: the county's auth settings without the stack-level
 * ones (retention and the gateway authorizer). Unset optional values fall back to the function's
 * own defaults (functions/shared/config.ts).
 */
export type ApiFunctionAuth = Omit<CountyAuthConfig, 'auditRetentionDays' | 'gatewayJwtAuthorizer'>;

/** Environment variable of each optional {@link ApiFunctionAuth} setting. */
const OPTIONAL_AUTH_VARIABLES = {
  jwksUrl: 'AUTH_JWKS_URL',
  tokenEndpoint: 'AUTH_TOKEN_ENDPOINT',
  clientClaim: 'AUTH_CLIENT_CLAIM',
  organizationClaim: 'AUTH_ORGANIZATION_CLAIM',
  practitionerClaim: 'AUTH_PRACTITIONER_CLAIM',
  purposeClaim: 'AUTH_PURPOSE_CLAIM',
} as const satisfies Record<Exclude<keyof ApiFunctionAuth, 'issuer' | 'audience'>, string>;

function authEnvironment(auth: ApiFunctionAuth): Record<string, string> {
  const environment: Record<string, string> = { AUTH_ISSUER: auth.issuer, AUTH_AUDIENCE: auth.audience };
  for (const [setting, variable] of Object.entries(OPTIONAL_AUTH_VARIABLES)) {
    const value = auth[setting as keyof typeof OPTIONAL_AUTH_VARIABLES];
    if (value !== undefined) environment[variable] = value;
  }
  return environment;
}

/** Properties of {@link ApiFunction}. */
export interface ApiFunctionProps {
  /** County code, passed to the function as `COUNTY`. */
  readonly county: string;
  /** Path the FHIR base is mounted on, passed as `BASE_PATH` (e.g. `/fhir`). */
  readonly basePath: string;
  /** Customer-managed key for the cursor secret and the log group. */
  readonly encryptionKey: kms.IKey;
  /** Access-token verification, passed as the `AUTH_*` variables. */
  readonly auth: ApiFunctionAuth;
  /** Days an audit record is kept before DynamoDB TTL removes it (`AUDIT_RETENTION_DAYS`). */
  readonly auditRetentionDays: number;
  /**
   * Memory in MB; CPU scales with it.
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Reserved concurrency.
   * @default - none: the function shares the account's unreserved pool
   */
  readonly reservedConcurrency?: number;
  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * `LOG_LEVEL` of the function.
   * @default 'info'
   */
  readonly logLevel?: LogLevelName;
  /**
   * Every write must conform to the shared-plan profile of its type (`REQUIRE_PROFILES`).
   * @default false
   */
  readonly requireProfiles?: boolean;
  /**
   * What happens to the log group and the cursor secret when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The Lambda function that serves the FHIR API (the Hono app behind API Gateway), with its own
 * encrypted log group, a least-privilege role and the HMAC key for opaque paging cursors.
 */
export class ApiFunction extends Construct {
  /** The function. Grant it data access with `DataTable.bindReadWrite`. */
  readonly function: NodejsFunction;
  /** Secret holding the HMAC key that signs paging cursors (`CURSOR_SECRET_ARN`). */
  readonly cursorSecret: secretsmanager.Secret;
  /** The function's JSON log group (one line per event, see functions/shared/logger.ts). */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.encryptionKey,
      removalPolicy,
    });
    this.logGroup = logGroup;
    // An own role instead of AWSLambdaBasicExecutionRole: it may write to this log group only.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `FHIR API function of ${props.county}`,
    });
    logGroup.grantWrite(role);

    this.cursorSecret = new secretsmanager.Secret(this, 'CursorSecret', {
      description: `HMAC key for opaque FHIR paging cursors (${props.county})`,
      encryptionKey: props.encryptionKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });

    this.function = new NodejsFunction(this, 'Function', {
      entry: ENTRY,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      // The newest Node.js runtime aws-cdk-lib 2.276 knows; cdk-nag L1 accepts only the newest.
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: Duration.seconds(10),
      ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrency }),
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      environment: {
        COUNTY: props.county,
        BASE_PATH: props.basePath,
        LOG_LEVEL: props.logLevel ?? 'info',
        CURSOR_SECRET_ARN: this.cursorSecret.secretArn,
        ...authEnvironment(props.auth),
        AUDIT_RETENTION_DAYS: String(props.auditRetentionDays),
        REQUIRE_PROFILES: String(props.requireProfiles ?? false),
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        banner: REQUIRE_SHIM,
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The AWS SDK v3 clients are bundled rather than taken from the runtime: the deployed
        // code then runs exactly the SDK version the tests ran against (package-lock), a
        // runtime SDK update cannot change behaviour under us, and one tree-shaken file loads
        // faster at cold start than resolving the runtime's full client packages.
        bundleAwsSDK: true,
        externalModules: [],
        forceDockerBundling: false,
      },
    });
    this.cursorSecret.grantRead(this.function);

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) do not support resource-level permissions.',
    });
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked only synchronously by API Gateway: a failure is returned to the client as a 5xx (and alarmed on); there is no asynchronous event that a dead-letter queue could keep.',
    });
    Validations.of(this.cursorSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The cursor HMAC key only signs short-lived paging cursors; rotating it would invalidate open paging sessions and needs dual-key verification in the API first. Rotate by updating the secret value.',
    });
  }
}
