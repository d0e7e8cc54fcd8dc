/**
 * Helpers of the AuditEvent search tests: the auditor's token, searching a client's log and
 * reading an event's parts. Identities are synthetic only (individual numbers 900–999).
 */
import { randomUUID } from 'node:crypto';
import type { AuditEvent, Bundle } from 'fhir/r4.js';
import { expect } from 'vitest';
import { buildAuditEvent, LEGAL_BASIS_EXTENSION_URL, REQUEST_ID_SYSTEM } from '../../../functions/api/audit/index.js';
import { DynamoResourceRepository, type AuditRecord } from '../../../functions/api/repository/index.js';
import { call, type TestApi } from '../../support/api.js';
import { mintToken } from '../../support/tokens.js';

export const HETU = 'urn:oid:1.2.246.21';
export const SOTE = 'urn:oid:1.2.246.537.6.202.2008';
/** The county's registry system: the only kind of caller the AuditEvent scope is meant for. */
export const REGISTRY_ORG = '1.2.246.10.1234567.10.99';

/** A token of the county's registry system, allowed to search the access log only. */
export const auditorToken = (): Promise<string> => mintToken({ org: REGISTRY_ORG, clientId: 'registry', scope: 'system/AuditEvent.rs' });

/** `patient:identifier=urn:oid:1.2.246.21|<hetu>`, URL-encoded. */
export const byClient = (hetu: string): string => `patient:identifier=${encodeURIComponent(`${HETU}|${hetu}`)}`;

/** Searches AuditEvents with `query` as the auditor (or `token`), expecting 200. */
export async function searchLog(api: TestApi, query: string, token: string): Promise<Bundle & { entry?: { resource: AuditEvent; fullUrl: string }[] }> {
  const res = await call(`${api.base}/AuditEvent?${query}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
  return res.body;
}

/** The events of a searchset. */
export const eventsOf = (bundle: { entry?: { resource: AuditEvent }[] }): AuditEvent[] => (bundle.entry ?? []).map((entry) => entry.resource);

/** The `next` link of a Bundle, if any. */
export const nextOf = (bundle: Bundle): string | undefined => bundle.link?.find((link) => link.relation === 'next')?.url;

/** The X-Request-Id an event records. */
export const requestIdOf = (event: AuditEvent): string | undefined =>
  event.entity?.find((entity) => entity.what?.identifier?.system === REQUEST_ID_SYSTEM)?.what?.identifier?.value;

/** The legal bases an event records. */
export const basesOf = (event: AuditEvent): string[] => (event.extension ?? []).filter((e) => e.url === LEGAL_BASIS_EXTENSION_URL).map((e) => e.valueCode!);

/** The literal references among an event's entities. */
export const entitiesOf = (event: AuditEvent): string[] => (event.entity ?? []).flatMap((entity) => (entity.what?.reference ? [entity.what.reference] : []));

/** The decoded query an event records, if any. */
export const queryOf = (event: AuditEvent): string | undefined => {
  const encoded = event.entity?.find((entity) => entity.query !== undefined)?.query;
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
};

/** Stores AuditEvents about `clientKey` recorded at `instants`, as the app would (through the repository). */
export async function writeEvents(api: TestApi, clientKey: string, instants: readonly string[], facts: { outcome?: 4; interaction?: string } = {}): Promise<AuditRecord[]> {
  const repository = new DynamoResourceRepository({ client: api.client, tableName: api.config.tableName });
  const records = instants.map((recorded): AuditRecord => {
    const eventId = randomUUID();
    const event = buildAuditEvent({
      eventId,
      recorded,
      interaction: facts.interaction ?? 'read',
      status: facts.outcome === 4 ? 404 : 200,
      requestId: `seed-${eventId}`,
      clientKey,
      entities: [],
      bases: [],
      denied: false,
    });
    return { clientKey, eventId, recorded, body: JSON.stringify(event), expiresAt: Math.floor(Date.parse(recorded) / 1000) + api.config.auditRetentionDays * 86_400 };
  });
  await repository.appendAudit(records);
  return records;
}
