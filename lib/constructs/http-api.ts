import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
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

/**
 * What a client reads before it has a token, relative to the FHIR base: the CapabilityStatement
 * and the SMART configuration (functions/api serves both without authentication). They stay
 * open at the gateway too, as `GET` routes of their own.
 */
const PUBLIC_GET_PATHS = ['/metadata', '/.well-known/smart-configuration'] as const;

/** Issuer and audience an HTTP API JWT authorizer checks. */
export interface GatewayJwtAuthorizerProps {
  /**
   * Issuer of the access tokens, exactly as their `iss`. API Gateway finds the keys through
   * `<issuer>/.well-known/openid-configuration` (`jwks_uri`).
   */
  readonly issuer: string;
  /** Audience of the access tokens (`aud`). */
  readonly audience: string;
}

/** Properties of {@link HttpApi}. */
export interface HttpApiProps {
  /** County id, used in the API name. */
  readonly county: string;
  /** The function serving every FHIR request. */
  readonly handler: lambda.IFunction;
  /** Path the FHIR base is mounted on, e.g. `/fhir`. */
  readonly basePath: string;
  /**
   * Also verify access tokens at the gateway, with an HTTP API JWT authorizer on every route
   * but the public `GET` routes. Defence in depth only: the function verifies every token
   * itself, and the authorizer accepts RSA-signed tokens only.
   * @default - no gateway authorizer; the function authenticates every request
   */
  readonly jwtAuthorizer?: GatewayJwtAuthorizerProps;
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
 * (optionally behind a JWT authorizer), public `GET <basePath>/metadata` and
 * `GET <basePath>/.well-known/smart-configuration`, payload format 2.0, a throttled `$default`
 * stage and JSON access logs.
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
  /** The FHIR routes: behind {@link jwtAuthorizer} when there is one. */
  readonly protectedRoutes: readonly apigwv2.HttpRoute[];
  /** The discovery routes, never behind an authorizer. */
  readonly publicRoutes: readonly apigwv2.HttpRoute[];
  /** The gateway JWT authorizer, when configured. */
  readonly jwtAuthorizer?: HttpJwtAuthorizer;

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
    if (props.jwtAuthorizer) {
      this.jwtAuthorizer = new HttpJwtAuthorizer('GatewayJwtAuthorizer', props.jwtAuthorizer.issuer, {
        jwtAudience: [props.jwtAuthorizer.audience],
      });
    }
    const authorizer = this.jwtAuthorizer;
    this.protectedRoutes = [props.basePath, `${props.basePath}/{proxy+}`].flatMap((path) =>
      this.api.addRoutes({ path, methods: [apigwv2.HttpMethod.ANY], integration, ...(authorizer ? { authorizer } : {}) }),
    );
    // More specific than `{proxy+}`, so API Gateway picks these for exactly these GETs. The
    // explicit none-authorizer keeps them open should the API ever get a default authorizer.
    this.publicRoutes = PUBLIC_GET_PATHS.flatMap((path) =>
      this.api.addRoutes({
        path: `${props.basePath}${path}`,
        methods: [apigwv2.HttpMethod.GET],
        integration,
        authorizer: new apigwv2.HttpNoneAuthorizer(),
      }),
    );
    this.fhirBaseUrl = `${this.stage.url}${props.basePath.replace(/^\//, '')}`;

    for (const route of this.publicRoutes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Public by design: the CapabilityStatement and the SMART configuration are what a client reads before it has a token (FHIR RESTful API, SMART Backend Services discovery); they hold no client data.',
      });
    }
    if (!authorizer) {
      for (const route of this.protectedRoutes) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            "The function authenticates every request on this route itself (SMART Backend Services access token: signature against the county issuer's JWKS, iss, aud, expiry; then the SMART system scopes) and answers 401 or 403 otherwise. The optional gateway JWT authorizer (auth.gatewayJwtAuthorizer) is off because it accepts RSA-signed tokens only.",
        });
      }
    }
  }
}
