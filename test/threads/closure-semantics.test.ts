/**
 * Closures on worker threads behave as PySpark's do: a function's captured variables travel with
 * the task by value, each task gets its own copy (a retried attempt does not see what the failed
 * one changed), the driver's copy never changes, and accumulators bring counts back once per
 * successful task. Runs in: vitest (driver), on the threads backend.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Context, TaskContext } from '../../src/index.js';
import { norm, Pt } from '../closure/fixtures/helper.js';

let ctx: Context;

beforeEach(() => {
  // One worker thread per executor: tasks of a stage certainly share workers.
  ctx = new Context({ backend: 'threads', threads: { threadsPerExecutor: 1 } });
});

afterEach(async () => {
  await ctx.stop();
});

describe('captured variables travel with the task', () => {
  it('numbers, strings, typed arrays, objects, arrays, Maps, Sets and other functions', async () => {
    const k = 3;
    const label = 'x';
    const weights = new Float64Array([0.5, 2]);
    const config = { offset: 1, tags: ['a', 'b'] };
    const names = new Map([[1, 'one']]);
    const allowed = new Set([1, 2]);
    const double = (x: number): number => 2 * x;
    const result = await ctx
      .parallelize([1, 2], 2)
      .map((x) => `${label}${x * k + config.offset}:${weights[x - 1]}:${names.get(x) ?? config.tags[1]}:${allowed.has(x)}:${double(x)}`)
      .collect();
    expect(result).toEqual(['x4:0.5:one:true:2', 'x7:2:b:true:4']);
  });

  it('functions and classes exported by modules travel by reference and work in the worker', async () => {
    expect(await ctx.parallelize([30, 70], 2).map((x) => norm(x) + new Pt(3, 4).len()).collect()).toEqual([8, 10]);
  });

  it('recursive functions travel', async () => {
    const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
    expect(await ctx.parallelize([10, 15], 2).map(fib).collect()).toEqual([55, 610]);
  });

  it('values are read again for each job, as PySpark pickles a closure for each job', async () => {
    let factor = 2;
    const scaled = ctx.parallelize([1, 2], 2).map((x) => x * factor);
    factor = 100;
    // As PySpark pickles at each job, squall captures again for each job: the job sees 100.
    expect(await scaled.collect()).toEqual([100, 200]);
    expect(factor).toBe(100);
  });
});

describe('each task gets its own copy of what it captures', () => {
  it('a change made by one task is not seen by the next task on the same worker, nor by the driver', async () => {
    const seen: number[] = [];
    const counter = { n: 0 };
    const result = await ctx
      .parallelize(
        Array.from({ length: 24 }, (_, i) => i),
        12,
      )
      .mapPartitions((records) => {
        for (const x of records) {
          seen.push(x);
          counter.n++;
        }
        return [[seen.length, counter.n]];
      })
      .collect();
    expect(result).toEqual(Array.from({ length: 12 }, () => [2, 2]));
    expect(seen).toEqual([]);
    expect(counter.n).toBe(0);
  });

  it('a retried attempt starts from the captured values, not from what the failed attempt changed', async () => {
    const state = { pushed: [] as number[] };
    const result = await ctx
      .parallelize([1, 2, 3, 4], 1)
      .mapPartitions((records) => {
        for (const x of records) state.pushed.push(x);
        if ((TaskContext.get()?.attemptNumber ?? 0) === 0) throw new Error('transient');
        return [state.pushed.length];
      })
      .collect();
    expect(result).toEqual([4]);
  });

  it('accumulators bring counts back once per successful task, even when attempts fail', async () => {
    const records = ctx.accumulator(0);
    await ctx.parallelize(Array.from({ length: 40 }, (_, i) => i), 8).foreach((x) => {
      records.add(1);
      if (x % 10 === 3 && (TaskContext.get()?.attemptNumber ?? 0) === 0) throw new Error('transient');
    });
    expect(records.value).toBe(40);
  });
});
