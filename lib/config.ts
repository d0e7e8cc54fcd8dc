/**
 * Per-county deployment configuration, read once from the CDK context (`cdk.json` →
 * `context.counties`, selection via `-c county=<id>`) and validated with zod. A bad value
 * fails the synth at once with a message naming the offending key.
 */
import type { Construct } from 'constructs';
import { z } from 'zod';
import { DEV_AUDIENCE, DEV_ISSUER } from '../functions/shared/config.js';

/** Retention periods CloudWatch Logs accepts, in days. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Allowed values of a county's `removalPolicy`. */
export type RemovalPolicyName = 'retain' | 'destroy';

/** Log levels the API function understands (`LOG_LEVEL`). */
export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Audit records are kept 12 years (4383 days) unless the county decides otherwise: the log data
 * retention of the Client Data Act 703/2023 as the project reads it (docs/deployment.md#audit-retention).
 */
const DEFAULT_AUDIT_RETENTION_DAYS = 4383;

const httpsUrl = (what: string): z.ZodURL => z.url({ protocol: /^https$/, error: `must be the https URL of ${what}` });

const claimName = z.string().regex(/^\S+$/, 'must be a claim name without spaces');

const DEV_ISSUER_HOST = new URL(DEV_ISSUER).hostname;

const authSettingsSchema = z.strictObject(
  {
    issuer: httpsUrl("the county's authorization server (the tokens' iss)").refine(
      (url) => !URL.canParse(url) || new URL(url).hostname !== DEV_ISSUER_HOST,
      `is the local development issuer (${DEV_ISSUER}); set the county's authorization server`,
    ),
    audience: z
      .string()
      .trim()
      .min(1, "must name the API's audience (the tokens' aud)")
      .refine((audience) => audience !== DEV_AUDIENCE, `is the local development audience (${DEV_AUDIENCE})`),
    jwksUrl: httpsUrl("the issuer's JSON Web Key Set").optional(),
    tokenEndpoint: httpsUrl('the OAuth 2.0 token endpoint').optional(),
    clientClaim: claimName.optional(),
    organizationClaim: claimName.optional(),
    practitionerClaim: claimName.optional(),
    purposeClaim: claimName.optional(),
    auditRetentionDays: z.int().min(1).max(36500).default(DEFAULT_AUDIT_RETENTION_DAYS),
    gatewayJwtAuthorizer: z.boolean().default(false),
  },
  {
    error: (issue) =>
      issue.input === undefined
        ? "is required: the county's access-token issuer and audience (see docs/deployment.md#security-configuration)"
        : undefined,
  },
);

const countySettingsSchema = z.strictObject({
  displayName: z.string().trim().min(1, 'must name the wellbeing services county'),
  region: z
    .string()
    .regex(/^eu-[a-z]+-\d$/, 'must be an EU AWS region such as eu-north-1 (client data stays in the chosen EU region)')
    .default('eu-north-1'),
  account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional(),
  removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
  lambdaMemoryMb: z.int().min(128).max(10240).default(1024),
  reservedConcurrency: z.int().min(1).max(1000).default(50),
  throttlingRateLimit: z.number().positive().max(10000).default(100),
  throttlingBurstLimit: z.int().positive().max(5000).default(200),
  logRetentionDays: z
    .literal(LOG_RETENTION_DAYS, { error: `must be one of ${LOG_RETENTION_DAYS.join(', ')}` })
    .default(365),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  alarmEmail: z.email().optional(),
  backupRetentionDays: z.int().min(1).max(36500).default(35),
  requireProfiles: z.boolean().default(false),
  auth: authSettingsSchema,
});

const countiesSchema = z
  .record(z.string().regex(KEBAB_CASE, 'county id must be kebab-case, e.g. kanta-hame'), countySettingsSchema)
  .refine((counties) => Object.keys(counties).length > 0, 'must define at least one county');

/**
 * How the county's access tokens are verified (SMART Backend Services), and how long the
 * access log is kept. The API function always verifies every token itself.
 */
export interface CountyAuthConfig {
  /**
   * Issuer of the county's access tokens, exactly as in their `iss` claim (`AUTH_ISSUER`).
   * Must be https; the local development issuer is refused.
   */
  readonly issuer: string;
  /** Audience the tokens are issued for, exactly as in their `aud` claim (`AUTH_AUDIENCE`). */
  readonly audience: string;
  /**
   * The issuer's JSON Web Key Set, https (`AUTH_JWKS_URL`).
   * @default - `<issuer>/.well-known/jwks.json` (derived by the function)
   */
  readonly jwksUrl?: string;
  /**
   * OAuth 2.0 token endpoint advertised in `.well-known/smart-configuration`, https
   * (`AUTH_TOKEN_ENDPOINT`).
   * @default - `<issuer>/token` (derived by the function)
   */
  readonly tokenEndpoint?: string;
  /**
   * Claim naming the client system (`AUTH_CLIENT_CLAIM`).
   * @default - 'client_id' (the function's default)
   */
  readonly clientClaim?: string;
  /**
   * Claim carrying the caller's SOTE organisation OID (`AUTH_ORGANIZATION_CLAIM`).
   * @default - 'organization' (the function's default)
   */
  readonly organizationClaim?: string;
  /**
   * Claim naming the practitioner acting through the system (`AUTH_PRACTITIONER_CLAIM`).
   * @default - 'practitioner' (the function's default)
   */
  readonly practitionerClaim?: string;
  /**
   * Claim carrying the purpose of use (`AUTH_PURPOSE_CLAIM`).
   * @default - 'purpose_of_use' (the function's default)
   */
  readonly purposeClaim?: string;
  /**
   * Days an audit record is kept before DynamoDB TTL removes it (`AUDIT_RETENTION_DAYS`).
   * @default 4383 (12 years)
   */
  readonly auditRetentionDays: number;
  /**
   * Also verify tokens at API Gateway with an HTTP API JWT authorizer (same issuer and
   * audience) on every route except the public discovery routes. Defence in depth only:
   * it accepts RSA-signed tokens only, while the function also accepts ES256/ES384.
   * @default false
   */
  readonly gatewayJwtAuthorizer: boolean;
}

/**
 * One county's deployment settings, defaults applied.
 */
export interface CountyConfig {
  /** County id, kebab-case; the key under `counties` (e.g. `kanta-hame`). Names the stack. */
  readonly id: string;
  /** Human-readable name of the wellbeing services county. */
  readonly displayName: string;
  /**
   * AWS region of the stack; all client data stays in it.
   * @default 'eu-north-1'
   */
  readonly region: string;
  /**
   * AWS account id.
   * @default - the account of the deploying credentials
   */
  readonly account?: string;
  /**
   * What happens to stateful resources (table, key, secret, logs, vault) when the stack is deleted.
   * `retain` also turns on table deletion protection and stack termination protection.
   * @default 'retain'
   */
  readonly removalPolicy: RemovalPolicyName;
  /**
   * Memory of the API function in MB (CPU scales with it).
   * @default 1024
   */
  readonly lambdaMemoryMb: number;
  /**
   * Reserved concurrency of the API function: caps its share of the account and guarantees it.
   * @default 50
   */
  readonly reservedConcurrency: number;
  /**
   * API Gateway default-stage steady-state rate limit, requests per second.
   * @default 100
   */
  readonly throttlingRateLimit: number;
  /**
   * API Gateway default-stage burst limit, requests.
   * @default 200
   */
  readonly throttlingBurstLimit: number;
  /**
   * Retention of the function and access log groups, days.
   * @default 365
   */
  readonly logRetentionDays: (typeof LOG_RETENTION_DAYS)[number];
  /**
   * `LOG_LEVEL` of the API function.
   * @default 'info'
   */
  readonly logLevel: LogLevelName;
  /**
   * E-mail address subscribed to the alarm topic.
   * @default - no subscription; subscribe on-call tooling to the topic yourself
   */
  readonly alarmEmail?: string;
  /**
   * Days a daily AWS Backup recovery point of the table is kept.
   * @default 35
   */
  readonly backupRetentionDays: number;
  /**
   * Every write must conform to the shared-plan profile of its type, whether or not its
   * `meta.profile` names it (`REQUIRE_PROFILES`; docs/profile.md). Off, a resource is checked only
   * against the profiles it names.
   * @default false
   */
  readonly requireProfiles: boolean;
  /** Access-token verification and audit retention; required. */
  readonly auth: CountyAuthConfig;
}

/** The configuration in the CDK context is invalid; the message names each bad key. */
export class CountyConfigError extends Error {
  override readonly name = 'CountyConfigError';
}

/** The raw context values the configuration is read from. */
export interface CountyContext {
  /** `context.counties`: county id → settings. */
  readonly counties: unknown;
  /** `context.county`: one county id, or `all` / absent for every county. */
  readonly county?: unknown;
}

function describeIssue(issue: z.core.$ZodIssue, root: string): string {
  const path = [root, ...issue.path.map(String)].join('.');
  const nested = issue.code === 'invalid_key' ? issue.issues.map((inner) => inner.message).join('; ') : issue.message;
  return `${path}: ${nested}`;
}

/**
 * Validates the county settings and returns the selected counties with defaults applied.
 *
 * @throws CountyConfigError naming every invalid key (e.g. `counties.kanta-hame.lambdaMemoryMb`)
 *   or an unknown `county` selection.
 */
export function parseCountyConfigs(context: CountyContext): CountyConfig[] {
  const parsed = countiesSchema.safeParse(context.counties ?? {});
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => describeIssue(issue, 'counties')).join('; ');
    throw new CountyConfigError(`Invalid county configuration in the CDK context: ${details}`);
  }
  const all = Object.entries(parsed.data).map(([id, settings]): CountyConfig => ({ id, ...settings }));
  const selected = context.county ?? 'all';
  if (selected === 'all') return all;
  const match = all.find((county) => county.id === selected);
  if (!match) {
    const known = all.map((county) => county.id).join(', ');
    throw new CountyConfigError(`Invalid county configuration in the CDK context: county: unknown county "${String(selected)}" (known: ${known}, or "all")`);
  }
  return [match];
}

/** Reads `counties` and `county` from the CDK context of `scope` and parses them once. */
export function loadCountyConfigs(scope: Construct): CountyConfig[] {
  return parseCountyConfigs({
    counties: scope.node.tryGetContext('counties'),
    county: scope.node.tryGetContext('county'),
  });
}
