/**
 * `npm run bench`: the engine's speed goals, each measured side by side in one run and printed as
 * a ratio or a per-task cost. Runs in: driver (compiled to dist/test/bench/run.js).
 */
import { Context } from '../../src/index.js';
import { compare, row } from './harness.js';
import { cpuBoundSpeedup, threadsPerTaskOverhead, typedArrayRoundTrip } from './threads.js';

async function perTaskOverhead(): Promise<void> {
  const ctx = new Context({ master: 'local-cluster[2,6]', backend: 'inprocess' });
  const tasks = 6000;
  const rdd = ctx.parallelize(new Float64Array(tasks), tasks);
  const [job] = await compare([{ name: 'count over empty-ish tasks', run: () => rdd.count() }], 7, 3);
  const perTaskUs = ((job?.medianMs ?? 0) * 1000) / tasks;
  console.log(row(`in-process backend: per-task overhead (${tasks} tasks, 1 record each)`, `${perTaskUs.toFixed(1)} µs`, '<= 20 µs', perTaskUs <= 20));
  await ctx.stop();
}

async function mapFilterSum(): Promise<void> {
  const n = 10_000_000;
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = (i % 1000) / 7;
  const ctx = new Context({ master: 'local-cluster[2,6]', backend: 'inprocess' });
  const rdd = ctx.parallelize(data, 12);
  const pipeline = rdd.map((x) => x * 1.5 + 1).filter((x) => x > 50);
  let engineResult = 0;
  let loopResult = 0;
  const results = await compare(
    [
      {
        name: 'plain for-loop',
        run: () => {
          let s = 0;
          for (let i = 0; i < n; i++) {
            const y = (data[i] as number) * 1.5 + 1;
            if (y > 50) s += y;
          }
          loopResult = s;
        },
      },
      {
        name: 'squall map.filter.sum (12 partitions)',
        run: async () => {
          engineResult = await pipeline.sum();
        },
      },
    ],
    7,
    2,
  );
  const [loop, engine] = results as unknown as [{ medianMs: number }, { medianMs: number }];
  if (Math.abs(engineResult - loopResult) > 1e-6 * Math.abs(loopResult)) throw new Error(`results differ: ${engineResult} vs ${loopResult}`);
  const ratio = engine.medianMs / loop.medianMs;
  console.log(
    row(
      `map.filter.sum over 10M doubles vs for-loop (${engine.medianMs.toFixed(1)} vs ${loop.medianMs.toFixed(1)} ms)`,
      `${ratio.toFixed(2)}x`,
      '<= 2x',
      ratio <= 2,
    ),
  );
  await ctx.stop();
}

async function main(): Promise<void> {
  console.log(`squall benchmarks (node ${process.version}); medians of 7 interleaved rounds\n`);
  console.log('engine (issue 2)');
  await perTaskOverhead();
  await mapFilterSum();
  console.log('\nthreads backend (issue 3)');
  await cpuBoundSpeedup();
  await threadsPerTaskOverhead();
  await typedArrayRoundTrip();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
