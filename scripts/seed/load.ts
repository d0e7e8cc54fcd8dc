/**
 * Loads the seed batches into a running API: each batch is one transaction Bundle POSTed with
 * its organisation's own token (so each organisation is the custodian of what it writes), and
 * every entry is a conditional create — a second run finds everything and creates nothing.
 */
import type { Bundle, BundleEntry } from 'fhir/r4.js';
import type { SeedBatch } from './county.js';

/** Per resource type: how many entries the server created and how many it found existing. */
export type SeedSummary = Record<string, { created: number; existing: number }>;

/** Where and as whom to seed. */
export interface SeedTarget {
  /** The FHIR base, e.g. `http://127.0.0.1:8080/fhir`. */
  readonly base: string;
  /** An access token of `organisation` (an OID) with create, read and search scopes. */
  tokenFor(organisation: string): Promise<string>;
}

/** A failure of one batch, with the server's answer. */
export class SeedError extends Error {
  override readonly name = 'SeedError';
  constructor(message: string, readonly status?: number, readonly outcome?: unknown) {
    super(message);
  }
}

/**
 * POSTs each batch in order (a later batch may refer to an earlier one's resources) and counts
 * the outcome of every entry: `201` created, `200` found by its business identifier.
 */
export async function seed(target: SeedTarget, batches: readonly SeedBatch[]): Promise<SeedSummary> {
  const summary: SeedSummary = {};
  for (const batch of batches) {
    const token = await target.tokenFor(batch.organisation.oid);
    const response = await fetch(target.base, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', accept: 'application/fhir+json', prefer: 'return=minimal' },
      body: JSON.stringify(batch.bundle),
    });
    const body = (await response.json().catch(() => undefined)) as Bundle | undefined;
    if (response.status !== 200 || body?.resourceType !== 'Bundle') {
      throw new SeedError(`${batch.organisation.name} could not write "${batch.description}": HTTP ${response.status}`, response.status, body);
    }
    (batch.bundle.entry ?? []).forEach((entry: BundleEntry, n) => {
      const type = entry.resource?.resourceType ?? 'unknown';
      const status = body.entry?.[n]?.response?.status ?? '';
      const counts = (summary[type] ??= { created: 0, existing: 0 });
      if (status.startsWith('201')) counts.created += 1;
      else counts.existing += 1;
    });
  }
  return summary;
}

/** The summary as a small table: one line per type and a total. */
export function formatSummary(summary: SeedSummary): string {
  const rows = Object.entries(summary).sort(([a], [b]) => a.localeCompare(b));
  const total = rows.reduce((sum, [, counts]) => ({ created: sum.created + counts.created, existing: sum.existing + counts.existing }), { created: 0, existing: 0 });
  const line = (name: string, counts: { created: number; existing: number }): string => `  ${name.padEnd(10)} ${String(counts.created).padStart(7)} ${String(counts.existing).padStart(8)}`;
  return [`  ${'type'.padEnd(10)} ${'created'.padStart(7)} ${'existing'.padStart(8)}`, ...rows.map(([name, counts]) => line(name, counts)), line('total', total)].join('\n');
}
