export { executeBatch } from './batch.js';
export { MAX_ENTRIES, parseBundle, type BundleEntryRequest } from './entry.js';
export { executeTransaction } from './transaction.js';
