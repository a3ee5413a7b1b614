/**
 * A tiny benchmark harness: runs candidates side by side in one process, alternating them, and
 * reports medians. Used by `npm run bench`; never by the tests (timings do not belong in tests).
 * Runs in: driver.
 */

export interface Measurement {
  readonly name: string;
  readonly medianMs: number;
  readonly samplesMs: readonly number[];
}

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Runs each candidate `warmup` times, then `rounds` rounds in which every candidate runs once
 * (interleaved, so machine noise hits all candidates alike). Returns one measurement per candidate.
 */
export async function compare(
  candidates: ReadonlyArray<{ name: string; run: () => unknown | Promise<unknown> }>,
  rounds = 7,
  warmup = 2,
): Promise<Measurement[]> {
  for (const c of candidates) for (let i = 0; i < warmup; i++) await c.run();
  const samples = candidates.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < candidates.length; i++) {
      const start = performance.now();
      await (candidates[i] as { run: () => unknown }).run();
      (samples[i] as number[]).push(performance.now() - start);
    }
  }
  return candidates.map((c, i) => ({ name: c.name, medianMs: median(samples[i] as number[]), samplesMs: samples[i] as number[] }));
}

/** Formats a row of the report. */
export function row(label: string, value: string, target: string, ok: boolean): string {
  return `${label.padEnd(58)} ${value.padStart(14)}   target ${target.padEnd(12)} ${ok ? 'OK' : 'MISSED'}`;
}
