import { describe, expect, it } from 'vitest';
import { Context } from '../src/index.js';

describe('smoke', () => {
  it('runs basic jobs', async () => {
    const ctx = new Context({ localityWait: 0 });
    expect(await ctx.parallelize([1, 2, 3, 4, 5, 6, 7], 4).glom().collect()).toEqual([[1], [2, 3], [4, 5], [6, 7]]);
    expect(await ctx.range(10).map((x) => x * 2).filter((x) => x > 5).sum()).toBe(84);
    const counts = await ctx.parallelize(['a', 'b', 'a', 'c', 'a']).map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b).collectAsMap();
    expect(counts.get('a')).toBe(3);
    const pairs = ctx.parallelize(Array.from({ length: 101 }, (_, i) => [(i * 59) % 101, i] as [number, number]));
    const sorted = pairs.sortByKey(true, 5);
    expect((await sorted.collect()).map((p) => p[0])).toEqual(Array.from({ length: 101 }, (_, i) => i));
    expect((await sorted.glom().collect()).every((p) => p.length > 0)).toBe(true);
    console.log(sorted.toDebugString());
    const a = ctx.parallelize([[1, 'a'], [2, 'b']] as Array<[number, string]>);
    const b = ctx.parallelize([[1, 'x'], [3, 'y']] as Array<[number, string]>);
    expect((await a.fullOuterJoin(b).collect()).sort()).toEqual([[1, ['a', 'x']], [2, ['b', null]], [3, [null, 'y']]]);
    expect(await ctx.range(10).zipWithIndex().map((p) => p[1]).collect()).toEqual([0,1,2,3,4,5,6,7,8,9]);
    expect(await ctx.parallelize([-5, -4, -3, -2, -1, 1, 2, 3, 4], 10).treeAggregate(0, (x, y) => x + y, (x, y) => x + y)).toBe(-5);
    const s = await ctx.range(100).stats();
    expect(s.mean()).toBe(49.5);
    expect(await ctx.range(100).takeSample(false, 5, 2)).toHaveLength(5);
    expect(await ctx.range(100, undefined, 1, 100).filter((x) => x > 90).take(3)).toEqual([91, 92, 93]);
    expect(ctx.bookkeeping()).toMatchObject({ activeJobs: 0, runningTasks: 0, busyCores: 0, stageIdToStage: 0 });
    await ctx.stop();
  });
});
