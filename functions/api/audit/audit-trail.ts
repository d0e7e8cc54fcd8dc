/**
 * The disclosure log of one request. Interactions tell it what they disclosed, wrote or
 * refused; it turns that into AuditEvents, one per client touched (or one about no client):
 * - a write's events go into the write's own TransactWriteItems ({@link AuditTrail.forCommit});
 * - everything else is written before the response is sent ({@link AuditTrail.remaining}); if
 *   that fails the request fails, so nothing is disclosed without a log entry.
 */
import type { AccessBasis, AccessTarget, Principal } from '../access/types.js';
import type { AuditRecord, StoredVersion } from '../repository/index.js';
import { buildAuditEvent } from './audit-event.js';

/** Fixed facts of the request being audited. */
export interface AuditRequest {
  readonly requestId: string;
  readonly principal?: Principal;
  /** Days an audit record is kept (DynamoDB TTL). */
  readonly retentionDays: number;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

interface ClientLog {
  readonly entities: Set<string>;
  readonly bases: AccessBasis[];
  denied: boolean;
  /** Recorded since the last committed event about this client. */
  dirty: boolean;
}

const NO_CLIENT = '';

export class AuditTrail {
  private interaction = 'authenticate';
  private query: string | undefined;
  private readonly clients = new Map<string, ClientLog>();
  private committedAny = false;
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(private readonly request: AuditRequest) {
    this.now = request.now ?? (() => new Date());
    this.newId = request.newId ?? (() => crypto.randomUUID());
  }

  /** The interaction being served (set once the route is known). */
  setInteraction(interaction: string, query?: string): void {
    this.interaction = interaction;
    if (query !== undefined && query !== '') this.query = query;
  }

  /** Versions disclosed to the caller, with the basis of each. */
  disclose(version: StoredVersion, basis: AccessBasis): void {
    this.note(version.access, `${version.resourceType}/${version.id}/_history/${version.versionId}`, basis);
  }

  /** Access to `target` was refused. */
  deny(target: AccessTarget | undefined): void {
    for (const key of clientsOf(target)) {
      const log = this.log(key);
      log.denied = true;
      log.dirty = true;
    }
  }

  /**
   * The request concerns `clientKey` without disclosing a stored resource of theirs (a search of
   * the client's access log): it is logged under that client.
   */
  concerns(clientKey: string): void {
    this.log(clientKey).dirty = true;
  }

  /** The events a write commits with itself: about every client of `writes`, with what else was recorded about them. */
  forCommit(writes: readonly { readonly version: StoredVersion; readonly basis: AccessBasis }[]): AuditRecord[] {
    for (const { version, basis } of writes) this.disclose(version, basis);
    const keys = new Set(writes.flatMap(({ version }) => clientsOf(version.access)));
    return [...keys].map((key) => this.record(key, 201));
  }

  /** The write committed: its events are stored. */
  committed(records: readonly AuditRecord[]): void {
    this.committedAny = true;
    for (const record of records) {
      const log = this.clients.get(record.clientKey ?? NO_CLIENT);
      if (log) log.dirty = false;
    }
  }

  /** Events still to write when the request ends with `status`: every client not yet logged, or one event about no client. */
  remaining(status: number, outcomeDesc?: string): AuditRecord[] {
    const pending = [...this.clients].filter(([, log]) => log.dirty).map(([key]) => this.record(key, status, outcomeDesc));
    if (pending.length === 0 && !this.committedAny) return [this.record(NO_CLIENT, status, outcomeDesc)];
    return pending;
  }

  private note(target: AccessTarget | undefined, entity: string, basis: AccessBasis): void {
    for (const key of clientsOf(target)) {
      const log = this.log(key);
      log.entities.add(entity);
      if (!log.bases.some((b) => JSON.stringify(b) === JSON.stringify(basis))) log.bases.push(basis);
      log.dirty = true;
    }
  }

  private log(key: string): ClientLog {
    let log = this.clients.get(key);
    if (!log) {
      log = { entities: new Set(), bases: [], denied: false, dirty: false };
      this.clients.set(key, log);
    }
    return log;
  }

  private record(key: string, status: number, outcomeDesc?: string): AuditRecord {
    const log = this.clients.get(key);
    const now = this.now();
    const recorded = now.toISOString();
    const eventId = this.newId();
    const event = buildAuditEvent({
      eventId,
      recorded,
      interaction: this.interaction,
      status,
      ...(this.request.principal ? { principal: this.request.principal } : {}),
      requestId: this.request.requestId,
      ...(key !== NO_CLIENT ? { clientKey: key } : {}),
      entities: [...(log?.entities ?? [])].sort(),
      bases: log?.bases ?? [],
      denied: log?.denied ?? false,
      ...(this.query !== undefined ? { query: this.query } : {}),
      ...(outcomeDesc ? { outcomeDesc } : {}),
    });
    return {
      ...(key !== NO_CLIENT ? { clientKey: key } : {}),
      eventId,
      recorded,
      body: JSON.stringify(event),
      expiresAt: Math.floor(now.getTime() / 1000) + this.request.retentionDays * 86_400,
    };
  }
}

/** The client keys a target is logged under; a resource about no client is logged under none. */
function clientsOf(target: AccessTarget | undefined): string[] {
  const keys = target?.clientKeys ?? [];
  return keys.length > 0 ? [...keys] : [NO_CLIENT];
}
