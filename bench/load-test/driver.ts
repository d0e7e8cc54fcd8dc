/**
 * The closed-loop load driver: a fixed number of workers, each with one connection, each sending
 * its next request as soon as the previous one is answered, until the time or request budget is
 * spent. Every response is timed and judged per request type.
 */
import type { HttpResult, LoopbackClient } from './http-client.js';
import type { PlannedRequest, Verdict } from './mix.js';

/** Status classes the report shows; `network` is a transport error or timeout. */
export const STATUS_CLASSES = ['2xx', '304', '404', '409', '412', '429', 'other 4xx', '5xx', 'network'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** What one request type did during a phase. */
export interface TypeStats {
  /** Latencies of answered requests, ms. */
  readonly latencies: number[];
  readonly statuses: Record<StatusClass, number>;
  /** Answers that were neither a success nor an expected 412 (409 included), and network errors. */
  errors: number;
  /** 412 from a concurrent update: expected, never an error. */
  preconditionFailed: number;
  /** The first few error answers, for the report. */
  readonly samples: string[];
}

/** A timed phase's figures. */
export interface PhaseResult {
  readonly connections: number;
  readonly seconds: number;
  readonly byType: ReadonlyMap<string, TypeStats>;
}

/** Options of {@link runPhase}. */
export interface PhaseOptions {
  readonly http: LoopbackClient;
  readonly next: () => PlannedRequest;
  readonly connections: number;
  readonly seconds: number;
  /** The phase stops after this many requests even if time remains. */
  readonly maxRequests: number;
}

function statusClass(status: number): StatusClass {
  if (status >= 200 && status < 300) return '2xx';
  if (status === 304 || status === 404 || status === 409 || status === 412 || status === 429) return String(status) as StatusClass;
  if (status >= 500) return '5xx';
  return 'other 4xx';
}

function emptyStats(): TypeStats {
  const statuses = Object.fromEntries(STATUS_CLASSES.map((name) => [name, 0])) as Record<StatusClass, number>;
  return { latencies: [], statuses, errors: 0, preconditionFailed: 0, samples: [] };
}

/** Runs `connections` workers for `seconds` (or `maxRequests`), then waits for the last answers. */
export async function runPhase(options: PhaseOptions): Promise<PhaseResult> {
  const byType = new Map<string, TypeStats>();
  const statsOf = (type: string): TypeStats => {
    let stats = byType.get(type);
    if (!stats) byType.set(type, (stats = emptyStats()));
    return stats;
  };
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  let issued = 0;

  const worker = async (): Promise<void> => {
    while (performance.now() < deadline && issued < options.maxRequests) {
      issued++;
      const planned = options.next();
      const stats = statsOf(planned.type);
      const sent = performance.now();
      let result: HttpResult;
      try {
        result = await options.http.send(planned.request);
      } catch (error) {
        stats.statuses.network++;
        stats.errors++;
        if (stats.samples.length < 3) stats.samples.push(`network: ${(error as Error).message}`);
        continue;
      }
      stats.latencies.push(performance.now() - sent);
      stats.statuses[statusClass(result.status)]++;
      const verdict: Verdict = planned.settle(result);
      if (verdict === 'precondition-failed') stats.preconditionFailed++;
      if (verdict === 'error') {
        stats.errors++;
        if (stats.samples.length < 3) stats.samples.push(`${result.status}: ${result.body.slice(0, 200)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  return { connections: options.connections, seconds: (performance.now() - started) / 1000, byType };
}
