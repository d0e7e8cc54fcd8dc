/**
 * Opaque paging cursors: base64url JSON signed with HMAC-SHA256, bound to the query they
 * page through. A cursor that was altered, or replayed against another query, is rejected
 * with 400 instead of silently returning the wrong page.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../../shared/errors.js';

/** The parameter carrying the cursor in `next` links. */
export const CURSOR_PARAM = '_cursor';

function sign(secret: string, scope: string, payload: string): string {
  return createHmac('sha256', secret).update(scope).update('\n').update(payload).digest('base64url').slice(0, 32);
}

/** Encodes `state` as a cursor valid only for `scope` (e.g. the normalized query). */
export function encodeCursor(secret: string, scope: string, state: unknown): string {
  const payload = Buffer.from(JSON.stringify(state)).toString('base64url');
  return `${payload}.${sign(secret, scope, payload)}`;
}

/** Decodes a cursor made by {@link encodeCursor} for the same scope; throws 400 otherwise. */
export function decodeCursor(secret: string, scope: string, cursor: string): unknown {
  const [payload, signature, extra] = cursor.split('.');
  const invalid = badRequest(`The paging cursor is invalid or does not belong to this query`, CURSOR_PARAM);
  if (!payload || !signature || extra !== undefined) throw invalid;
  const expected = Buffer.from(sign(secret, scope, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw invalid;
  }
}
