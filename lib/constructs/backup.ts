import { Duration, RemovalPolicy, TimeZone, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Properties of {@link TableBackup}. */
export interface TableBackupProps {
  /** County id; names the plan, which must be unique in the account and region. */
  readonly county: string;
  /** The table to back up. */
  readonly table: dynamodb.ITableV2;
  /** Key of the backup vault. */
  readonly encryptionKey: kms.IKey;
  /**
   * Days each daily recovery point is kept.
   * @default 35
   */
  readonly retentionDays?: number;
  /**
   * What happens to the vault when the stack is deleted. When retained, recovery points can
   * only expire, not be deleted by hand.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A daily AWS Backup plan for the table, in a vault of its own encrypted with the county key.
 * Complements point-in-time recovery (35 days, same table) with longer-lived, separately
 * managed recovery points.
 */
export class TableBackup extends Construct {
  /** The plan. */
  readonly plan: backup.BackupPlan;
  /** The vault holding the recovery points. */
  readonly vault: backup.BackupVault;

  constructor(scope: Construct, id: string, props: TableBackupProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.vault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: props.encryptionKey,
      removalPolicy,
      blockRecoveryPointDeletion: removalPolicy !== RemovalPolicy.DESTROY,
    });
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: `shared-care-plan-${props.county}`,
      backupVault: this.vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'Daily',
          scheduleExpression: events.Schedule.cron({ hour: '3', minute: '0' }),
          scheduleExpressionTimezone: TimeZone.EUROPE_HELSINKI,
          deleteAfter: Duration.days(props.retentionDays ?? 35),
        }),
      ],
    });
    const selection = this.plan.addSelection('Table', {
      resources: [backup.BackupResource.fromDynamoDbTable(props.table)],
    });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason: 'AWS Backup\'s own service-role policy, maintained by AWS for the backup jobs it runs; the role can be assumed only by backup.amazonaws.com.',
    });
  }
}
