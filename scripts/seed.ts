/**
 * `npm run seed`: loads the synthetic Kanta-Häme county (scripts/seed/county.ts) into the API
 * that `npm start` runs, each organisation writing as itself with a development token (the key
 * in `.dev-keys/`, as `npm run token` signs). Idempotent: a second run creates nothing.
 *
 * Environment: FHIR_BASE (e.g. http://127.0.0.1:8080/fhir), else PORT (8080), HOST (127.0.0.1)
 * and BASE_PATH (/fhir) as `npm start` uses them; DEV_KEYS_DIR as for `npm run token`.
 */
import { signDevToken } from '../functions/api/auth/dev-token.js';
import { loadOrCreateDevKeys } from './local/dev-keys.js';
import { kantaHame, ORGANISATIONS } from './seed/county.js';
import { formatSummary, seed, SeedError } from './seed/load.js';

/** `FHIR_BASE`, else the base `npm start` listens on. */
function fhirBase(env: NodeJS.ProcessEnv): string {
  if (env.FHIR_BASE) return env.FHIR_BASE.replace(/\/+$/, '');
  const host = env.HOST ?? '127.0.0.1';
  // A server listening on every interface is reached on the loopback.
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${reachable}:${env.PORT ?? '8080'}${env.BASE_PATH ?? '/fhir'}`;
}

async function main(): Promise<void> {
  const base = fhirBase(process.env);
  try {
    await fetch(`${base}/metadata`);
  } catch {
    throw new SeedError(`no API answers at ${base}: start it with \`npm start\` (or set FHIR_BASE, PORT, HOST)`);
  }
  const keys = await loadOrCreateDevKeys();
  const tokenFor = (org: string): Promise<string> =>
    signDevToken({ privateKey: keys.privateKey, kid: keys.kid, alg: keys.alg, org, scope: 'system/*.cruds', clientId: 'seed', ttlSeconds: 600 });
  const batches = kantaHame();
  process.stdout.write(`Seeding ${base}: ${batches.length} transactions by ${new Set(batches.map((batch) => batch.organisation.oid)).size} of ${ORGANISATIONS.length} organisations\n`);
  const summary = await seed({ base, tokenFor }, batches);
  process.stdout.write(`${formatSummary(summary)}\n`);
}

main().catch((error: unknown) => {
  const detail = error instanceof SeedError && error.outcome !== undefined ? `\n${JSON.stringify(error.outcome, null, 2)}` : '';
  process.stderr.write(`npm run seed: ${error instanceof Error ? error.message : String(error)}${detail}\n`);
  process.exit(1);
});
