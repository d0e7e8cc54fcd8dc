/**
 * Wires the app from configuration: one DynamoDB client, repository, stores, token verifier
 * and logger per process (Lambda reuses them across invocations). Everything that depends on
 * the caller is built per request (`app.ts`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Hono } from 'hono';
import type { JSONWebKeySet } from 'jose';
import type { ApiConfig } from '../shared/config.js';
import { createLogger, type Logger, type LogSink } from '../shared/logger.js';
import { createApp } from './app.js';
import { createTokenVerifier } from './auth/index.js';
import { AuditReader } from './repository/audit-reader.js';
import { FeedReader } from './repository/feed-reader.js';
import { DynamoResourceRepository } from './repository/index.js';
import { SearchStore } from './repository/search-store.js';
import { LaneGate } from './services/lane-gate.js';

/** Options for {@link buildApp}; tests inject a client, a log sink or local signing keys. */
export interface BuildOptions {
  readonly client?: DynamoDBClient;
  readonly logSink?: LogSink;
  /**
   * Verify tokens against these public keys instead of fetching the issuer's JWKS (local
   * development and tests). @default the JWKS at `config.auth.jwksUrl`
   */
  readonly jwks?: JSONWebKeySet;
  /** Serve `jwks` at `/.well-known/jwks.json` (the development issuer of `npm start`). */
  readonly serveJwks?: boolean;
  /**
   * Queue this process's write attempts per feed lane (see `services/lane-gate.ts`). Tests that simulate
   * several Lambda instances racing turn it off. @default true
   */
  readonly serialiseCommits?: boolean;
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
  const searchStore = new SearchStore(client, config.tableName);
  const feed = new FeedReader(client, config.tableName, repository);
  const verify = createTokenVerifier({
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    jwks: options.jwks ?? new URL(config.auth.jwksUrl),
  });
  const app = createApp({
    config,
    repository,
    searchStore,
    feed,
    auditReader: new AuditReader(client, config.tableName),
    log,
    verify,
    claimNames: config.auth.claims,
    ...(options.serialiseCommits === false ? {} : { gate: new LaneGate() }),
    ...(options.serveJwks && options.jwks ? { devJwks: options.jwks } : {}),
  }) as unknown as Hono;
  return { app, log, client };
}
