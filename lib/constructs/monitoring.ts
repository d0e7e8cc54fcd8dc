import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** Table operations the API performs; at most 10 fit in one alarm's metric math. */
const TABLE_OPERATIONS = [
  dynamodb.Operation.GET_ITEM,
  dynamodb.Operation.BATCH_GET_ITEM,
  dynamodb.Operation.QUERY,
  dynamodb.Operation.PUT_ITEM,
  dynamodb.Operation.UPDATE_ITEM,
  dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.BATCH_WRITE_ITEM,
  dynamodb.Operation.TRANSACT_WRITE_ITEMS,
  dynamodb.Operation.TRANSACT_GET_ITEMS,
];

const FIVE_MINUTES = Duration.minutes(5);

/**
 * The API's JSON log line when the audit record of a request could not be stored
 * (functions/api/app.ts): the request was answered 503 and nothing was disclosed.
 */
const AUDIT_WRITE_FAILED = logs.FilterPattern.all(
  logs.FilterPattern.stringValue('$.level', '=', 'error'),
  logs.FilterPattern.stringValue('$.message', '=', 'audit write failed'),
);

/** Properties of {@link Monitoring}. */
export interface MonitoringProps {
  /** County id, used in alarm and topic names. */
  readonly county: string;
  /** The API function. */
  readonly apiFunction: lambda.IFunction;
  /** The API function's JSON log group, searched for `audit write failed` lines. */
  readonly apiLogGroup: logs.ILogGroup;
  /** The HTTP API. */
  readonly httpApi: apigwv2.IHttpApi;
  /** The data table. */
  readonly table: dynamodb.ITableV2;
  /**
   * E-mail address subscribed to the alarm topic (the recipient must confirm it).
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * API 5xx responses within five minutes that raise the alarm.
   * @default 5
   */
  readonly serverErrorThreshold?: number;
  /**
   * API p99 latency in milliseconds that, held for 15 minutes, raises the alarm.
   * @default 1500
   */
  readonly latencyP99ThresholdMs?: number;
  /**
   * What happens to the topic's key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * CloudWatch alarms for the API (function errors and throttles, API 5xx and p99 latency, failed
 * audit writes, table system errors and throttled requests), all notifying one KMS-encrypted,
 * TLS-only SNS topic.
 */
export class Monitoring extends Construct {
  /** Topic every alarm (and its recovery) is sent to. */
  readonly alarmTopic: sns.Topic;
  /** Every alarm of the stack. */
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    // A key of its own: CloudWatch must be able to use it, and it should not get the data key.
    const key = new kms.Key(this, 'TopicKey', {
      description: `Shared care plan alarm topic (${props.county})`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Shared care plan alarms (${props.county})`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) {
      const subscription = this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'E-mail alarm notification: SNS retries delivery, and the alarm state and history stay in CloudWatch, so an undeliverable e-mail loses nothing a dead-letter queue would keep.',
      });
    }

    const fn = props.apiFunction;
    const sum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM };
    const auditWriteFailures = new logs.MetricFilter(this, 'AuditWriteFailedFilter', {
      logGroup: props.apiLogGroup,
      filterPattern: AUDIT_WRITE_FAILED,
      metricNamespace: `SharedCarePlan/${props.county}`,
      metricName: 'AuditWriteFailures',
      metricValue: '1',
    });
    const definitions: readonly AlarmDefinition[] = [
      { id: 'FunctionErrors', what: 'API function invocations failed (crash or timeout)', metric: fn.metricErrors(sum), threshold: 1 },
      { id: 'FunctionThrottles', what: 'API function invocations were throttled (reserved concurrency reached)', metric: fn.metricThrottles(sum), threshold: 1 },
      {
        id: 'Api5xx',
        what: 'API answered with 5xx',
        metric: props.httpApi.metricServerError(sum),
        threshold: props.serverErrorThreshold ?? 5,
      },
      {
        id: 'ApiLatencyP99',
        what: 'API p99 latency (ms) stayed high for 15 minutes',
        metric: props.httpApi.metricLatency({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.p(99) }),
        threshold: props.latencyP99ThresholdMs ?? 1500,
        evaluationPeriods: 3,
      },
      {
        id: 'AuditWriteFailures',
        what: 'The audit log could not be written, so requests were refused with 503',
        metric: auditWriteFailures.metric(sum),
        threshold: 1,
      },
      {
        id: 'TableSystemErrors',
        what: 'DynamoDB returned system errors (HTTP 500)',
        metric: props.table.metricSystemErrorsForOperations({ ...sum, operations: TABLE_OPERATIONS }),
        threshold: 1,
      },
      {
        id: 'TableThrottledRequests',
        what: 'DynamoDB throttled requests',
        metric: props.table.metricThrottledRequestsForOperations({ ...sum, operations: TABLE_OPERATIONS }),
        threshold: 1,
      },
    ];
    this.alarms = definitions.map((definition) => this.addAlarm(props.county, definition));
  }

  private addAlarm(county: string, definition: AlarmDefinition): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, definition.id, {
      alarmName: `shared-care-plan-${county}-${definition.id}`,
      alarmDescription: `${definition.what}. Runbook: docs/deployment.md#alarms`,
      metric: definition.metric,
      threshold: definition.threshold,
      evaluationPeriods: definition.evaluationPeriods ?? 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new actions.SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  }
}

interface AlarmDefinition {
  readonly id: string;
  readonly what: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly evaluationPeriods?: number;
}
