/**
 * Key layout of the single table (see docs/data-model.md).
 *
 * | item                 | PK                              | SK                   |
 * |----------------------|---------------------------------|----------------------|
 * | current version      | `<Type>`                        | `<id>`               |
 * | version record       | `<Type>/<id>`                   | `V#<vid, 10 digits>` |
 * | type sequence        | `SEQ`                           | `<Type>`             |
 * | global change clock  | `SEQ`                           | `*`                  |
 * | reference anchor     | `IX#<Type>#<param>=<reference>` | `<id>`               |
 * | unique identifier    | `UQ#<Type>#<system>\|<value>`   | `UQ`                 |
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
 * The global change clock: every write, of any type, moves its lastUpdated forward in the same
 * transaction, so commit order equals lastUpdated order across types too.
 */
export const GLOBAL_CLOCK = '*';

/** Key of the change-feed sequence of a type (or of the global clock). */
export const sequenceKey = (resourceType: string): Key => ({ PK: { S: 'SEQ' }, SK: { S: resourceType } });

/** Sort key of the history index: the gap-free sequence number, zero-padded. */
export const historySk = (seq: number): string => String(seq).padStart(12, '0');

/** Partition of a reference anchor (`anchor` is `<param>=<reference key>`). */
export const anchorPk = (resourceType: string, anchor: string): string => `IX#${resourceType}#${anchor}`;

/** Key of the uniqueness item of a business identifier (`<system>|<value>`). */
export const uniqueKey = (resourceType: string, identifier: string): Key => ({
  PK: { S: `UQ#${resourceType}#${identifier}` },
  SK: { S: 'UQ' },
});
