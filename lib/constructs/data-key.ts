import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Properties of {@link DataKey}. */
export interface DataKeyProps {
  /** County id, used in the key alias and description. */
  readonly county: string;
  /**
   * What happens to the key when the stack is deleted. A destroyed key is only scheduled for
   * deletion (7-day pending window) so a mistaken delete can still be cancelled.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The county's customer-managed KMS key for client data at rest: the table (and its stream and
 * PITR backups), the cursor secret, the backup vault and the log groups. Rotation is on, and
 * CloudWatch Logs of this account and region may use it for log groups.
 */
export class DataKey extends Construct {
  /** The key. */
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: DataKeyProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.key = new kms.Key(this, 'Key', {
      alias: `alias/shared-care-plan/${props.county}/data`,
      description: `Shared care plan data at rest (${props.county})`,
      enableKeyRotation: true,
      removalPolicy,
      ...(removalPolicy === RemovalPolicy.DESTROY ? { pendingWindow: Duration.days(7) } : {}),
    });
    // Log groups encrypted with a customer key need CloudWatch Logs in the key policy (an IAM
    // grant is not enough); the encryption-context condition limits it to this account's log groups.
    const { region, account, partition } = Stack.of(this);
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*` },
        },
      }),
    );
  }
}
