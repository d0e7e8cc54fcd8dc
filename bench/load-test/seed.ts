/**
 * Stores the synthetic clients through the API before the timed phase, as the custodian
 * organisation: per client a Consent naming the second organisation (two clients in three), a
 * CareTeam, two Goals and a CarePlan referring to them.
 */
import type { HttpResult, LoopbackClient } from './http-client.js';
import { careTeamFor, carePlanFor, consentFor, goalFor, loadClient, type LoadClient, type TrackedResource } from './resources.js';

/** Options of {@link seedClients}. */
export interface SeedOptions {
  readonly http: LoopbackClient;
  readonly basePath: string;
  readonly custodianToken: string;
  /** The organisation OID the consents name as actor. */
  readonly otherOrganization: string;
  readonly clients: number;
  /** Clients stored at the same time. */
  readonly concurrency: number;
}

/** What seeding stored. */
export interface SeedResult {
  readonly clients: LoadClient[];
  readonly resources: number;
  /** 409 answers (simultaneous writes) that seeding retried. */
  readonly retried: number;
  readonly seconds: number;
}

/** Thrown when the API refuses seed data: the load figures would mean nothing. */
export class SeedError extends Error {
  override readonly name = 'SeedError';
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Stores every client's plan; retries 409s with backoff, fails on anything else. */
export async function seedClients(options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const clients = Array.from({ length: options.clients }, (_, index) => loadClient(index));
  let resources = 0;
  let retried = 0;

  const create = async (type: string, body: object): Promise<Record<string, unknown> & { id: string }> => {
    for (let attempt = 1; ; attempt++) {
      const result: HttpResult = await options.http.send({
        method: 'POST',
        path: `${options.basePath}/${type}`,
        headers: { authorization: `Bearer ${options.custodianToken}` },
        body,
      });
      if (result.status === 201) {
        resources++;
        return JSON.parse(result.body) as Record<string, unknown> & { id: string };
      }
      if (result.status !== 409 || attempt >= 20) throw new SeedError(`seeding ${type} failed: ${result.status} ${result.body.slice(0, 500)}`);
      retried++;
      await sleep(Math.random() * 20 * attempt);
    }
  };
  const tracked = (type: TrackedResource['type'], stored: Record<string, unknown> & { id: string }): TrackedResource => ({
    type,
    id: stored.id,
    body: stored,
    version: Number((stored.meta as { versionId: string }).versionId),
  });

  const seedOne = async (client: LoadClient): Promise<void> => {
    if (client.consented) await create('Consent', consentFor(client, options.otherOrganization));
    client.careTeam = (await create('CareTeam', careTeamFor(client))).id;
    for (let n = 0; n < 2; n++) client.goals.push(tracked('Goal', await create('Goal', goalFor(client, n))));
    client.carePlans.push(tracked('CarePlan', await create('CarePlan', carePlanFor(client))));
  };

  let nextClient = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (nextClient < clients.length) await seedOne(clients[nextClient++]!);
    }),
  );
  return { clients, resources, retried, seconds: (performance.now() - started) / 1000 };
}
