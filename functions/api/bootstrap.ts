/**
 * Wires the app from configuration: one DynamoDB client, repository, services and logger per
 * process (Lambda reuses them across invocations).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Hono } from 'hono';
import type { ApiConfig } from '../shared/config.js';
import { createLogger, type Logger, type LogSink } from '../shared/logger.js';
import { createApp } from './app.js';
import { FeedReader } from './repository/feed-reader.js';
import { DynamoResourceRepository } from './repository/index.js';
import { SearchStore } from './repository/search-store.js';
import { allowAll, type AccessPredicate } from './search/execute/index.js';
import { ResourceService } from './services/resource-service.js';
import { SearchService } from './services/search-service.js';

/** Options for {@link buildApp}; tests inject a client or a log sink. */
export interface BuildOptions {
  readonly client?: DynamoDBClient;
  readonly logSink?: LogSink;
  /** The per-result access decision of searches. @default allow all (until consent lands) */
  readonly access?: AccessPredicate;
}

/** Creates a DynamoDB client for the configured endpoint with bounded timeouts. */
export function createDynamoClient(config: ApiConfig): DynamoDBClient {
  return new DynamoDBClient({
    region: config.region,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000 },
    ...(config.dynamoDbEndpoint
      ? { endpoint: config.dynamoDbEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
}

/** Builds the app and what it runs on. */
export function buildApp(config: ApiConfig, options: BuildOptions = {}): { app: Hono; log: Logger; client: DynamoDBClient } {
  const log = createLogger(config.logLevel, options.logSink);
  const client = options.client ?? createDynamoClient(config);
  const repository = new DynamoResourceRepository({ client, tableName: config.tableName });
  const resources = new ResourceService({ repository });
  const search = new SearchService(new SearchStore(client, config.tableName), config, options.access ?? allowAll);
  const feed = new FeedReader(client, config.tableName, repository);
  const app = createApp({ config, resources, search, feed, log }) as unknown as Hono;
  return { app, log, client };
}
