/**
 * Builders for the storage-edge unit tests: resource writes, version items and the SDK
 * exceptions DynamoDB Local cannot be made to throw.
 */
import { TransactionCanceledException, type AttributeValue, type CancellationReason } from '@aws-sdk/client-dynamodb';
import type { ConsentFacts } from '../../functions/api/access/types.js';
import { versionItem } from '../../functions/api/repository/item-codec.js';
import type { AuditRecord, IndexEntries, ResourceWrite } from '../../functions/api/repository/types.js';

export const TABLE = 'unit-table';
export const ORG = '1.2.246.10.1234567.10.1';

const index = (anchors: readonly string[] = [], identifiers: readonly string[] = []): IndexEntries => ({ values: {}, anchors, identifiers });

/** A Goal write: created (version 1, expecting none) unless told otherwise. */
export function goalWrite(id: string, overrides: Partial<ResourceWrite> = {}): ResourceWrite {
  return {
    resourceType: 'Goal',
    id,
    expectedVersionId: 0,
    versionId: 1,
    lastUpdated: '2026-12-01T10:00:00.000Z',
    method: 'POST',
    seq: 1,
    lane: 0,
    resource: { resourceType: 'Goal', id, lifecycleStatus: 'active', description: { text: 'Arki sujuu' }, subject: { reference: 'Patient/p1' } },
    index: index(),
    access: { resourceType: 'Goal', id, custodian: ORG, clientKeys: ['Patient/p1'] },
    ...overrides,
  };
}

/** Index entries with the given anchors and identifiers. */
export const entries = (anchors: readonly string[], identifiers: readonly string[] = []): IndexEntries => index(anchors, identifiers);

/** The decision facts of a Consent about `clientKeys`. */
export function consentFacts(id: string, clientKeys: readonly string[]): ConsentFacts {
  return { id, custodian: ORG, status: 'active', patientPrivacy: true, clientKeys, provisions: [] };
}

/** A Consent write about `clientKeys` (its facts absent = deleted). */
export function consentWrite(id: string, clientKeys: readonly string[], overrides: Partial<ResourceWrite> = {}): ResourceWrite {
  return goalWrite(id, {
    resourceType: 'Consent',
    resource: { resourceType: 'Consent', id, status: 'active', scope: {}, category: [] },
    access: { resourceType: 'Consent', id, custodian: ORG, clientKeys, namedOrganizations: [] },
    consent: consentFacts(id, clientKeys),
    ...overrides,
  });
}

/** An audit record about `clientKey`. */
export function auditRecord(eventId: string, clientKey?: string): AuditRecord {
  return {
    ...(clientKey !== undefined ? { clientKey } : {}),
    eventId,
    recorded: '2026-12-01T10:00:00.000Z',
    body: JSON.stringify({ resourceType: 'AuditEvent', id: eventId }),
    expiresAt: 2_000_000_000,
  };
}

/** The version record of change-feed number `seq` of a Goal. */
export function feedItem(seq: number, lastUpdated = `2026-12-01T10:00:${String(seq).padStart(2, '0')}.000Z`): Record<string, AttributeValue> {
  return versionItem(goalWrite(`g${seq}`, { seq, lastUpdated }));
}

/** What DynamoDB throws when a transaction is cancelled: one reason per action, in order. */
export function cancelled(reasons: readonly CancellationReason[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    $metadata: {},
    CancellationReasons: [...reasons],
  });
}

/** A reason list of `length` actions, `None` except for the given positions. */
export function reasonsAt(length: number, at: Readonly<Record<number, CancellationReason>>): CancellationReason[] {
  return Array.from({ length }, (_, n) => at[n] ?? { Code: 'None' });
}

/** An SDK error as the client raises it: only its `name` tells what happened. */
export function sdkError(name: string, message = name): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}
