/**
 * Data stays flat between threads: a stage's plan travels once, packed in shared memory; numbers
 * cross as Float64Arrays (moved, or shared for cached blocks), never as arrays of boxed numbers;
 * shuffle blocks are msgpackr bytes kept by the executor that wrote them; a typed array that a
 * rebuilt function holds is copied back, never moved away from it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Context, type ListenerEvent } from '../../src/index.js';
import { deserialize } from '../../src/core/serializer.js';
import { encodeResult } from '../../scheduler/backend/plan-decoder.js';
import { TaskEncoder } from '../../scheduler/backend/plan-encoder.js';
import type { TaskDescription, TaskRunResult } from '../../scheduler/task.js';
import { emptyMetrics } from '../../operators/task-context.js';

let ctx: Context | undefined;
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

/** A task description with no inputs, enough for encodeResult. */
function bareTask(): TaskDescription {
  return {
    taskId: 1,
    jobId: 0,
    stageId: 0,
    stageAttempt: 0,
    index: 0,
    partition: 0,
    attempt: 0,
    kind: 'result',
    rdd: undefined as never,
    shuffleDep: undefined,
    resultFunction: undefined,
    inputs: { cachedBlocks: new Map(), shuffleBlocks: new Map(), sourceSlices: new Map() },
  };
}

function success(value: unknown, cached: ArrayLike<unknown>[] = []): TaskRunResult {
  return {
    status: 'success',
    value,
    shuffleBlocks: undefined,
    newCachedBlocks: cached.map((records, partition) => ({ rdd: { id: 7 } as never, partition, records })),
    accumulatorUpdates: [],
    metrics: emptyMetrics(),
    runTime: 1,
  };
}

describe('what crosses between threads', () => {
  it('a partition of numbers goes back as one Float64Array, moved rather than copied', () => {
    const numbers = Array.from({ length: 1000 }, (_, i) => i / 3);
    const { message, transferList } = encodeResult(success(numbers), bareTask());
    expect(message.status === 'success' && message.flatNumbers).toBe(true);
    const value = (message as { value: unknown }).value as Float64Array;
    expect(value).toBeInstanceOf(Float64Array);
    expect([...value]).toEqual(numbers);
    expect(transferList).toContain(value.buffer);
  });

  it('records that are not all numbers go as they are', () => {
    const mixed = [...Array.from({ length: 100 }, (_, i) => i), 'x'];
    const { message } = encodeResult(success(mixed), bareTask());
    expect((message as { value: unknown }).value).toBe(mixed);
    expect((message as { flatNumbers?: true }).flatNumbers).toBeUndefined();
  });

  it('cached partitions of numbers, and of typed arrays, travel in shared memory', () => {
    const numbers = Array.from({ length: 64 }, (_, i) => i);
    const typed = new Int32Array(64).fill(5);
    const { message } = encodeResult(success(0, [numbers, typed]), bareTask());
    const [a, b] = (message as unknown as { newCachedBlocks: Array<{ records: ArrayLike<unknown> }> }).newCachedBlocks;
    expect(a!.records).toBeInstanceOf(Float64Array);
    expect((a!.records as Float64Array).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([...(a!.records as Float64Array)]).toEqual(numbers);
    expect(b!.records).toBeInstanceOf(Int32Array);
    expect((b!.records as Int32Array).buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it("a stage's plan is packed once into shared memory, and every task of the stage carries the same handle", async () => {
    ctx = new Context({ backend: 'threads' });
    const k = 3;
    const rdd = ctx.parallelize([1, 2, 3, 4], 2).map((x) => x * k);
    const encoder = new TaskEncoder();
    const task = (partition: number): TaskDescription => ({ ...bareTask(), stageId: 5, partition, rdd: rdd.node, resultFunction: { name: 'collect', terminal: { kind: 'array' }, finish: (v: unknown) => v } });
    const first = encoder.encode(task(0));
    const second = encoder.encode(task(1));
    expect(first.plan.bytes).toBeInstanceOf(SharedArrayBuffer);
    expect(second.plan).toBe(first.plan);
    expect(second.planId).toBe(first.planId);
    expect(encoder.size).toBe(1);
    encoder.release(5, 0);
    expect(encoder.size).toBe(0);
    expect(encoder.encode(task(0)).planId).not.toBe(first.planId);
  });

  it('collect() of numbers gives plain arrays of numbers on the driver, on threads', async () => {
    ctx = new Context({ backend: 'threads' });
    const data = Array.from({ length: 5000 }, (_, i) => (i % 2 ? -i : i) / 7);
    const out = await ctx.parallelize(data, 6).map((x) => x * 2).collect();
    expect(Array.isArray(out)).toBe(true);
    expect(out).toEqual(data.map((x) => x * 2));
    const cached = ctx.parallelize(data, 6).map((x) => x + 1).cache();
    expect(await cached.sum()).toBeCloseTo(data.reduce((a, b) => a + b + 1, 0), 6);
    expect(await cached.collect()).toEqual(data.map((x) => x + 1));
  });

  it('a typed array captured by a function is returned intact by every task, however many run on one worker', async () => {
    ctx = new Context({ backend: 'threads' });
    const weights = new Float64Array(4096).fill(0.5);
    const out = await ctx.parallelize(Array.from({ length: 24 }, (_, i) => i), 24).map(() => weights).collect();
    expect(out).toHaveLength(24);
    for (const w of out) {
      expect(w.length).toBe(4096);
      expect(w[4095]).toBe(0.5);
    }
  });

  it('shuffle blocks are msgpackr bytes, and each is kept by the executor whose task wrote it', async () => {
    ctx = new Context({ backend: 'threads', localityWait: 0 });
    const events: ListenerEvent[] = [];
    ctx.events.subscribe((e) => events.push(e));
    const sums = ctx.parallelize(Array.from({ length: 120 }, (_, i) => i), 6).map((x) => [x % 4, x] as [number, number]).reduceByKey((a, b) => a + b, 2);
    expect(new Map(await sums.collect())).toEqual(new Map([[0, 1740], [1, 1770], [2, 1800], [3, 1830]]));
    const writers = events.filter((e): e is Extract<ListenerEvent, { type: 'taskEnd' }> => e.type === 'taskEnd' && e.taskType === 'ShuffleMapTask');
    expect(writers).toHaveLength(6);
    expect(writers.every((t) => t.metrics.shuffleWriteBytes > 0)).toBe(true);
    // Read the blocks back from the block stores, as the scheduler does when it resolves inputs.
    const stores = (ctx as unknown as { blockStores: Map<string, { getShuffleBlock(shuffleId: number, mapId: number, reduceId: number): Uint8Array | undefined }> }).blockStores;
    for (const t of writers) {
      const block = stores.get(t.taskInfo.executorId)!.getShuffleBlock(0, t.taskInfo.partitionId, 0);
      expect(block).toBeInstanceOf(Uint8Array);
      const records = deserialize<unknown[]>(block!);
      expect(Array.isArray(records)).toBe(true);
      for (const [executorId, store] of stores) {
        if (executorId !== t.taskInfo.executorId) expect(store.getShuffleBlock(0, t.taskInfo.partitionId, 0)).toBeUndefined();
      }
    }
  });
});
