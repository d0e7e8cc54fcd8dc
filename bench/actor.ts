/**
 * The caller the benchmark loaders write as: one organisation with every scope, audited like
 * any other caller (its audit trail is simply not stored by the bulk loader).
 */
import type { Principal } from '../functions/api/access/types.js';
import { AuditTrail } from '../functions/api/audit/index.js';
import type { ResourceRepository } from '../functions/api/repository/index.js';
import { AccessGuard } from '../functions/api/services/access-guard.js';
import type { Actor } from '../functions/api/services/resource-service.js';

/** The organisation that holds the benchmark data (synthetic OID). */
export const BENCH_ORG = '1.2.246.10.1234567.10.1';

/** A caller acting for {@link BENCH_ORG}. */
export function benchActor(repository: Pick<ResourceRepository, 'readConsents'>, now?: () => Date): Actor {
  const principal: Principal = { clientId: 'bench-loader', organization: BENCH_ORG, scopes: [{ resourceType: '*', operations: new Set(['c', 'r', 'u', 'd', 's']) }] };
  const audit = new AuditTrail({ requestId: 'bench', principal, retentionDays: 1, ...(now ? { now } : {}) });
  return { access: new AccessGuard(principal, (keys) => repository.readConsents(keys), audit, now), audit };
}
