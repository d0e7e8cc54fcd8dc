export type { ResourceRepository, ResourceWrite, StoredVersion, VersionPage, WriteMethod } from './types.js';
export { DynamoResourceRepository, type DynamoRepositoryOptions, type IndexAttributes } from './dynamo-repository.js';
export { ItemTooLargeError, StorageError, StorageUnavailableError, TransactionContentionError, VersionConflictError } from './errors.js';
