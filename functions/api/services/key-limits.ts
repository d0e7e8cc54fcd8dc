/**
 * Refuses a resource whose identifiers or references would make DynamoDB keys too long (see
 * `repository/key-limits.ts`): every `identifier` (system + value, also a Reference's) and every
 * `reference` string, wherever it appears, is at most {@link KEY_VALUE_MAX_BYTES} bytes of UTF-8.
 */
import { toFhirPath } from '../../../schemas/index.js';
import type { Issue } from '../../shared/operation-outcome.js';
import { KEY_VALUE_MAX_BYTES, utf8Bytes } from '../repository/key-limits.js';

type Path = readonly (string | number)[];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function tooLong(resourceType: string, path: Path, what: string, bytes: number): Issue {
  return {
    code: 'too-long',
    diagnostics: `${what} is ${bytes} bytes of UTF-8; at most ${KEY_VALUE_MAX_BYTES} bytes are allowed, because it is stored as a DynamoDB key`,
    expression: [toFhirPath(resourceType, path)],
  };
}

/** The key-length issues of a resource (empty when every value fits). */
export function keyLimitIssues(resource: { readonly resourceType: string }): Issue[] {
  const issues: Issue[] = [];
  const visit = (node: unknown, path: Path): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...path, index]));
      return;
    }
    if (!isObject(node)) return;
    for (const [name, value] of Object.entries(node)) {
      if (name === 'identifier') {
        const identifiers = Array.isArray(value) ? value.map((item, index) => [item, [...path, name, index]] as const) : [[value, [...path, name]] as const];
        for (const [identifier, at] of identifiers) {
          if (!isObject(identifier)) continue;
          const bytes = utf8Bytes(text(identifier['system']), text(identifier['value']));
          if (bytes > KEY_VALUE_MAX_BYTES) issues.push(tooLong(resource.resourceType, [...at, 'value'], 'The identifier (system and value together)', bytes));
        }
      } else if (name === 'reference' && typeof value === 'string') {
        const bytes = utf8Bytes(value);
        if (bytes > KEY_VALUE_MAX_BYTES) issues.push(tooLong(resource.resourceType, [...path, name], 'The reference', bytes));
      }
      visit(value, [...path, name]);
    }
  };
  visit(resource, []);
  return issues;
}
