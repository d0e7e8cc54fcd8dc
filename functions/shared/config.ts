/**
 * Runtime configuration, parsed once at start-up with zod; a bad value fails fast with a
 * message naming the variable.
 */
import { z } from 'zod';

const logLevels = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];

/**
 * Issuer of the local development access tokens (`npm run token`), signed with the keys in
 * `.dev-keys/`. The `.invalid` top-level domain (RFC 2606) can never resolve, so nothing real
 * can issue for it; deployed stacks refuse it.
 */
export const DEV_ISSUER = 'https://dev-issuer.shared-care-plan.invalid';
/** Audience of the local development access tokens; deployed stacks refuse it. */
export const DEV_AUDIENCE = 'shared-care-plan-dev';

/** Which access-token claims carry the principal (names vary between authorization servers). */
export interface ClaimNames {
  /** The client system; `azp`, then `sub`, when absent. @default 'client_id' */
  readonly client: string;
  /** The SOTE organisation OID of the caller. @default 'organization' */
  readonly organization: string;
  /** The practitioner acting through the system (optional in tokens). @default 'practitioner' */
  readonly practitioner: string;
  /** Purpose of use, a v3 ActReason code (optional in tokens). @default 'purpose_of_use' */
  readonly purposeOfUse: string;
}

/** The claim names used unless `AUTH_*_CLAIM` variables say otherwise. */
export const DEFAULT_CLAIM_NAMES: ClaimNames = {
  client: 'client_id',
  organization: 'organization',
  practitioner: 'practitioner',
  purposeOfUse: 'purpose_of_use',
};

/** Audit records are kept 12 years (Finnish client-record retention), in days. */
const DEFAULT_AUDIT_RETENTION_DAYS = 4383;

const claimName = (variable: string, fallback: string): z.ZodDefault<z.ZodString> =>
  z.string().regex(/^\S+$/, `${variable} must be a claim name without spaces`).default(fallback);

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
  SEARCH_MAX_EXAMINED: z.coerce.number().int().min(100, 'SEARCH_MAX_EXAMINED must be at least 100').max(100_000).default(10_000),
  AUTH_ISSUER: z.url('AUTH_ISSUER must be the URL of the access-token issuer (iss)').optional(),
  AUTH_AUDIENCE: z.string().min(1, 'AUTH_AUDIENCE must not be empty').optional(),
  AUTH_JWKS_URL: z.url('AUTH_JWKS_URL must be the URL of the issuer\'s JSON Web Key Set').optional(),
  AUTH_TOKEN_ENDPOINT: z.url('AUTH_TOKEN_ENDPOINT must be the URL of the OAuth token endpoint').optional(),
  AUTH_CLIENT_CLAIM: claimName('AUTH_CLIENT_CLAIM', DEFAULT_CLAIM_NAMES.client),
  AUTH_ORGANIZATION_CLAIM: claimName('AUTH_ORGANIZATION_CLAIM', DEFAULT_CLAIM_NAMES.organization),
  AUTH_PRACTITIONER_CLAIM: claimName('AUTH_PRACTITIONER_CLAIM', DEFAULT_CLAIM_NAMES.practitioner),
  AUTH_PURPOSE_CLAIM: claimName('AUTH_PURPOSE_CLAIM', DEFAULT_CLAIM_NAMES.purposeOfUse),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1, 'AUDIT_RETENTION_DAYS must be at least 1').default(DEFAULT_AUDIT_RETENTION_DAYS),
  REQUIRE_PROFILES: z.enum(['true', 'false'], 'REQUIRE_PROFILES must be true or false').default('false'),
});

type Env = z.infer<typeof envSchema>;

/** How access tokens are checked (SMART Backend Services), and where clients get them. */
export interface AuthConfig {
  /** Expected `iss` of access tokens. */
  readonly issuer: string;
  /** Expected `aud` of access tokens. */
  readonly audience: string;
  /** The issuer's JSON Web Key Set (fetched, cached, refetched on an unknown `kid`). */
  readonly jwksUrl: string;
  /** OAuth token endpoint, advertised in `.well-known/smart-configuration`. */
  readonly tokenEndpoint: string;
  readonly claims: ClaimNames;
  /**
   * True when tokens come from the local development issuer: verify them with the local key
   * set in `.dev-keys/` (see `scripts/local/dev-keys.ts`), not with {@link jwksUrl}.
   */
  readonly development: boolean;
}

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
  /** Stored resources one search request may examine before it answers 400 `too-costly`. */
  readonly searchMaxExamined: number;
  readonly auth: AuthConfig;
  /** How long audit records are kept, in days. */
  readonly auditRetentionDays: number;
  /** Every write must conform to the shared-plan profile of its type, named in `meta.profile` or not (docs/profile.md). */
  readonly requireProfiles: boolean;
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /**
   * True in AWS: the issuer and audience must then be configured, and the development issuer
   * is refused. Elsewhere (`npm start`, tests, benchmarks) they default to the development
   * issuer. @default false
   */
  readonly deployed?: boolean;
}

/** Configuration error: the message names each bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const withoutTrailingSlash = (url: string): string => url.replace(/\/+$/, '');

/**
 * The access-token settings. Deployed, the issuer and audience are required and the
 * development issuer is refused, so a stack can never accept locally minted tokens.
 *
 * @see https://hl7.org/fhir/smart-app-launch/backend-services.html
 */
function authConfig(e: Env, deployed: boolean): AuthConfig {
  if (deployed) {
    const missing = [e.AUTH_ISSUER ? undefined : 'AUTH_ISSUER', e.AUTH_AUDIENCE ? undefined : 'AUTH_AUDIENCE'].filter(Boolean);
    if (missing.length > 0) throw new ConfigError(`Invalid configuration: ${missing.join(' and ')} must be set when deployed`);
    if (e.AUTH_ISSUER === DEV_ISSUER || e.AUTH_AUDIENCE === DEV_AUDIENCE) {
      throw new ConfigError('Invalid configuration: the development issuer/audience is not accepted when deployed; set AUTH_ISSUER and AUTH_AUDIENCE to the real authorization server');
    }
  } else if (e.AUTH_ISSUER && e.AUTH_ISSUER !== DEV_ISSUER && !e.AUTH_AUDIENCE) {
    throw new ConfigError('Invalid configuration: AUTH_AUDIENCE must be set when AUTH_ISSUER names an issuer other than the development issuer');
  }
  const issuer = e.AUTH_ISSUER ?? DEV_ISSUER;
  const jwksUrl = e.AUTH_JWKS_URL ?? `${withoutTrailingSlash(issuer)}/.well-known/jwks.json`;
  const tokenEndpoint = e.AUTH_TOKEN_ENDPOINT ?? `${withoutTrailingSlash(issuer)}/token`;
  if (deployed) {
    const insecure = (
      [
        ['AUTH_ISSUER', issuer],
        ['AUTH_JWKS_URL', jwksUrl],
        ['AUTH_TOKEN_ENDPOINT', tokenEndpoint],
      ] as const
    ).filter(([, url]) => new URL(url).protocol !== 'https:');
    if (insecure.length > 0) throw new ConfigError(`Invalid configuration: ${insecure.map(([name]) => name).join(', ')} must use https when deployed`);
  }
  return {
    issuer,
    audience: e.AUTH_AUDIENCE ?? DEV_AUDIENCE,
    jwksUrl,
    tokenEndpoint,
    claims: {
      client: e.AUTH_CLIENT_CLAIM,
      organization: e.AUTH_ORGANIZATION_CLAIM,
      practitioner: e.AUTH_PRACTITIONER_CLAIM,
      purposeOfUse: e.AUTH_PURPOSE_CLAIM,
    },
    development: issuer === DEV_ISSUER,
  };
}

/**
 * Parses the environment. The cursor secret is either given directly (`CURSOR_SECRET`) or
 * loaded through `loadSecret(CURSOR_SECRET_ARN)` (Secrets Manager in AWS).
 */
export async function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  loadSecret?: (arn: string) => Promise<string>,
  options: LoadConfigOptions = {},
): Promise<ApiConfig> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'env'}: ${issue.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${detail}`);
  }
  const e = parsed.data;
  const auth = authConfig(e, options.deployed ?? false);
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
    searchMaxExamined: e.SEARCH_MAX_EXAMINED,
    auth,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    requireProfiles: e.REQUIRE_PROFILES === 'true',
  };
}
