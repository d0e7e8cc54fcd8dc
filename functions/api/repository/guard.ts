/**
 * Runs a DynamoDB call, translating SDK exceptions into storage domain errors (the one place
 * routes and services are shielded from AWS types).
 */
import { translateStorageError } from './dynamo-errors.js';
import type { ActionPurpose } from './transaction.js';

export async function guard<T>(call: Promise<T>, purposes?: readonly ActionPurpose[]): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw translateStorageError(error, purposes);
  }
}
