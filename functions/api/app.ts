/**
 * The Hono application: the same app serves Lambda (`handler.ts`) and local runs
 * (`scripts/start.ts`). Data flows one way: HTTP → route → service → repository → DynamoDB.
 */
import { Hono, type Context } from 'hono';
import { SUPPORTED_RESOURCE_TYPES, type SupportedResourceType } from '../../schemas/index.js';
import type { ApiConfig } from '../shared/config.js';
import { badRequest, FhirError, methodNotAllowed, notFound, payloadTooLarge, unavailable } from '../shared/errors.js';
import { ID_PATTERN, VERSION_ID_PATTERN } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { readBodyBytes } from './http/body.js';
import { assertAcceptsFhirJson, assertContentType, parseJsonBody } from './http/media.js';
import { render, renderError, toFhirError } from './http/render.js';
import { ROUTES } from './routes/registry.js';
import { isSupportedType } from './search/parse/registry.js';
import type { FhirRequest, InteractionContext, RouteDefinition } from './routes/types.js';
import type { AuditReader } from './repository/audit-reader.js';
import type { FeedReader } from './repository/feed-reader.js';
import type { ResourceRepository } from './repository/index.js';
import type { SearchStore } from './repository/search-store.js';
import { authenticate, type ClaimNames, type TokenVerifier } from './auth/index.js';
import { AuditTrail } from './audit/index.js';
import { requireScope, type RequestContext } from './context/request-context.js';
import { smartConfiguration } from './routes/smart-configuration.js';
import { scopeOperationOf } from './routes/scope-of.js';
import { AccessGuard } from './services/access-guard.js';
import type { LaneGate } from './services/lane-gate.js';
import { AuditLog } from './services/audit-log.js';
import { ResourceService } from './services/resource-service.js';
import { SearchService } from './services/search-service.js';
import type { JSONWebKeySet } from 'jose';

/** What the app needs; built once per process (see `functions/api/bootstrap.ts`). */
export interface AppDeps {
  readonly config: ApiConfig;
  readonly repository: ResourceRepository;
  readonly searchStore: SearchStore;
  readonly feed: FeedReader;
  readonly auditReader: AuditReader;
  readonly log: Logger;
  /** Verifies bearer tokens (signature, issuer, audience, lifetime). */
  readonly verify: TokenVerifier;
  readonly claimNames: ClaimNames;
  /** Queues this process's write attempts; absent: every request races on its own (as separate Lambda instances do). */
  readonly gate?: LaneGate;
  /** Local development only: the development issuer's public keys, served at `/.well-known/jwks.json`. */
  readonly devJwks?: JSONWebKeySet;
}

type Env = { Variables: { requestId: string; log: Logger; caller: RequestContext } };

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Handled by the adapter, never seen by interactions. */
const FORMAT_PARAMS = ['_format', '_pretty'];

/** Creates the FHIR API app. */
export function createApp(deps: AppDeps): Hono<Env> {
  const { config } = deps;
  const app = new Hono<Env>({ strict: false }); // `/fhir/` and `/fhir` are the same base

  app.use('*', async (c, next) => {
    const started = performance.now();
    const given = c.req.header('x-request-id');
    const requestId = given !== undefined && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    const log = deps.log.child({ requestId });
    c.set('requestId', requestId);
    c.set('log', log);
    await next();
    c.res.headers.set('X-Request-Id', requestId);
    log.info('request', { method: c.req.method, path: c.req.path, status: c.res.status, durationMs: Math.round(performance.now() - started) });
  });

  app.onError((error, c) => renderError(c, toFhirError(error, c.get('requestId'), c.get('log'))));

  // Public: what a client needs before it has a token.
  app.get(`${config.basePath}/.well-known/smart-configuration`, (c) => c.json(smartConfiguration(config)));
  if (deps.devJwks) {
    const jwks = deps.devJwks;
    app.get('/.well-known/jwks.json', (c) => c.json(jwks));
  }
  // `/*` matches the base itself too (`POST [base]`): registered once, so a Bundle is
  // authenticated and audited once.
  app.use(`${config.basePath}/*`, secure(deps));
  app.notFound((c) => renderError(c, notFound(`No FHIR endpoint at ${c.req.method} ${c.req.path}`)));

  // Each path's routes, then its 405 fallback, in table order: fixed paths (`/metadata`,
  // `/:type/_history`) thus answer 405 for other methods instead of falling through to `:type`/`:id`.
  for (const path of new Set(ROUTES.map((route) => route.path))) {
    const routes = ROUTES.filter((route) => route.path === path);
    for (const route of routes) app.on(route.method, `${config.basePath}${route.path}`, (c) => dispatch(c, route, deps));
    app.all(`${config.basePath}${path}`, (c) => {
      checkPathParams(c);
      throw methodNotAllowed(c.req.method, routes.map((route) => route.method));
    });
  }
  return app;
}

async function dispatch(c: Context<Env>, route: RouteDefinition, deps: AppDeps): Promise<Response> {
  const url = new URL(c.req.url);
  assertAcceptsFhirJson(c.req.header('accept'), url.searchParams.get('_format') ?? undefined);
  const { resourceType, id, versionId } = checkPathParams(c);
  const caller = c.get('caller') as RequestContext | undefined;
  // Only the CapabilityStatement is served without a caller (see `isPublic`).
  if (!caller) return render(c, await route.handler(publicRequest(c, deps), publicContext(c, deps)), false);
  const op = scopeOperationOf(route);
  // A fixed path (`/AuditEvent`) names its type in the route table, `:type` routes in the URL.
  const scopeType = route.resourceType ?? resourceType;
  if (op && scopeType) requireScope(caller, scopeType, op);
  const query = new URLSearchParams(url.searchParams);
  const pretty = query.get('_pretty') === 'true';
  for (const name of FORMAT_PARAMS) query.delete(name);
  const body = route.body ? await readBody(c, route.body, deps.config.maxBodyBytes) : undefined;

  const request: FhirRequest = {
    method: route.method,
    ...(resourceType ? { resourceType } : {}),
    ...(id ? { id } : {}),
    ...(versionId !== undefined ? { versionId } : {}),
    query,
    header: (name) => c.req.header(name),
    ...(body !== undefined ? { body } : {}),
    baseUrl: `${url.origin}${deps.config.basePath}`,
    requestId: c.get('requestId'),
  };
  caller.audit.setInteraction(route.interaction, route.interaction === 'search-type' || !id ? query.toString() : undefined);
  return render(c, await route.handler(request, interactionContext(c, deps)), pretty);
}

/** The services of one request, bound to its caller (Medplum-style: an access-scoped repository per login). */
function interactionContext(c: Context<Env>, deps: AppDeps): InteractionContext {
  const caller = c.get('caller');
  return {
    resources: new ResourceService({ repository: deps.repository, actor: caller, requireProfiles: deps.config.requireProfiles, ...(deps.gate ? { gate: deps.gate } : {}) }),
    search: new SearchService(deps.searchStore, deps.config, caller.access),
    feed: deps.feed,
    auditLog: new AuditLog(deps.auditReader, deps.config.auditRetentionDays),
    config: deps.config,
    log: c.get('log'),
    caller,
  };
}

/** What the public CapabilityStatement may use: settings only — no caller, so no data access. */
function publicContext(c: Context<Env>, deps: AppDeps): InteractionContext {
  const noCaller = (): never => {
    throw new Error('a public route touched data');
  };
  return {
    config: deps.config,
    log: c.get('log'),
    get resources() { return noCaller(); },
    get search() { return noCaller(); },
    get feed() { return noCaller(); },
    get caller() { return noCaller(); },
    get auditLog() { return noCaller(); },
  } as InteractionContext;
}

function publicRequest(c: Context<Env>, deps: AppDeps): FhirRequest {
  const url = new URL(c.req.url);
  return { method: 'GET', query: url.searchParams, header: (name) => c.req.header(name), baseUrl: `${url.origin}${deps.config.basePath}`, requestId: c.get('requestId') };
}

/** Paths served without a token. */
function isPublic(c: Context<Env>, basePath: string): boolean {
  return c.req.method === 'GET' && (c.req.path === `${basePath}/metadata` || c.req.path === `${basePath}/metadata/`);
}

/**
 * Authentication, the request context, and the audit log of every request — allowed or
 * refused. Events not committed with a write are stored before the response leaves; if that
 * fails, the response becomes 503 and nothing is disclosed.
 */
function secure(deps: AppDeps): (c: Context<Env>, next: () => Promise<void>) => Promise<Response | void> {
  return async (c, next) => {
    if (isPublic(c, deps.config.basePath)) return next();
    const requestId = c.get('requestId');
    let principal;
    try {
      principal = await authenticate(c.req.header('authorization'), deps.verify, deps.claimNames);
    } catch (error) {
      // 401, or 503 when the issuer's keys could not be fetched: logged either way, about no client.
      const status = error instanceof FhirError ? error.status : 500;
      const refused = new AuditTrail({ requestId, retentionDays: deps.config.auditRetentionDays });
      await deps.repository.appendAudit(refused.remaining(status, status === 401 ? 'authentication failed' : 'token could not be verified'));
      throw error;
    }
    const audit = new AuditTrail({ requestId, principal, retentionDays: deps.config.auditRetentionDays });
    const access = new AccessGuard(principal, (keys) => deps.repository.readConsents(keys), audit);
    c.set('caller', { principal, requestId, access, audit });
    await next();
    try {
      await deps.repository.appendAudit(audit.remaining(c.res.status, c.res.status >= 400 ? `HTTP ${c.res.status}` : undefined));
    } catch (error) {
      c.get('log').error('audit write failed', { error });
      // Dropped first: Hono copies the old response's headers (ETag, Location, Last-Modified) into a new one.
      c.res = undefined;
      c.res = renderError(c, unavailable('The access log could not be written, so nothing was disclosed; retry', 'transient', error));
    }
  };
}

/** Checks `:type`, `:id` and `:vid` path segments (404 unknown type, 405 AuditEvent, which is only searched; 400 malformed id). */
function checkPathParams(c: Context<Env>): { resourceType?: SupportedResourceType; id?: string; versionId?: number } {
  const { type, id, vid } = c.req.param() as Record<string, string | undefined>;
  if (type === 'AuditEvent') {
    // Append-only and found only by search (`/AuditEvent`, `/AuditEvent/_search`): no read by id, no history, no writes.
    const diagnostics = 'AuditEvents are append-only and not read by id: search a client\'s events with GET [base]/AuditEvent?patient:identifier=<system>|<value> (or patient=Patient/<id>)';
    throw new FhirError(405, [{ code: 'not-supported', diagnostics }], { headers: { Allow: '' } });
  }
  if (type !== undefined && !isSupportedType(type)) {
    throw new FhirError(404, [
      { code: 'not-supported', diagnostics: `Resource type '${type}' is not supported; supported: ${SUPPORTED_RESOURCE_TYPES.join(', ')}` },
    ]);
  }
  // A fixed path (`/StructureDefinition/:id`) names its type in the segment before the id.
  const typeName = type ?? c.req.path.split('/').filter(Boolean).at(-2);
  if (id !== undefined && !ID_PATTERN.test(id)) throw badRequest(`'${id}' is not a valid FHIR id ([A-Za-z0-9-.]{1,64})`, `${typeName}.id`);
  if (vid !== undefined && !VERSION_ID_PATTERN.test(vid)) throw badRequest(`'${vid}' is not a valid version id (a positive integer)`, `${type}.meta.versionId`);
  return {
    ...(type !== undefined ? { resourceType: type as SupportedResourceType } : {}),
    ...(id !== undefined ? { id } : {}),
    ...(vid !== undefined ? { versionId: Number(vid) } : {}),
  };
}

const BODY_TYPES: Record<NonNullable<RouteDefinition['body']>, readonly string[]> = {
  resource: ['application/fhir+json', 'application/json', 'application/json+fhir'],
  'json-patch': ['application/json-patch+json'],
  form: ['application/x-www-form-urlencoded'],
};

/** Reads and parses the body: 415 wrong type, 413 too large, 400 not JSON. */
async function readBody(c: Context<Env>, kind: NonNullable<RouteDefinition['body']>, maxBytes: number): Promise<unknown> {
  assertContentType(c.req.header('content-type'), BODY_TYPES[kind]);
  const bytes = await readBodyBytes(c.req.raw, maxBytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest('The request body is not valid UTF-8', undefined, 'structure');
  }
  return kind === 'form' ? new URLSearchParams(text) : parseJsonBody(text);
}
