/**
 * The one definition of the DynamoDB table: the CDK stack (`lib/constructs/data-table.ts`)
 * and the local runner / tests (`scripts/dynamodb-local.ts`) both build the table from it,
 * so the local table can never drift from the deployed one.
 *
 * Layout is documented in `docs/data-model.md`.
 */

/** An attribute used in a key schema. All keys in this table are strings. */
export interface KeyAttribute {
  readonly name: string;
}

/** A global secondary index (always projects ALL attributes). */
export interface GlobalIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  /** What the index is for, copied into docs and CDK descriptions. */
  readonly purpose: string;
}

/** The table's keys and indexes. */
export interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly globalIndexes: readonly GlobalIndexDefinition[];
}

export const TABLE = {
  partitionKey: { name: 'PK' },
  sortKey: { name: 'SK' },
  globalIndexes: [
    {
      indexName: 'history',
      partitionKey: { name: 'histPK' },
      sortKey: { name: 'histSK' },
      purpose: 'every version record of one resource type in commit order (change feed)',
    },
  ],
} as const satisfies TableDefinition;

/** Names of the global secondary indexes, typed for the repository. */
export type GlobalIndexName = (typeof TABLE.globalIndexes)[number]['indexName'];
