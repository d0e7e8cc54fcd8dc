import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTokenVerifier, principalFromClaims } from '../../functions/api/auth/index.js';
import { devVerifierOptions } from '../../scripts/local/dev-keys.js';

const ORG = '1.2.246.10.1234567.10.1';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'token-script-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The environment without what an outer `npm`/`npx` passes down, so only the project's `.npmrc` counts. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return { ...env, DEV_KEYS_DIR: join(dir, 'keys') };
}

function run(command: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const token = (args: readonly string[]): Promise<Run> => run(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args]);

describe('npm run token', () => {
  it('prints only a token, on one line, that the development verifier accepts', async () => {
    const result = await token(['--org', ORG, '--scope', 'system/*.cruds', '--practitioner', 'dev-901', '--purpose', 'ETREAT', '--client', 'curl', '--ttl', '600']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const verify = createTokenVerifier(await devVerifierOptions(join(dir, 'keys')));
    const claims = await verify(result.stdout.trim());
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(600);
    expect(principalFromClaims(claims)).toEqual({
      clientId: 'curl',
      organization: ORG,
      practitioner: 'dev-901',
      purposeOfUse: 'ETREAT',
      scopes: [{ resourceType: '*', operations: new Set(['c', 'r', 'u', 'd', 's']) }],
    });
  });

  it('signs with one key when two runs race on first use', async () => {
    const [first, second] = await Promise.all([token(['--org', ORG, '--scope', 'system/Goal.rs']), token(['--org', ORG, '--scope', 'system/Goal.rs'])]);
    const verify = createTokenVerifier(await devVerifierOptions(join(dir, 'keys')));
    await expect(verify(first?.stdout.trim() ?? '')).resolves.toMatchObject({ organization: ORG });
    await expect(verify(second?.stdout.trim() ?? '')).resolves.toMatchObject({ organization: ORG });
  });

  it.each([
    ['no arguments', []],
    ['an organisation that is not an OID', ['--org', 'Kanta-Häme', '--scope', 'system/*.rs']],
    ['an unknown option', ['--org', ORG, '--scope', 'system/*.rs', '--admin']],
    ['a bad ttl', ['--org', ORG, '--scope', 'system/*.rs', '--ttl', '-5']],
  ])('exits 2 with usage on stderr and nothing on stdout for %s', async (_, args) => {
    const result = await token(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: npm run token');
  });

  it('warns on stderr when the scopes grant nothing here, and still prints the token', async () => {
    const result = await token(['--org', ORG, '--scope', 'patient/*.rs']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('grants nothing');
    expect(result.stdout.trim().split('.')).toHaveLength(3);
  });

  it('keeps npm\'s script banner off stdout, so TOKEN=$(npm run token -- …) captures only the token', async () => {
    const result = await run('npm', ['run', 'token', '--', '--org', ORG, '--scope', 'system/*.cruds']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });
});
