/**
 * One context per request: who is calling, the access decision made for them and the audit
 * trail of what they were shown. The app builds it once, after authentication, and hands it to
 * every interaction and every Bundle entry (batch and transaction entries run with the outer
 * request's context), so no path can skip the decision or the log.
 */
import type { Principal, ScopeOperation } from '../access/types.js';
import type { AuditTrail } from '../audit/index.js';
import { forbiddenScope, scopeAllows } from '../auth/index.js';
import type { AccessGuard } from '../services/access-guard.js';

export interface RequestContext {
  readonly principal: Principal;
  readonly requestId: string;
  readonly access: AccessGuard;
  readonly audit: AuditTrail;
}

/** Requires a SMART scope for `op` on `resourceType` (403 `forbidden` naming the scope otherwise). */
export function requireScope(context: RequestContext, resourceType: string, op: ScopeOperation): void {
  if (!scopeAllows(context.principal.scopes, resourceType, op)) throw forbiddenScope(resourceType, op);
}
