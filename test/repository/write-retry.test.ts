import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DuplicateIdentifierError,
  SequenceConflictError,
  StorageUnavailableError,
  TransactionContentionError,
  VersionConflictError,
} from '../../functions/api/repository/index.js';
import { LaneGate } from '../../functions/api/services/lane-gate.js';
import { retryWrites, RETRY_BUDGET_MS } from '../../functions/api/services/write-retry.js';
import { FhirError } from '../../functions/shared/errors.js';

/** An attempt that throws `errors` in turn, then returns 'committed'. */
function attempts(...errors: unknown[]): ReturnType<typeof vi.fn<() => Promise<string>>> {
  const attempt = vi.fn<() => Promise<string>>();
  for (const error of errors) attempt.mockRejectedValueOnce(error);
  return attempt.mockResolvedValue('committed');
}

const versionConflict = (): VersionConflictError => new VersionConflictError('Goal', 'g1', 3, 4);
const sequenceConflict = (): SequenceConflictError => new SequenceConflictError('lost the sequence');
const contention = (): TransactionContentionError => new TransactionContentionError('in flight');
const duplicate = (): DuplicateIdentifierError => new DuplicateIdentifierError('Goal', 'urn:x|1', 'holder-42');

/** Runs the retry loop to its end with the backoff timers fast-forwarded. */
async function run(attempt: () => Promise<string>, pinned: boolean): Promise<PromiseSettledResult<string>> {
  const settled = Promise.allSettled([retryWrites(attempt, { versionPinned: pinned, types: ['Goal'] })]);
  await vi.runAllTimersAsync();
  return (await settled)[0];
}

const rejection = (result: PromiseSettledResult<string>): FhirError => {
  expect(result.status).toBe('rejected');
  return (result as PromiseRejectedResult).reason as FhirError;
};

describe('retryWrites', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['a lost sequence race', sequenceConflict],
    ['transaction contention', contention],
    ['an unpinned version conflict', versionConflict],
  ])('re-runs the write after %s until it commits', async (_case, error) => {
    const attempt = attempts(error(), error(), error());
    expect(await run(attempt, false)).toEqual({ status: 'fulfilled', value: 'committed' });
    expect(attempt).toHaveBeenCalledTimes(4);
  });

  it('backs off between attempts instead of spinning', async () => {
    const attempt = attempts(sequenceConflict());
    const result = retryWrites(attempt, { versionPinned: false, types: ['Goal'] });
    await vi.advanceTimersByTimeAsync(0);
    expect(attempt).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(30);
    expect(attempt).toHaveBeenCalledTimes(2);
    await expect(result).resolves.toBe('committed');
  });

  it.each([
    ['sequence conflicts', sequenceConflict],
    ['contention', contention],
    ['unpinned version conflicts', versionConflict],
  ])('gives up on %s when the retry budget is spent, with 503 transient and Retry-After', async (_case, error) => {
    const attempt = vi.fn<() => Promise<string>>().mockImplementation(() => Promise.reject(error()));
    const started = Date.now();
    const reason = rejection(await run(attempt, false));
    expect(Date.now() - started).toBeLessThanOrEqual(RETRY_BUDGET_MS);
    expect(attempt.mock.calls.length).toBeGreaterThan(12);
    expect(reason).toBeInstanceOf(FhirError);
    expect(reason.status).toBe(503);
    expect(reason.headers).toMatchObject({ 'Retry-After': '1' });
    expect(reason.issues[0]!.code).toBe('transient');
  });

  it('answers 412 to a version conflict when the client pinned the version, without retrying', async () => {
    const attempt = attempts(versionConflict());
    const reason = rejection(await run(attempt, true));
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(reason.status).toBe(412);
  });

  it('still retries sequence races when the version is pinned', async () => {
    const attempt = attempts(sequenceConflict(), contention());
    expect(await run(attempt, true)).toEqual({ status: 'fulfilled', value: 'committed' });
    expect(attempt).toHaveBeenCalledTimes(3);
  });

  it.each([false, true])('answers 409 duplicate to a taken identifier without retrying (pinned: %s), never naming the holder', async (pinned) => {
    const attempt = attempts(duplicate());
    const reason = rejection(await run(attempt, pinned));
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(reason.status).toBe(409);
    expect(reason.issues[0]).toMatchObject({ code: 'duplicate', expression: ['Goal.identifier'] });
    expect(JSON.stringify(reason.outcome)).not.toContain('holder-42');
  });

  it('passes storage unavailability and client errors through at once', async () => {
    const unavailable = new StorageUnavailableError('throttled');
    const unavailableAttempt = attempts(unavailable);
    expect(rejection(await run(unavailableAttempt, false))).toBe(unavailable);
    expect(unavailableAttempt).toHaveBeenCalledTimes(1);

    const notFound = new FhirError(404, [{ code: 'not-found', diagnostics: 'gone' }]);
    const notFoundAttempt = attempts(notFound);
    expect(rejection(await run(notFoundAttempt, false))).toBe(notFound);
    expect(notFoundAttempt).toHaveBeenCalledTimes(1);
  });

  it('retries a lost lane in another lane, soon: the lane lost is avoided', async () => {
    const gate = new LaneGate(2, () => 0);
    const lanes: number[] = [];
    const attempt = vi.fn(async (chosen: ReadonlyMap<string, number>) => {
      lanes.push(chosen.get('Goal')!);
      if (lanes.length === 1) throw new SequenceConflictError('lost Goal#0', { lane: 'Goal#0' });
      return 'committed';
    });
    const settled = retryWrites(attempt, { versionPinned: false, types: ['Goal'], gate });
    await vi.advanceTimersByTimeAsync(5);
    await expect(settled).resolves.toBe('committed');
    expect(lanes).toEqual([0, 1]);
  });
});
