/**
 * Storage failures as domain errors: the repository translates DynamoDB exceptions into these,
 * so nothing above it sees AWS SDK types.
 */

/** Base class of storage errors. */
export class StorageError extends Error {
  override readonly name: string = 'StorageError';
}

/** The resource changed (or was created) since the writer read it. */
export class VersionConflictError extends StorageError {
  override readonly name = 'VersionConflictError';
  constructor(
    readonly resourceType: string,
    readonly id: string,
    readonly expectedVersionId: number,
    readonly actualVersionId: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `${resourceType}/${id}: expected version ${expectedVersionId === 0 ? '(none)' : expectedVersionId}, found ${actualVersionId ?? '(none)'}`,
      options,
    );
  }
}

/** Another transaction touched the same items at the same moment; safe to retry. */
export class TransactionContentionError extends StorageError {
  override readonly name = 'TransactionContentionError';
}

/** DynamoDB throttled or timed out; the client may retry later. */
export class StorageUnavailableError extends StorageError {
  override readonly name = 'StorageUnavailableError';
}

/** A resource is too large to store as one item even after compression. */
export class ItemTooLargeError extends StorageError {
  override readonly name = 'ItemTooLargeError';
}

/** Another write took the next number of the change-feed lane first, or a feed reader sealed it; safe to retry. */
export class SequenceConflictError extends StorageError {
  override readonly name = 'SequenceConflictError';
  /** The feed lane lost (`<Type>#<lane>`), when known. */
  readonly lane?: string;

  constructor(
    message: string,
    options?: ErrorOptions & {
      /** The feed lane lost (`<Type>#<lane>`), when known. */
      readonly lane?: string;
    },
  ) {
    super(message, options);
    if (options?.lane !== undefined) this.lane = options.lane;
  }
}

/** A business identifier is already used by another resource of the type. */
export class DuplicateIdentifierError extends StorageError {
  override readonly name = 'DuplicateIdentifierError';
  constructor(
    readonly resourceType: string,
    readonly identifier: string,
    readonly existingId: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`${resourceType} identifier ${identifier} is already used by ${resourceType}/${existingId ?? '?'}`, options);
  }
}
