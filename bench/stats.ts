/** Small statistics helpers for the benchmarks. */

/** The q-quantile (0..1) of `samples` in milliseconds, nearest-rank. */
export function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}

/** Times `fn` `n` times sequentially; returns the samples in ms. */
export async function timeMany(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await fn(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

/** Formats milliseconds with two decimals. */
export const ms = (value: number): string => value.toFixed(2);
