import {
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
  TransactionConflictException,
  TransactionInProgressException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { translateStorageError } from '../../functions/api/repository/dynamo-errors.js';
import {
  DuplicateIdentifierError,
  DynamoResourceRepository,
  ItemTooLargeError,
  SequenceConflictError,
  StorageUnavailableError,
  TransactionContentionError,
  VersionConflictError,
} from '../../functions/api/repository/index.js';
import { buildTransaction, type ActionPurpose } from '../../functions/api/repository/transaction.js';
import type { CommitBatch } from '../../functions/api/repository/types.js';
import { cancelled, entries, goalWrite, reasonsAt, sdkError, TABLE } from './builders.js';

const CLOCK = '2026-12-01T10:00:00.000Z';

/** An update of Goal/g1 from version 3 taking identifier `urn:x|1`: current, version, unique, lane. */
const update = goalWrite('g1', { expectedVersionId: 3, versionId: 4, method: 'PUT', index: entries([], ['urn:x|1']) });
const batch: CommitBatch = { writes: [update], sequences: [{ resourceType: 'Goal', lane: 0, expected: 7, next: 8, first: CLOCK, lastUpdated: CLOCK }] };
const { purposes } = buildTransaction(TABLE, batch);
const at = (kind: ActionPurpose['kind']): number => purposes.findIndex((p) => p.kind === kind);
const ACTIONS = purposes.length;

const $metadata = {};

describe('translateStorageError: cancelled transactions', () => {
  it('explains a failed condition on the current item as a version conflict with the version found', () => {
    const error = cancelled(reasonsAt(ACTIONS, { [at('current')]: { Code: 'ConditionalCheckFailed', Item: { vid: { N: '5' } } } }));
    const translated = translateStorageError(error, purposes);
    expect(translated).toBeInstanceOf(VersionConflictError);
    expect(translated).toMatchObject({ resourceType: 'Goal', id: 'g1', expectedVersionId: 3, actualVersionId: 5, cause: error });
  });

  it('reports no actual version when the resource a create expected to be absent has no old image', () => {
    const { purposes: create } = buildTransaction(TABLE, { ...batch, writes: [goalWrite('g1')] });
    const translated = translateStorageError(cancelled(reasonsAt(create.length, { 0: { Code: 'ConditionalCheckFailed' } })), create);
    expect(translated).toMatchObject({ name: 'VersionConflictError', expectedVersionId: 0, actualVersionId: undefined });
  });

  it('explains a version record that already exists as a version conflict', () => {
    const translated = translateStorageError(cancelled(reasonsAt(ACTIONS, { [at('version')]: { Code: 'ConditionalCheckFailed' } })), purposes);
    expect(translated).toBeInstanceOf(VersionConflictError);
  });

  it('explains a taken identifier as a duplicate, naming the holder from the old image', () => {
    const error = cancelled(reasonsAt(ACTIONS, { [at('unique')]: { Code: 'ConditionalCheckFailed', Item: { id: { S: 'other' } } } }));
    const translated = translateStorageError(error, purposes);
    expect(translated).toBeInstanceOf(DuplicateIdentifierError);
    expect(translated).toMatchObject({ resourceType: 'Goal', identifier: 'urn:x|1', existingId: 'other' });
  });

  it('explains a lost race for the lane (a number taken, or a seal) as a sequence conflict', () => {
    const sequence = purposes.findIndex((p) => p.kind === 'sequence' && p.resourceType === 'Goal#0');
    expect(sequence).toBeGreaterThanOrEqual(0);
    expect(translateStorageError(cancelled(reasonsAt(ACTIONS, { [sequence]: { Code: 'ConditionalCheckFailed' } })), purposes)).toBeInstanceOf(SequenceConflictError);
  });

  it('prefers the first failed condition when several actions failed', () => {
    const error = cancelled(
      reasonsAt(ACTIONS, {
        [at('current')]: { Code: 'ConditionalCheckFailed', Item: { vid: { N: '4' } } },
        [at('unique')]: { Code: 'ConditionalCheckFailed', Item: { id: { S: 'other' } } },
      }),
    );
    expect(translateStorageError(error, purposes)).toBeInstanceOf(VersionConflictError);
  });

  it('explains a TransactionConflict reason as contention', () => {
    const translated = translateStorageError(cancelled(reasonsAt(ACTIONS, { 1: { Code: 'TransactionConflict' } })), purposes);
    expect(translated).toBeInstanceOf(TransactionContentionError);
  });

  it.each(['ThrottlingError', 'ProvisionedThroughputExceeded'])('explains a %s reason as storage unavailable', (code) => {
    expect(translateStorageError(cancelled(reasonsAt(ACTIONS, { 0: { Code: code } })), purposes)).toBeInstanceOf(StorageUnavailableError);
  });

  it('explains a size validation reason as an item too large', () => {
    const error = cancelled(reasonsAt(ACTIONS, { 0: { Code: 'ValidationError', Message: 'Item size has exceeded the maximum allowed size' } }));
    expect(translateStorageError(error, purposes)).toBeInstanceOf(ItemTooLargeError);
  });

  it('passes a cancellation it cannot explain through unchanged', () => {
    const error = cancelled(reasonsAt(ACTIONS, { 0: { Code: 'ItemCollectionSizeLimitExceeded' } }));
    expect(translateStorageError(error, purposes)).toBe(error);
  });
});

describe('translateStorageError: other SDK errors', () => {
  it('explains a TransactionConflictException as contention', () => {
    expect(translateStorageError(new TransactionConflictException({ message: 'conflict', $metadata }))).toBeInstanceOf(TransactionContentionError);
  });

  it.each([
    ['ProvisionedThroughputExceededException', new ProvisionedThroughputExceededException({ message: 'slow down', $metadata })],
    ['RequestLimitExceeded', new RequestLimitExceeded({ message: 'account limit', $metadata })],
    ['ThrottlingException', new ThrottlingException({ message: 'throttled', $metadata })],
    ['TimeoutError', sdkError('TimeoutError', 'Connection timed out after 1000 ms')],
    ['InternalServerError', sdkError('InternalServerError')],
    ['ServiceUnavailable', sdkError('ServiceUnavailable')],
    ['TransactionInProgressException', new TransactionInProgressException({ message: 'in progress', $metadata })],
  ])('explains %s as storage unavailable, keeping the cause', (_name, error) => {
    const translated = translateStorageError(error);
    expect(translated).toBeInstanceOf(StorageUnavailableError);
    expect((translated as Error).cause).toBe(error);
  });

  it('explains an item-size ValidationException as an item too large', () => {
    expect(translateStorageError(sdkError('ValidationException', 'Item size has exceeded the maximum allowed size'))).toBeInstanceOf(ItemTooLargeError);
  });

  it('passes unknown errors through unchanged', () => {
    const errors = [sdkError('ValidationException', 'One or more parameter values were invalid'), new Error('socket hang up'), 'not an error'];
    for (const error of errors) expect(translateStorageError(error)).toBe(error);
  });
});

describe('the repository translates at its edge', () => {
  it('throws VersionConflictError from commit when the current item changed', async () => {
    const client = new DynamoDBClient({ region: 'local' });
    mockClient(client)
      .on(TransactWriteItemsCommand)
      .rejects(cancelled(reasonsAt(ACTIONS, { [at('current')]: { Code: 'ConditionalCheckFailed', Item: { vid: { N: '5' } } } })));
    const repository = new DynamoResourceRepository({ client, tableName: TABLE });
    await expect(repository.commit(batch)).rejects.toMatchObject({ name: 'VersionConflictError', actualVersionId: 5 });
  });

  it('throws StorageUnavailableError from a read that timed out', async () => {
    const client = new DynamoDBClient({ region: 'local' });
    mockClient(client).on(GetItemCommand).rejects(sdkError('TimeoutError'));
    const repository = new DynamoResourceRepository({ client, tableName: TABLE });
    await expect(repository.readCurrent('Goal', 'g1')).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});
