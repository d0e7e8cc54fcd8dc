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

/**
 * A local secondary index: same partition key as the table, another sort key, and — unlike a
 * GSI — strongly consistent reads (used for searches that must see the previous write). Every
 * local index projects its keys only ({@link TableDefinition.localIndexProjection}).
 */
export interface LocalIndexDefinition {
  readonly indexName: string;
  readonly sortKey: KeyAttribute;
  readonly purpose: string;
}

/** The table's keys and indexes. */
export interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly globalIndexes: readonly GlobalIndexDefinition[];
  readonly localIndexes: readonly LocalIndexDefinition[];
  /**
   * What the local secondary indexes hold: keys only. A projected copy of an item counts against
   * the item's 400 KB limit together with the item itself (with four indexes projecting ALL, a
   * resource could use a fifth of it), so the indexes only order keys and a search reads the
   * items of each page by consistent BatchGetItem (`repository/search-store.ts`).
   */
  readonly localIndexProjection: 'KEYS_ONLY';
  /** Attribute holding an item's expiry (epoch seconds) for DynamoDB TTL: audit records. */
  readonly timeToLiveAttribute: string;
}

export const TABLE = {
  partitionKey: { name: 'PK' },
  sortKey: { name: 'SK' },
  globalIndexes: [
    {
      indexName: 'history',
      partitionKey: { name: 'histPK' },
      sortKey: { name: 'histSK' },
      purpose: 'every version record of one resource type in commit (sequence) order: the change feed',
    },
  ],
  localIndexes: [
    {
      indexName: 'byPatientRef',
      sortKey: { name: 'lsiPatRef' },
      purpose: 'current resources of a type by patient reference (`Patient/<id>`)',
    },
    {
      indexName: 'byPatientIdentifier',
      sortKey: { name: 'lsiPatIdent' },
      purpose: 'current resources of a type by patient identifier (`<system>|<value>`, e.g. a henkilötunnus)',
    },
    {
      indexName: 'byLastUpdated',
      sortKey: { name: 'lsiUpdated' },
      purpose: 'current resources of a type ordered by lastUpdated (`_lastUpdated`, `_sort`)',
    },
    {
      indexName: 'byCustodian',
      sortKey: { name: 'lsiCustodian' },
      purpose: 'current resources of a type by custodian organisation (`<oid>#<id>`): what an organisation holds',
    },
  ],
  localIndexProjection: 'KEYS_ONLY',
  timeToLiveAttribute: 'expiresAt',
} as const satisfies TableDefinition;

/** Names of the indexes, typed for the repository. */
export type LocalIndexName = (typeof TABLE.localIndexes)[number]['indexName'];
