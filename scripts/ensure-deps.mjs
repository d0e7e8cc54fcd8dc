// Runs before `npm start` and `npm test`: installs the locked dependencies on a fresh clone, so
// the quick start is exactly two commands. Plain JavaScript: nothing is installed yet.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../node_modules/.package-lock.json', import.meta.url))) {
  process.stdout.write('First run: installing the locked dependencies (npm ci)…\n');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
