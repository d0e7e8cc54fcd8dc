import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * One JSON object per request, metadata only: the path carries resource ids but no query string,
 * and no body is logged. `lambdaRequestId` is the invocation id of the function's
 * START/END/REPORT log lines and X-Ray trace.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    extendedRequestId: '$context.extendedRequestId',
    requestTime: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    httpMethod: '$context.httpMethod',
    routeKey: '$context.routeKey',
    path: '$context.path',
    protocol: '$context.protocol',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationStatus: '$context.integrationStatus',
    integrationError: '$context.integrationErrorMessage',
    lambdaRequestId: '$context.integration.requestId',
    error: '$context.error.message',
  }),
);

/** Properties of {@link HttpApi}. */
export interface HttpApiProps {
  /** County id, used in the API name. */
  readonly county: string;
  /** The function serving every FHIR request. */
  readonly handler: lambda.IFunction;
  /** Path the FHIR base is mounted on, e.g. `/fhir`. */
  readonly basePath: string;
  /** Default-stage steady-state rate limit, requests per second. */
  readonly throttlingRateLimit: number;
  /** Default-stage burst limit, requests. */
  readonly throttlingBurstLimit: number;
  /**
   * Key for the access log group.
   * @default - CloudWatch Logs service-managed encryption
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Retention of the access log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the access log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * API Gateway HTTP API in front of the function: `ANY <basePath>` and `ANY <basePath>/{proxy+}`
 * with payload format 2.0, a throttled `$default` stage and JSON access logs.
 */
export class HttpApi extends Construct {
  /** The HTTP API. */
  readonly api: apigwv2.HttpApi;
  /** The auto-deployed `$default` stage. */
  readonly stage: apigwv2.HttpStage;
  /** Access log group of the stage. */
  readonly accessLogGroup: logs.LogGroup;
  /** URL of the FHIR base, e.g. `https://abc.execute-api.eu-north-1.amazonaws.com/fhir`. */
  readonly fhirBaseUrl: string;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: `shared-care-plan-${props.county}`,
      description: `FHIR R4 shared care plan API (${props.county})`,
      createDefaultStage: false,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttlingRateLimit, burstLimit: props.throttlingBurstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: ACCESS_LOG_FORMAT,
      },
    });

    const integration = new HttpLambdaIntegration('Fhir', props.handler, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    for (const path of [props.basePath, `${props.basePath}/{proxy+}`]) {
      this.api.addRoutes({ path, methods: [apigwv2.HttpMethod.ANY], integration });
    }
    this.fhirBaseUrl = `${this.stage.url}${props.basePath.replace(/^\//, '')}`;

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Both FHIR routes are open at the gateway for now: SMART Backend Services JWT authorisation is the next issue; until it lands the stack must not hold production client data.',
    });
  }
}
