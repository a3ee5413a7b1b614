/**
 * Benchmarks of the threads backend (issue 3): a CPU-bound map on threads against the in-process
 * backend, the per-task overhead on threads, and the round trip of 16 MB typed-array partitions.
 * Runs in: driver (compiled to dist/test/bench/threads.js, called by run.ts).
 */
import { availableParallelism } from 'node:os';
import { Context } from '../../src/index.js';
import { destroyIdleWorkerPools } from '../../scheduler/backend/threads-backend.js';
import { compare, row } from './harness.js';

/** A deliberately CPU-heavy function of one double. */
function heavy(x: number): number {
  let y = x;
  for (let i = 0; i < 10; i++) y = Math.sqrt(y * y + 1.5) * 0.999 + Math.sin(y) * 1e-3;
  return y;
}

export async function cpuBoundSpeedup(): Promise<void> {
  const n = 10_000_000;
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = i / n;
  const inprocess = new Context({ backend: 'inprocess' });
  const threads = new Context({ backend: 'threads' });
  const job = (ctx: Context) => ctx.parallelize(data, 12).map(heavy).sum();
  // Warm every worker's JIT before measuring (JIT warm-up is per thread).
  for (let i = 0; i < 3; i++) await job(threads);
  const [local, parallel] = (await compare(
    [
      { name: 'in-process', run: () => job(inprocess) },
      { name: 'threads', run: () => job(threads) },
    ],
    5,
    1,
  )) as unknown as [{ medianMs: number }, { medianMs: number }];
  const speedup = local.medianMs / parallel.medianMs;
  const cores = availableParallelism();
  const target = 0.8 * cores;
  console.log(
    row(
      `CPU-bound map over 10M doubles, threads vs in-process (${parallel.medianMs.toFixed(0)} vs ${local.medianMs.toFixed(0)} ms)`,
      `${speedup.toFixed(2)}x`,
      `>= ${target.toFixed(1)}x`,
      speedup >= target,
    ),
  );
  await inprocess.stop();
  await threads.stop();
}

export async function threadsPerTaskOverhead(): Promise<void> {
  const ctx = new Context({ backend: 'threads' });
  const tasks = 3000;
  const rdd = ctx.parallelize(new Float64Array(tasks), tasks);
  // With a user function that captures a variable and an object: rebuilt (fresh copies) per task.
  const scale = { factor: 3, offset: [1, 2, 3] };
  const k = 2;
  const mapped = rdd.map((x: number) => x * k * scale.factor + (scale.offset[0] as number));
  const [job, withClosure] = await compare(
    [
      { name: 'count', run: () => rdd.count() },
      { name: 'map(closure).count', run: () => mapped.count() },
    ],
    5,
    2,
  );
  for (const [label, measured] of [
    ['count', job],
    ['map with a captured closure, then count', withClosure],
  ] as const) {
    const perTaskUs = ((measured?.medianMs ?? 0) * 1000) / tasks;
    console.log(row(`threads backend: per-task overhead, ${label} (${tasks} tasks, 1 record each)`, `${perTaskUs.toFixed(1)} µs`, '<= 100 µs', perTaskUs <= 100));
  }
  await ctx.stop();
}

export async function typedArrayRoundTrip(): Promise<void> {
  const ctx = new Context({ backend: 'threads' });
  const partitions = 8;
  const doubles = (16 * 1024 * 1024) / 8;
  const arrays = Array.from({ length: partitions }, (_, p) => new Float64Array(doubles).fill(p));
  const rdd = ctx.parallelize(arrays, partitions);
  const fresh = rdd.map((a: Float64Array) => new Float64Array(a.buffer.byteLength / 8).fill(a[0] as number));
  const shared = rdd.map((a: Float64Array) => a);
  const [copyBack, sharedBack] = (await compare(
    [
      { name: 'new array per partition, moved back', run: () => fresh.collect() },
      { name: 'same array, shared both ways', run: () => shared.collect() },
    ],
    5,
    1,
  )) as unknown as [{ medianMs: number }, { medianMs: number }];
  const bytes = 2 * partitions * doubles * 8;
  const gbps = (ms: number) => bytes / (ms / 1000) / 1e9;
  console.log(row(`16 MB typed-array partitions, new array moved back (${partitions} partitions)`, `${gbps(copyBack.medianMs).toFixed(2)} GB/s`, '>= 1 GB/s', gbps(copyBack.medianMs) >= 1));
  console.log(row(`16 MB typed-array partitions, shared both ways`, `${gbps(sharedBack.medianMs).toFixed(2)} GB/s`, '>= 1 GB/s', gbps(sharedBack.medianMs) >= 1));
  await ctx.stop();
  await destroyIdleWorkerPools();
}
