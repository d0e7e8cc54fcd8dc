/**
 * Key layout of the single table (see docs/data-model.md).
 *
 * | item            | PK              | SK                   |
 * |-----------------|-----------------|----------------------|
 * | current version | `<Type>`        | `<id>`               |
 * | version record  | `<Type>/<id>`   | `V#<vid, 10 digits>` |
 *
 * All current items of a type share a partition, so a type-level search is a strongly
 * consistent Query (never a Scan); a resource's versions share another.
 */

export const VERSION_SK_PREFIX = 'V#';

/** Key of the current item of a resource. */
export const currentKey = (resourceType: string, id: string): { PK: { S: string }; SK: { S: string } } => ({
  PK: { S: resourceType },
  SK: { S: id },
});

/** Partition key of a resource's version records. */
export const versionPk = (resourceType: string, id: string): string => `${resourceType}/${id}`;

/** Sort key of a version record; zero-padded so versions sort numerically. */
export const versionSk = (versionId: number): string => `${VERSION_SK_PREFIX}${String(versionId).padStart(10, '0')}`;

/** Sort key of the history index: commit instant, then id and version as tie-breakers. */
export const historySk = (lastUpdated: string, id: string, versionId: number): string =>
  `${lastUpdated}#${id}#${String(versionId).padStart(10, '0')}`;
