/**
 * Retries a commit that collided with another in-flight transaction on the same items
 * (DynamoDB TransactionConflict) — not a version conflict, just bad timing.
 */
import { conflict } from '../../shared/errors.js';
import { TransactionContentionError } from '../repository/index.js';

const DELAYS_MS = [10, 40, 120];

/** Runs `commit`, retrying contention with jittered backoff; gives up with 409. */
export async function withContentionRetry<T>(commit: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await commit();
    } catch (error) {
      const delay = DELAYS_MS[attempt];
      if (!(error instanceof TransactionContentionError)) throw error;
      if (delay === undefined) throw conflict('The resource is being changed by another request; retry');
      await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
    }
  }
}
