/**
 * AWS Lambda entry point: the same Hono app as local runs, behind API Gateway HTTP API
 * (payload format 2.0). Configuration is read once per cold start; inside Lambda it is read
 * as deployed, so the access-token issuer must be configured and the development issuer is
 * refused. The Lambda runtime always sets `AWS_LAMBDA_FUNCTION_NAME` (a reserved variable a
 * function cannot override); tests and benchmarks import this module without it.
 *
 * @see https://hono.dev/docs/getting-started/aws-lambda
 */
import { handle } from 'hono/aws-lambda';
import { loadConfig } from '../shared/config.js';
import { loadSecretString } from '../shared/secrets.js';
import { buildApp } from './bootstrap.js';

const config = await loadConfig(process.env, loadSecretString, { deployed: process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined });
const { app } = buildApp(config);

export const handler = handle(app);
