import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mintToken, testKeys } from '../support/tokens.js';
import { createTable } from '../../scripts/local/create-table.js';
import { goalFixture } from '../fixtures/shared-plan.js';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
let handler: Handler;

/** An API Gateway HTTP API (payload format 2.0) event as the service sends it. */
function event(method: string, path: string, options: { body?: string; base64?: boolean; query?: string; headers?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'ANY /fhir/{proxy+}',
    rawPath: path,
    rawQueryString: options.query ?? '',
    headers: { host: 'api.example.fi', 'x-forwarded-proto': 'https', authorization, ...options.headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'api.example.fi',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'apigw-req-1',
      routeKey: 'ANY /fhir/{proxy+}',
      stage: '$default',
      time: '30/Nov/2026:10:00:00 +0000',
      timeEpoch: Date.now(),
    },
    isBase64Encoded: options.base64 ?? false,
    ...(options.body !== undefined ? { body: options.body } : {}),
  };
}

const context = { awsRequestId: 'lambda-1', functionName: 'api', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

let authorization: string;
let jwksServer: Server;

/** The issuer's JWKS, served on loopback: the handler fetches it like it fetches a real issuer's. */
async function serveJwks(): Promise<string> {
  const { jwks } = await testKeys();
  jwksServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks)));
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
}

afterAll(() => new Promise<void>((resolve) => jwksServer.close(() => resolve())));

beforeAll(async () => {
  const issuer = 'https://login.example.fi/county';
  const jwksUrl = await serveJwks();
  authorization = `Bearer ${await mintToken({ issuer, audience: 'https://api.example.fi/fhir' })}`;
  const tableName = `lambda-${randomBytes(4).toString('hex')}`;
  const endpoint = inject('dynamoEndpoint');
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await createTable(client, tableName);
  client.destroy();
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: endpoint,
    CURSOR_SECRET: 'c'.repeat(40),
    LOG_LEVEL: 'warn',
    AUTH_ISSUER: issuer,
    AUTH_AUDIENCE: 'https://api.example.fi/fhir',
    AUTH_JWKS_URL: jwksUrl,
  });
  ({ handler } = (await import('../../functions/api/handler.js')) as { handler: Handler });
});

describe('Lambda handler (API Gateway HTTP API v2 events)', () => {
  it('serves GET metadata', async () => {
    const res = (await handler(event('GET', '/fhir/metadata'), context)) as { statusCode: number; body: string; headers: Record<string, string> };
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    expect(JSON.parse(res.body).implementation.url).toBe('https://api.example.fi/fhir');
  });

  it('creates from a JSON body and reads it back', async () => {
    const created = (await handler(
      event('POST', '/fhir/Goal', { body: JSON.stringify(goalFixture()), headers: { 'content-type': 'application/fhir+json' } }),
      context,
    )) as { statusCode: number; body: string; headers: Record<string, string> };
    expect(created.statusCode).toBe(201);
    const id = JSON.parse(created.body).id as string;
    expect(created.headers.location).toBe(`https://api.example.fi/fhir/Goal/${id}/_history/1`);
    const read = (await handler(event('GET', `/fhir/Goal/${id}`), context)) as { statusCode: number; body: string };
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.body).description).toEqual(goalFixture().description);
  });

  it('decodes a base64 body', async () => {
    const body = Buffer.from(JSON.stringify(goalFixture())).toString('base64');
    const res = (await handler(event('POST', '/fhir/Goal', { body, base64: true, headers: { 'content-type': 'application/fhir+json' } }), context)) as {
      statusCode: number;
      body: string;
    };
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body).resourceType).toBe('Goal');
  });

  it('refuses a request without a bearer token with 401 and WWW-Authenticate', async () => {
    const res = (await handler(event('GET', '/fhir/Goal/x', { headers: { authorization: '' } }), context)) as { statusCode: number; body: string; headers: Record<string, string> };
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(JSON.parse(res.body).issue[0].code).toBe('login');
  });

  it('passes the query string and answers errors as OperationOutcome', async () => {
    const res = (await handler(event('GET', '/fhir/metadata', { query: '_format=xml' }), context)) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(406);
    expect(JSON.parse(res.body).resourceType).toBe('OperationOutcome');
  });
});
