import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(import.meta.dirname, '../../functions/api/access');
const sources = readdirSync(DIR)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => [name, readFileSync(join(DIR, name), 'utf8')] as const);

describe('the access package is pure', () => {
  it.each(sources)('%s imports only its own modules', (_name, text) => {
    const specifiers = [...text.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
    for (const specifier of specifiers) expect(specifier).toMatch(/^\.\/[a-z-]+\.js$/);
  });

  it.each(sources)('%s reads no clock, environment or network', (_name, text) => {
    expect(text).not.toMatch(/Date\.now\(|new Date\(\)|process\.|fetch\(|Math\.random/);
  });
});
