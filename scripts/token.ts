/**
 * `npm run token -- --org <oid> --scope "<scopes>" [...]`: prints an access token of the local
 * development issuer, and nothing else, on stdout, so `TOKEN=$(npm run token -- …)` works.
 * `npm start` accepts it on any PORT/HOST: both use the key in `.dev-keys/` (or `DEV_KEYS_DIR`).
 */
import { parseArgs } from 'node:util';
import { signDevToken, DEV_TOKEN_TTL_SECONDS } from '../functions/api/auth/dev-token.js';
import { isOid } from '../functions/api/access/index.js';
import { parseScopes } from '../functions/api/auth/index.js';
import { loadOrCreateDevKeys } from './local/dev-keys.js';

const USAGE = `Usage: npm run token -- --org <organisation OID> --scope "<SMART scopes>" [options]

  --org <oid>             calling organisation, e.g. 1.2.246.10.1234567.10.1
  --scope "<scopes>"      space-separated, e.g. "system/*.cruds" or "system/CarePlan.rs system/Goal.rs"
  --practitioner <id>     practitioner acting through the system
  --purpose <code>        purpose of use (v3 ActReason), e.g. TREAT or ETREAT
  --client <id>           client id (default dev-client)
  --ttl <seconds>         lifetime (default ${DEV_TOKEN_TTL_SECONDS}; real SMART tokens live at most 300)

Prints only the token, so: TOKEN=$(npm run token -- --org 1.2.246.10.1234567.10.1 --scope "system/*.cruds")
`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface TokenRequest {
  readonly org: string;
  readonly scope: string;
  readonly practitioner?: string;
  readonly purpose?: string;
  readonly clientId?: string;
  readonly ttlSeconds?: number;
}

function parseRequest(args: readonly string[]): TokenRequest | 'help' {
  const { values } = parseArgs({
    args: [...args],
    options: {
      org: { type: 'string' },
      scope: { type: 'string' },
      practitioner: { type: 'string' },
      purpose: { type: 'string' },
      client: { type: 'string' },
      ttl: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  if (!values.org) throw new UsageError('--org is required');
  if (!isOid(values.org)) throw new UsageError('--org must be an OID such as 1.2.246.10.1234567.10.1');
  if (!values.scope?.trim()) throw new UsageError('--scope is required');
  const ttlSeconds = values.ttl === undefined ? undefined : Number(values.ttl);
  if (ttlSeconds !== undefined && (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 86_400)) {
    throw new UsageError('--ttl must be a whole number of seconds between 1 and 86400');
  }
  return {
    org: values.org,
    scope: values.scope.trim(),
    ...(values.practitioner ? { practitioner: values.practitioner } : {}),
    ...(values.purpose ? { purpose: values.purpose } : {}),
    ...(values.client ? { clientId: values.client } : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
  };
}

async function main(): Promise<void> {
  let request: TokenRequest | 'help';
  try {
    request = parseRequest(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`npm run token: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (request === 'help') {
    process.stderr.write(USAGE);
    return;
  }
  if (parseScopes(request.scope).length === 0) {
    process.stderr.write(`npm run token: warning: "${request.scope}" grants nothing on this server (it accepts system/ scopes only)\n`);
  }
  const keys = await loadOrCreateDevKeys();
  const token = await signDevToken({ privateKey: keys.privateKey, kid: keys.kid, alg: keys.alg, ...request });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run token failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
