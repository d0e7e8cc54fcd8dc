/**
 * The table a write-heavy bench creates on DynamoDB Local: without stream and time to live unless
 * `BENCH_STREAM=1`. DynamoDB Local's emulation of both slows every call more the longer a run
 * goes (docs/reliability.md, "Run time"); DynamoDB writes its stream asynchronously, off the
 * write path, so leaving them out measures the API rather than the emulator.
 */
import type { LocalTableOptions } from '../scripts/local/create-table.js';

export function benchTableOptions(): LocalTableOptions {
  const emulated = process.env.BENCH_STREAM === '1';
  return { stream: emulated, timeToLive: emulated };
}
