/**
 * Lambda bundle size (esbuild, the same options as the CDK function) and cold init of the
 * bundled handler in a fresh `node` process, up to its first response.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { ms, quantile } from './stats.js';

export interface LambdaResult {
  readonly markdown: string;
}

/** Bundles the handler into a temp dir and returns the bundle path. */
async function bundle(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'scp-bundle-'));
  const outfile = join(dir, 'index.mjs');
  await build({
    entryPoints: ['functions/api/handler.ts'],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    outfile,
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return outfile;
}

const probe = (bundlePath: string, path: string, token: string): string => `
const started = performance.now();
const { handler } = await import(${JSON.stringify(bundlePath)});
const imported = performance.now();
const res = await handler({ version: '2.0', routeKey: '$default', rawPath: ${JSON.stringify(path)}, rawQueryString: '',
  headers: { host: 'bench.local', authorization: ${JSON.stringify(`Bearer ${token}`)} }, isBase64Encoded: false,
  requestContext: { http: { method: 'GET', path: ${JSON.stringify(path)}, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
    domainName: 'bench.local', requestId: 'r', routeKey: '$default', stage: '$default', time: '', timeEpoch: 0, accountId: '1', apiId: 'a', domainPrefix: 'b' } },
  { awsRequestId: 'cold', getRemainingTimeInMillis: () => 10000 });
if (res.statusCode !== 200) throw new Error('status ' + res.statusCode);
console.log(JSON.stringify({ importMs: imported - started, firstResponseMs: performance.now() - started }));
`;

/**
 * Measures bundle size and cold init (`runs` fresh processes); the first request carries
 * `token`, so cold init includes fetching the issuer's JWKS named in `env`.
 */
export async function benchLambda(env: Record<string, string>, readPath: string, runs: number, token: string): Promise<LambdaResult> {
  const bundlePath = await bundle();
  const bytes = statSync(bundlePath).size;
  const gz = gzipSync(readFileSync(bundlePath)).byteLength;
  const script = join(bundlePath, '..', 'probe.mjs');
  writeFileSync(script, probe(bundlePath, readPath, token));
  const total: number[] = [];
  const inProcess: number[] = [];
  const importOnly: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    bare.push(performance.now() - t0);
    const t1 = performance.now();
    // Asynchronous, so this process keeps serving the issuer's JWKS to the probe.
    const result = await promisify(execFile)(process.execPath, [script], { env: { ...process.env, ...env, NODE_NO_WARNINGS: '1' }, encoding: 'utf8' }).catch((error: { stderr?: string }) => {
      throw new Error(`cold start probe failed: ${error.stderr ?? String(error)}`);
    });
    total.push(performance.now() - t1);
    const line = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as { importMs: number; firstResponseMs: number };
    importOnly.push(line.importMs);
    inProcess.push(line.firstResponseMs);
  }
  const markdown = [
    `| Lambda bundle | value |`,
    '|---|---:|',
    `| bundle size (minified ESM, AWS SDK bundled) | ${(bytes / 1024).toFixed(0)} KiB (${(gz / 1024).toFixed(0)} KiB gzip) |`,
    `| cold init: import of the bundle (median of ${runs}) | ${ms(quantile(importOnly, 0.5))} ms |`,
    `| cold init: import + first response (JWKS fetch, token check, DynamoDB read, audit write; median of ${runs}) | ${ms(quantile(inProcess, 0.5))} ms |`,
    `| fresh \`node\` process to first response (median of ${runs}) | ${ms(quantile(total, 0.5))} ms |`,
    `| bare \`node -e 0\` for comparison (median of ${runs}) | ${ms(quantile(bare, 0.5))} ms |`,
  ].join('\n');
  return { markdown };
}
