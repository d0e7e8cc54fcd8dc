import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { TABLE, type TableDefinition } from '../../functions/shared/table-definition.js';

/** Item-level actions the repository performs (transactions are authorised per item action). */
const ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

/** What a caller needs of the table key when DynamoDB uses it on the caller's behalf. */
const KEY_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'];

/** Properties of {@link DataTable}. */
export interface DataTableProps {
  /** Customer-managed key for the table, its stream and its backups. */
  readonly encryptionKey: kms.IKey;
  /**
   * What happens to the table when the stack is deleted. Anything but DESTROY also turns on
   * deletion protection.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Keys and indexes of the table.
   * @default TABLE from functions/shared/table-definition.ts (the one source of truth)
   */
  readonly definition?: TableDefinition;
}

function stringKey(attribute: { readonly name: string }): dynamodb.Attribute {
  return { name: attribute.name, type: dynamodb.AttributeType.STRING };
}

/**
 * The single DynamoDB table of the FHIR store, built from the shared table definition:
 * on-demand, point-in-time recovery, deletion protection, a NEW_AND_OLD_IMAGES stream (for
 * subscription notifications) and encryption with the county's customer-managed key.
 */
export class DataTable extends Construct {
  /** The table. */
  readonly table: dynamodb.TableV2;
  private readonly definition: TableDefinition;
  private readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: DataTableProps) {
    super(scope, id);
    this.definition = props.definition ?? TABLE;
    this.encryptionKey = props.encryptionKey;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: stringKey(this.definition.partitionKey),
      sortKey: stringKey(this.definition.sortKey),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: removalPolicy !== RemovalPolicy.DESTROY,
      dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(props.encryptionKey),
      globalSecondaryIndexes: this.definition.globalIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      })),
      localSecondaryIndexes: this.definition.localIndexes.map((index) => ({
        indexName: index.indexName,
        sortKey: stringKey(index.sortKey),
        // Keys only: a projected copy would count against the item's 400 KB (see TABLE.localIndexProjection).
        projectionType: dynamodb.ProjectionType[this.definition.localIndexProjection],
      })),
      timeToLiveAttribute: this.definition.timeToLiveAttribute,
      removalPolicy,
    });
  }

  /**
   * Lets `fn` read and write items (no Scan, no table management) and sets its `TABLE_NAME`.
   * Index access is limited to Query on the indexes of the table definition, and the key may
   * only be used through DynamoDB.
   */
  bindReadWrite(fn: lambda.Function): void {
    const { tableArn } = this.table;
    fn.addEnvironment('TABLE_NAME', this.table.tableName);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ITEM_ACTIONS, resources: [tableArn] }));
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [...this.definition.globalIndexes, ...this.definition.localIndexes].map((index) => `${tableArn}/index/${index.indexName}`),
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: KEY_ACTIONS,
        resources: [this.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
  }
}
