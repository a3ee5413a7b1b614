/**
 * What workers keep, and when they let go: a stage's rebuilt plan is dropped once the stage
 * finishes; a Broadcast is rebuilt once per worker, dropped by `unpersist()` (and shipped again
 * if used later) and by `destroy()` (after which it can no longer be used). Observed from inside
 * the workers, through functions of the worker's own modules shipped by reference.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Context, TaskNotSerializableError } from '../../src/index.js';
import { workerCaches } from '../../scheduler/backend/plan-decoder.js';

// Runs inside a task: what the worker running it holds.
const cachedPlanIds = (): number[] => workerCaches().plans;
const cachedBroadcastIds = (): string[] => workerCaches().broadcasts;

let ctx: Context | undefined;
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

describe('worker caches', () => {
  it("a finished stage's plan is dropped from every worker, and the driver keeps none between jobs", async () => {
    ctx = new Context({ backend: 'threads' });
    const seen = async (): Promise<Set<number>> => new Set((await ctx!.parallelize([0, 1, 2, 3, 4, 5, 6, 7], 8).map(() => cachedPlanIds()).collect()).flat());
    const first = await seen();
    expect(first.size).toBeGreaterThan(0);
    expect(ctx.bookkeeping().stagePlans).toBe(0);
    const second = await seen();
    // Each task sees its own stage's plan, never the plan of the job before.
    for (const planId of first) expect(second.has(planId)).toBe(false);
    expect(second.size).toBe(1);
  });

  it("a large captured value travels as an automatic broadcast, which workers drop with its stage's plan", async () => {
    ctx = new Context({ backend: 'threads', master: 'local-cluster[1,2]', threads: { threadsPerExecutor: 1 } });
    const big = Array.from({ length: 300_000 }, (_, i) => i); // over the 1 MiB threshold
    const lookups = ctx.parallelize([1, 2, 3], 3).map((i) => [big[i], cachedBroadcastIds()] as const);
    const first = await lookups.collect();
    expect(first.map(([v]) => v)).toEqual([1, 2, 3]);
    const automatic = new Set(first.flatMap(([, held]) => held).filter((id) => id.startsWith('a')));
    expect(automatic.size).toBe(1);
    // The next job runs on the same single worker: the first job's copy is gone.
    const after = await ctx.parallelize([0], 1).map(() => cachedBroadcastIds()).collect();
    for (const id of automatic) expect(after.flat()).not.toContain(id);
  });

  it('a broadcast is rebuilt once per worker; unpersist() drops the copies, and a later use ships it again', async () => {
    ctx = new Context({ backend: 'threads' });
    const table = ctx.broadcast(new Float64Array(1000).fill(2));
    const rdd = ctx.parallelize([0, 1, 2, 3, 4, 5, 6, 7], 8);
    const withTable = await rdd.map((i) => [table.value[i]! * 10, cachedBroadcastIds()] as const).collect();
    expect(withTable.map(([v]) => v)).toEqual(Array(8).fill(20));
    const ids = new Set(withTable.flatMap(([, held]) => held));
    expect(ids.size).toBe(1);
    const [wireId] = [...ids];

    table.unpersist();
    const after = (await rdd.map(() => cachedBroadcastIds()).collect()).flat();
    expect(after).not.toContain(wireId);
    // Still usable: the next job ships it again.
    expect(await rdd.map((i) => table.value[i]! + i).sum()).toBe(2 * 8 + 28);
  });

  it('destroy() drops every copy; the variable can no longer be used on the driver or in a task', async () => {
    ctx = new Context({ backend: 'threads' });
    const table = ctx.broadcast([5, 6, 7]);
    const rdd = ctx.parallelize([0, 1, 2], 3);
    const held = (await rdd.map((i) => [table.value[i], cachedBroadcastIds()] as const).collect()).flatMap(([, ids]) => ids);
    table.destroy();
    expect(() => table.value).toThrow(/after it was destroyed/);
    expect(() => rdd.map((i) => table.value[i])).toThrow(TaskNotSerializableError);
    const after = (await rdd.map(() => cachedBroadcastIds()).collect()).flat();
    for (const id of held) expect(after).not.toContain(id);
  });

  it("a stopped Context's broadcasts and plans leave the workers before they serve the next Context", async () => {
    const first = new Context({ backend: 'threads' });
    const table = first.broadcast(new Float64Array(64).fill(1));
    const held = (await first.parallelize([0, 1, 2, 3], 4).map((i) => [table.value[i], cachedBroadcastIds()] as const).collect()).flatMap(([, ids]) => ids);
    expect(held.length).toBeGreaterThan(0);
    await first.stop();
    ctx = new Context({ backend: 'threads' });
    const after = (await ctx.parallelize([0, 1, 2, 3], 4).map(() => cachedBroadcastIds()).collect()).flat();
    expect(after).toEqual([]);
  });
});
