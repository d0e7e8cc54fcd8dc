/**
 * AWS Lambda entry point: the same Hono app as local runs, behind API Gateway HTTP API
 * (payload format 2.0). Configuration is read once per cold start.
 *
 * @see https://hono.dev/docs/getting-started/aws-lambda
 */
import { handle } from 'hono/aws-lambda';
import { loadConfig } from '../shared/config.js';
import { loadSecretString } from '../shared/secrets.js';
import { buildApp } from './bootstrap.js';

const config = await loadConfig(process.env, loadSecretString);
const { app } = buildApp(config);

export const handler = handle(app);
