/**
 * The request mix: 70 % reads and searches by patient (a fifth of them by a second organisation
 * under the client's consent), 20 % updates with `If-Match`, 10 % creates. Each planned request
 * knows what a correct answer is and keeps the driver's picture of the stored versions current.
 */
import type { HttpRequest, HttpResult } from './http-client.js';
import { HETU_SYSTEM, carePlanFor, goalFor, type LoadClient, type TrackedResource } from './resources.js';

/** How a response counts: success, an expected 412 of a concurrent update, or an error. */
export type Verdict = 'ok' | 'precondition-failed' | 'error';

/** One request the driver sends, and how to judge (and learn from) its response. */
export interface PlannedRequest {
  /** The request type it is reported under. */
  readonly type: string;
  readonly request: HttpRequest;
  settle(result: HttpResult): Verdict;
}

/** The request types of the mix (Markdown, as reported) and their shares in percent. */
export const MIX = [
  { type: '`GET CarePlan/<id>`', share: 16 },
  { type: '`GET Goal/<id>`', share: 12 },
  { type: '`CarePlan?patient:identifier=<hetu>`', share: 14 },
  { type: '`Goal?patient=Patient/<id>`', share: 14 },
  { type: '2nd org, consent: `GET CarePlan/<id>`', share: 7 },
  { type: '2nd org, consent: `CarePlan?patient:identifier=<hetu>`', share: 7 },
  { type: '`PUT Goal/<id>` with If-Match', share: 12 },
  { type: '`PUT CarePlan/<id>` with If-Match', share: 8 },
  { type: '`POST Goal`', share: 7 },
  { type: '`POST CarePlan`', share: 3 },
] as const;

/** Not part of the mix: the read an update makes first when its ETag went stale after a 412. */
export const REFRESH_TYPE = '`GET` to refresh an ETag after 412';

type MixType = (typeof MIX)[number]['type'];

/** Who the requests come from and what they are about. */
export interface MixState {
  readonly basePath: string;
  /** Bearer token of the custodian organisation (it created everything). */
  readonly custodianToken: string;
  /** Bearer token of the second organisation, named in the consents. */
  readonly otherToken: string;
  readonly clients: readonly LoadClient[];
  readonly consented: readonly LoadClient[];
  /** Uniform random number in [0, 1). */
  readonly random: () => number;
}

const versionOf = (body: Record<string, unknown>): number | undefined => {
  const meta = body.meta as { versionId?: string } | undefined;
  return meta?.versionId === undefined ? undefined : Number(meta.versionId);
};

const parse = (result: HttpResult): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(result.body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

/** Remembers `body` as the resource's newest version unless a newer one was seen already. */
function remember(resource: TrackedResource, body: Record<string, unknown>): void {
  const version = versionOf(body);
  if (version !== undefined && (resource.version === undefined || version >= resource.version)) {
    resource.body = body;
    resource.version = version;
  }
}

/** Plans the requests of the mix against `state`. */
export class RequestMix {
  private readonly thresholds: readonly { type: MixType; upTo: number }[];
  private updates = 0;

  constructor(private readonly state: MixState) {
    let total = 0;
    this.thresholds = MIX.map(({ type, share }) => ({ type, upTo: (total += share) }));
  }

  /** The next request: a type drawn by share, about a random client. */
  next(): PlannedRequest {
    const draw = this.state.random() * 100;
    const type = (this.thresholds.find(({ upTo }) => draw < upTo) ?? this.thresholds.at(-1)!).type;
    return this.plan(type);
  }

  private plan(type: MixType): PlannedRequest {
    const { custodianToken, otherToken } = this.state;
    switch (type) {
      case '`GET CarePlan/<id>`':
        return this.read(type, this.pick(this.client().carePlans), custodianToken);
      case '`GET Goal/<id>`':
        return this.read(type, this.pick(this.client().goals), custodianToken);
      case '`CarePlan?patient:identifier=<hetu>`':
        return this.search(type, `CarePlan?patient:identifier=${encodeURIComponent(`${HETU_SYSTEM}|${this.client().hetu}`)}`, custodianToken);
      case '`Goal?patient=Patient/<id>`':
        return this.search(type, `Goal?patient=${encodeURIComponent(this.client().patient)}`, custodianToken);
      case '2nd org, consent: `GET CarePlan/<id>`':
        return this.read(type, this.pick(this.pick(this.state.consented).carePlans), otherToken);
      case '2nd org, consent: `CarePlan?patient:identifier=<hetu>`':
        return this.search(type, `CarePlan?patient:identifier=${encodeURIComponent(`${HETU_SYSTEM}|${this.pick(this.state.consented).hetu}`)}`, otherToken);
      case '`PUT Goal/<id>` with If-Match':
        return this.update(type, this.pick(this.client().goals));
      case '`PUT CarePlan/<id>` with If-Match':
        return this.update(type, this.pick(this.client().carePlans));
      case '`POST Goal`': {
        const client = this.client();
        return this.create(type, 'Goal', goalFor(client, client.goals.length), client.goals);
      }
      case '`POST CarePlan`': {
        const client = this.client();
        return this.create(type, 'CarePlan', carePlanFor(client), client.carePlans);
      }
    }
  }

  private client(): LoadClient {
    return this.pick(this.state.clients);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.state.random() * items.length)]!;
  }

  private path(relative: string): string {
    return `${this.state.basePath}/${relative}`;
  }

  /** A read by id; a third of them revalidate a cached version with `If-None-Match` (304). */
  private read(type: string, resource: TrackedResource, token: string): PlannedRequest {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (resource.version !== undefined && this.state.random() < 1 / 3) headers['if-none-match'] = `W/"${resource.version}"`;
    return {
      type,
      request: { method: 'GET', path: this.path(`${resource.type}/${resource.id}`), headers },
      settle: (result) => {
        if (result.status === 304) return 'ok';
        const body = result.status === 200 ? parse(result) : undefined;
        if (body?.id !== resource.id) return 'error';
        remember(resource, body);
        return 'ok';
      },
    };
  }

  /** A search by patient that must find at least one of the client's resources. */
  private search(type: string, query: string, token: string): PlannedRequest {
    return {
      type,
      request: { method: 'GET', path: this.path(query), headers: { authorization: `Bearer ${token}` } },
      settle: (result) => {
        const entries = result.status === 200 ? (parse(result)?.entry as unknown[] | undefined) : undefined;
        return entries !== undefined && entries.length > 0 ? 'ok' : 'error';
      },
    };
  }

  /** An update pinned to the last version seen; after a 412 the resource is read first. */
  private update(type: string, resource: TrackedResource): PlannedRequest {
    if (resource.version === undefined) return this.read(REFRESH_TYPE, resource, this.state.custodianToken);
    const n = ++this.updates;
    const body =
      resource.type === 'Goal'
        ? { ...resource.body, note: [{ text: `Seurantakäynti ${n}: välitavoitteet etenevät.` }] }
        : { ...resource.body, description: `Asiakkaan tarve omin sanoin (päivitys ${n}): "Haluan saada arjen takaisin hallintaan."` };
    return {
      type,
      request: {
        method: 'PUT',
        path: this.path(`${resource.type}/${resource.id}`),
        headers: { authorization: `Bearer ${this.state.custodianToken}`, 'if-match': `W/"${resource.version}"` },
        body,
      },
      settle: (result) => {
        if (result.status === 412) {
          resource.version = undefined;
          return 'precondition-failed';
        }
        const stored = result.status === 200 ? parse(result) : undefined;
        if (stored === undefined) return 'error';
        remember(resource, stored);
        return 'ok';
      },
    };
  }

  /** A create for an existing client; the new resource joins what later requests pick from. */
  private create(type: string, resourceType: 'CarePlan' | 'Goal', body: object, into: TrackedResource[]): PlannedRequest {
    return {
      type,
      request: { method: 'POST', path: this.path(resourceType), headers: { authorization: `Bearer ${this.state.custodianToken}` }, body },
      settle: (result) => {
        const stored = result.status === 201 ? parse(result) : undefined;
        if (typeof stored?.id !== 'string') return 'error';
        into.push({ type: resourceType, id: stored.id, body: stored, version: versionOf(stored) });
        return 'ok';
      },
    };
  }
}
