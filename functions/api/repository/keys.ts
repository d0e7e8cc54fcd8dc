/**
 * Key layout of the single table (see docs/data-model.md).
 *
 * | item                | PK                                    | SK                   |
 * |---------------------|---------------------------------------|----------------------|
 * | current version     | `<Type>`                              | `<id>`               |
 * | version record      | `<Type>/<id>`                         | `V#<vid, 10 digits>` |
 * | feed lane counter   | `SEQ#<Type>#<lane>`                   | `SEQ`                |
 * | reference anchor    | `IX#<Type>#<param>=<reference>`       | `<id>`               |
 * | named organisation  | `IX#Consent#named-organization=<oid>` | `<id>`               |
 * | unique identifier   | `UQ#<Type>#<len>:<system>\|<value>`   | `UQ`                 |
 * | client's consents   | `CLIENT#<client key>`                 | `CONSENTS`           |
 * | audit record        | `AU#<client key>#<yyyy>`              | `<instant>#<id>`     |
 *
 * All current items of a type share a partition, so a type-level search is a strongly
 * consistent Query (never a Scan); a resource's versions share another.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

type Key = { PK: AttributeValue; SK: AttributeValue };

export const VERSION_SK_PREFIX = 'V#';

/** Key of the current item of a resource. */
export const currentKey = (resourceType: string, id: string): Key => ({ PK: { S: resourceType }, SK: { S: id } });

/** Partition key of a resource's version records. */
export const versionPk = (resourceType: string, id: string): string => `${resourceType}/${id}`;

/** Sort key of a version record; zero-padded so versions sort numerically. */
export const versionSk = (versionId: number): string => `${VERSION_SK_PREFIX}${String(versionId).padStart(10, '0')}`;

/** Key of a version record. */
export const versionKey = (resourceType: string, id: string, versionId: number): Key => ({
  PK: { S: versionPk(resourceType, id) },
  SK: { S: versionSk(versionId) },
});

/**
 * How many change-feed lanes each resource type has. A write takes the next number of ONE lane
 * of its type (any lane: this process's least busy), so writers of different lanes never
 * contend; the feed reader merges the lanes. Changing it needs a migration of `histPK`: the
 * reader reads lanes `0 … FEED_LANES-1` only.
 */
export const FEED_LANES = feedLanes(process.env.FEED_LANES);

/**
 * The lane count: 16 unless `FEED_LANES` says otherwise (1–64). It is part of the table's layout —
 * set it once per county before the first write and never change it. The test suite runs the default.
 */
function feedLanes(value: string | undefined): number {
  if (value === undefined || value === '') return 16;
  const lanes = Number(value);
  if (!Number.isInteger(lanes) || lanes < 1 || lanes > 64) throw new Error(`FEED_LANES must be an integer from 1 to 64, not '${value}'`);
  return lanes;
}

/** A lane's name: the history index partition of its versions, `<Type>#<lane>`. */
export const laneName = (resourceType: string, lane: number): string => `${resourceType}#${lane}`;

/** Key of a lane's counter: its last sequence number and the instant no later write may precede. */
export const laneKey = (resourceType: string, lane: number): Key => ({ PK: { S: `SEQ#${laneName(resourceType, lane)}` }, SK: { S: 'SEQ' } });

/** Sort key of the history index: the gap-free sequence number, zero-padded. */
export const historySk = (seq: number): string => String(seq).padStart(12, '0');

/** Partition of a reference anchor (`anchor` is `<param>=<reference key>`). */
export const anchorPk = (resourceType: string, anchor: string): string => `IX#${resourceType}#${anchor}`;

/**
 * Anchor (see {@link anchorPk}) of a Consent that names an organisation as actor in any
 * provision, root or nested, permit or deny: how a search finds the Consents naming its caller.
 */
export const namedOrganizationAnchor = (oid: string): string => `named-organization=${oid}`;

/** Key of the uniqueness item of a business identifier (its `identifierKey`, `<len(system)>:<system>|<value>`). */
export const uniqueKey = (resourceType: string, identifier: string): Key => ({
  PK: { S: `UQ#${resourceType}#${identifier}` },
  SK: { S: 'UQ' },
});

/**
 * Key of the item that holds the decision facts of every Consent about one client (one
 * attribute per Consent), so an access decision reads all of a client's consents in one call.
 */
export const clientConsentsKey = (clientKey: string): Key => ({ PK: { S: `CLIENT#${clientKey}` }, SK: { S: 'CONSENTS' } });

/** Attribute name of one Consent's facts on a {@link clientConsentsKey} item. */
export const consentAttribute = (consentId: string): string => `consent:${consentId}`;

/**
 * Partition of audit records: by client and year, so no partition is hot or grows without
 * bound; records about no client go to an hourly bucket spread over shards.
 */
export const auditPk = (clientKey: string | undefined, recorded: string, shard: number): string =>
  clientKey !== undefined ? `AU#${clientKey}#${recorded.slice(0, 4)}` : `AU#-#${recorded.slice(0, 13)}#${shard}`;

/** Sort key of an audit record: newest last, unique by event id. */
export const auditSk = (recorded: string, eventId: string): string => `${recorded}#${eventId}`;

/** Sort key of the byCustodian index: what an organisation holds, in id order. */
export const custodianSortKey = (custodian: string, id: string): string => `${custodian}#${id}`;
