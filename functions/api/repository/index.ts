export type {
  AuditRecord,
  CommitBatch,
  IndexEntries,
  ResourceRepository,
  ResourceWrite,
  SequenceAdvance,
  LaneChoice,
  LaneState,
  StoredVersion,
  VersionPage,
  WriteContext,
  WriteMethod,
} from './types.js';
export { DynamoResourceRepository, type DynamoRepositoryOptions } from './dynamo-repository.js';
export {
  DuplicateIdentifierError,
  ItemTooLargeError,
  SequenceConflictError,
  StorageError,
  StorageUnavailableError,
  TransactionContentionError,
  VersionConflictError,
} from './errors.js';
export { MAX_TRANSACTION_ACTIONS, transactionActionCount } from './transaction.js';
