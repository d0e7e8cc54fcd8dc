/**
 * Runtime configuration, parsed once at start-up with zod; a bad value fails fast with a
 * message naming the variable.
 */
import { z } from 'zod';

const logLevels = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];

const envSchema = z.object({
  TABLE_NAME: z.string().min(3, 'TABLE_NAME must name the DynamoDB table (at least 3 characters)'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().min(1).default('eu-north-1'),
  BASE_PATH: z
    .string()
    .regex(/^\/[A-Za-z0-9/_-]*[A-Za-z0-9_-]$/, 'BASE_PATH must start with / and not end with /')
    .default('/fhir'),
  CURSOR_SECRET: z.string().min(32, 'CURSOR_SECRET must be at least 32 characters').optional(),
  CURSOR_SECRET_ARN: z.string().startsWith('arn:').optional(),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  DEFAULT_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(20),
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
});

/** The parsed configuration every part of the API reads. */
export interface ApiConfig {
  readonly tableName: string;
  /** DynamoDB Local endpoint; absent in AWS. */
  readonly dynamoDbEndpoint?: string;
  readonly region: string;
  /** Mount path of the FHIR base, e.g. `/fhir`. */
  readonly basePath: string;
  /** HMAC key for opaque paging cursors. */
  readonly cursorSecret: string;
  readonly logLevel: LogLevel;
  readonly maxBodyBytes: number;
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
}

/** Configuration error: the message names each bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parses the environment. The cursor secret is either given directly (`CURSOR_SECRET`) or
 * loaded through `loadSecret(CURSOR_SECRET_ARN)` (Secrets Manager in AWS).
 */
export async function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  loadSecret?: (arn: string) => Promise<string>,
): Promise<ApiConfig> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'env'}: ${issue.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${detail}`);
  }
  const e = parsed.data;
  let cursorSecret = e.CURSOR_SECRET;
  if (!cursorSecret && e.CURSOR_SECRET_ARN) {
    if (!loadSecret) throw new ConfigError('CURSOR_SECRET_ARN is set but no secret loader is available');
    cursorSecret = await loadSecret(e.CURSOR_SECRET_ARN);
  }
  if (!cursorSecret || cursorSecret.length < 32) {
    throw new ConfigError('Invalid configuration: set CURSOR_SECRET (32+ characters) or CURSOR_SECRET_ARN');
  }
  return {
    tableName: e.TABLE_NAME,
    ...(e.DYNAMODB_ENDPOINT ? { dynamoDbEndpoint: e.DYNAMODB_ENDPOINT } : {}),
    region: e.AWS_REGION,
    basePath: e.BASE_PATH,
    cursorSecret,
    logLevel: e.LOG_LEVEL,
    maxBodyBytes: e.MAX_BODY_BYTES,
    defaultPageSize: Math.min(e.DEFAULT_PAGE_SIZE, e.MAX_PAGE_SIZE),
    maxPageSize: e.MAX_PAGE_SIZE,
  };
}
