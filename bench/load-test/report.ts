/**
 * Markdown for docs/benchmarks.md: per request type and overall, count, throughput, latency
 * percentiles, statuses and error rate, plus where the CPU time went.
 */
import { ms, quantile } from '../stats.js';
import { STATUS_CLASSES, type PhaseResult, type TypeStats } from './driver.js';
import { MIX, REFRESH_TYPE } from './mix.js';
import type { Usage } from './usage.js';

const ORDER: readonly string[] = [...MIX.map(({ type }) => type), REFRESH_TYPE];

function merged(all: readonly TypeStats[]): TypeStats {
  const total: TypeStats = { latencies: [], statuses: Object.fromEntries(STATUS_CLASSES.map((name) => [name, 0])) as TypeStats['statuses'], errors: 0, preconditionFailed: 0, samples: [] };
  for (const stats of all) {
    for (const latency of stats.latencies) total.latencies.push(latency);
    for (const name of STATUS_CLASSES) total.statuses[name] += stats.statuses[name];
    total.errors += stats.errors;
    total.preconditionFailed += stats.preconditionFailed;
  }
  return total;
}

const countOf = (stats: TypeStats): number => STATUS_CLASSES.reduce((sum, name) => sum + stats.statuses[name], 0);
const percent = (part: number, whole: number): string => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(part > 0 && part < whole / 1000 ? 3 : 1)} %`);

/** Requests of the phase that write (updates and creates), answered or not. */
function writes(phase: PhaseResult): number {
  let count = 0;
  for (const [type, stats] of phase.byType) if (/^`(PUT|POST) /.test(type)) count += countOf(stats);
  return count;
}

/** The API's DynamoDB commands: how many per request, how long, which failed. */
function commandsMarkdown(commands: Usage['commands'], requests: number, writeRequests: number): string {
  const rows = Object.entries(commands).sort(([, a], [, b]) => b.ms - a.ms);
  const transact = commands.TransactWriteItems;
  const canceled = transact?.failures.TransactionCanceledException ?? 0;
  return [
    '| DynamoDB command (sent by the API) | calls | per HTTP request | mean ms | failed |',
    '|---|---:|---:|---:|---|',
    ...rows.map(
      ([name, tally]) =>
        `| ${name} | ${tally.calls} | ${(tally.calls / requests).toFixed(2)} | ${ms(tally.ms / tally.calls)} | ${Object.entries(tally.failures).map(([error, count]) => `${count} × ${error}`).join(', ') || '–'} |`,
    ),
    '',
    transact
      ? `Commit attempts per write request: ${(transact.calls / writeRequests).toFixed(2)} TransactWriteItems (${canceled} cancelled and re-run by the write path's retry loop).`
      : 'No TransactWriteItems during the phase.',
  ].join('\n');
}

/** The phase's table, CPU line and DynamoDB commands. */
export function phaseMarkdown(phase: PhaseResult, usage: Usage): string {
  const rows = [...phase.byType.entries()].sort(([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b));
  const total = merged(rows.map(([, stats]) => stats));
  const all = countOf(total);
  const line = (name: string, stats: TypeStats): string => {
    const count = countOf(stats);
    const cells = [
      name,
      String(count),
      percent(count, all),
      (count / phase.seconds).toFixed(1),
      ms(quantile(stats.latencies, 0.5)),
      ms(quantile(stats.latencies, 0.95)),
      ms(quantile(stats.latencies, 0.99)),
      ...STATUS_CLASSES.map((status) => String(stats.statuses[status])),
      percent(stats.errors, count),
    ];
    return `| ${cells.join(' | ')} |`;
  };
  const cores = (value: number | undefined): string => (value === undefined ? 'n/a' : value.toFixed(2));
  const samples = rows.flatMap(([type, stats]) => stats.samples.map((sample) => `- ${type} → ${sample.replaceAll('\n', ' ')}`));
  return [
    `**${phase.connections} connections**, ${phase.seconds.toFixed(1)} s: ${all} requests, **${(all / phase.seconds).toFixed(1)} req/s**, ` +
      `p50 ${ms(quantile(total.latencies, 0.5))} ms, p95 ${ms(quantile(total.latencies, 0.95))} ms, p99 ${ms(quantile(total.latencies, 0.99))} ms, ` +
      `error rate ${percent(total.errors, all)} (${total.statuses['5xx']} × 5xx, ${total.statuses['409']} × 409), ${total.preconditionFailed} × 412 (expected, not errors).`,
    '',
    `| request type | count | share | req/s | p50 ms | p95 ms | p99 ms | ${STATUS_CLASSES.join(' | ')} | errors |`,
    `|---|${'---:|'.repeat(7 + STATUS_CLASSES.length)}`,
    ...rows.map(([type, stats]) => line(type, stats)),
    line('**all**', total),
    '',
    `CPU during the phase, in cores: this Node process (load driver + API thread) ${cores(usage.processCores)}, ` +
      `DynamoDB Local JVM ${cores(usage.dynamoCores)}, whole machine ${cores(usage.machineCores)} ` +
      `(other work ≈ ${usage.machineCores === undefined || usage.dynamoCores === undefined ? 'n/a' : Math.max(0, usage.machineCores - usage.processCores - usage.dynamoCores).toFixed(2)}). ` +
      `Event loop busy: API thread ${(100 * usage.apiLoop).toFixed(0)} %, driver thread ${(100 * usage.driverLoop).toFixed(0)} %.`,
    '',
    commandsMarkdown(usage.commands, all, writes(phase)),
    ...(samples.length > 0 ? ['', 'First error answers per type:', '', ...samples] : []),
  ].join('\n');
}
