/**
 * The Hono application: the same app serves Lambda (`handler.ts`) and local runs
 * (`scripts/start.ts`). Data flows one way: HTTP → route → service → repository → DynamoDB.
 */
import { Hono, type Context } from 'hono';
import { SUPPORTED_RESOURCE_TYPES, type SupportedResourceType } from '../../schemas/index.js';
import type { ApiConfig } from '../shared/config.js';
import { badRequest, FhirError, methodNotAllowed, notFound, payloadTooLarge } from '../shared/errors.js';
import { ID_PATTERN, VERSION_ID_PATTERN } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { assertAcceptsFhirJson, assertContentType, parseJsonBody } from './http/media.js';
import { render, renderError, toFhirError } from './http/render.js';
import { ROUTES } from './routes/registry.js';
import { isSupportedType } from './search/parse/registry.js';
import type { FhirRequest, InteractionContext, RouteDefinition } from './routes/types.js';
import type { FeedReader } from './repository/feed-reader.js';
import type { ResourceService } from './services/resource-service.js';
import type { SearchService } from './services/search-service.js';

/** What the app needs; built once per process (see `functions/api/bootstrap.ts`). */
export interface AppDeps {
  readonly config: ApiConfig;
  readonly resources: ResourceService;
  readonly search: SearchService;
  readonly feed: FeedReader;
  readonly log: Logger;
}

type Env = { Variables: { requestId: string; log: Logger } };

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
  const context: InteractionContext = { resources: deps.resources, search: deps.search, feed: deps.feed, config: deps.config, log: c.get('log') };
  return render(c, await route.handler(request, context), pretty);
}

/** Checks `:type`, `:id` and `:vid` path segments (404 unknown type, 400 malformed id). */
function checkPathParams(c: Context<Env>): { resourceType?: SupportedResourceType; id?: string; versionId?: number } {
  const { type, id, vid } = c.req.param() as Record<string, string | undefined>;
  if (type !== undefined && !isSupportedType(type)) {
    throw new FhirError(404, [
      { code: 'not-supported', diagnostics: `Resource type '${type}' is not supported; supported: ${SUPPORTED_RESOURCE_TYPES.join(', ')}` },
    ]);
  }
  if (id !== undefined && !ID_PATTERN.test(id)) throw badRequest(`'${id}' is not a valid FHIR id ([A-Za-z0-9-.]{1,64})`, `${type}.id`);
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
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > maxBytes) throw payloadTooLarge(`The request body (${declared} bytes) exceeds the limit of ${maxBytes} bytes`);
  assertContentType(c.req.header('content-type'), BODY_TYPES[kind]);
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.byteLength > maxBytes) throw payloadTooLarge(`The request body (${bytes.byteLength} bytes) exceeds the limit of ${maxBytes} bytes`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest('The request body is not valid UTF-8', undefined, 'structure');
  }
  return kind === 'form' ? new URLSearchParams(text) : parseJsonBody(text);
}
