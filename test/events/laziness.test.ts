/**
 * Laziness, stage planning and caching, observed only through `ctx.events` and public RDD methods:
 * defining RDDs runs nothing, an action runs one job cut into one stage per shuffle, cached
 * partitions and reused shuffles are not recomputed, and toDebugString has Spark's layout.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Context, StorageLevel, type ListenerEvent } from '../../src/index.js';

type EventOf<K extends ListenerEvent['type']> = Extract<ListenerEvent, { type: K }>;

let ctx: Context;
let events: ListenerEvent[];

function ofType<K extends ListenerEvent['type']>(type: K, from: readonly ListenerEvent[] = events): Array<EventOf<K>> {
  return from.filter((e): e is EventOf<K> => e.type === type);
}

/** The events posted while `action` runs. */
async function during<R>(action: () => Promise<R>): Promise<{ result: R; seen: ListenerEvent[] }> {
  const start = events.length;
  const result = await action();
  return { result, seen: events.slice(start) };
}

/** Task ends of one job, by the stage ids the job listed. */
function taskEndsOfJob(seen: readonly ListenerEvent[], jobId: number): Array<EventOf<'taskEnd'>> {
  const job = ofType('jobStart', seen).find((j) => j.jobId === jobId);
  if (!job) throw new Error(`no jobStart for job ${jobId}`);
  return ofType('taskEnd', seen).filter((t) => job.stageIds.includes(t.stageId));
}

beforeEach(() => {
  ctx = new Context({ localityWait: 0 });
  events = [];
  ctx.events.subscribe((e) => events.push(e));
});

afterEach(async () => {
  await ctx.stop();
});

describe('transformations only build the lineage', () => {
  it('defining a long chain of transformations posts no event and calls no user function', () => {
    let calls = 0;
    const counted = <T>(x: T): T => {
      calls++;
      return x;
    };
    const nums = ctx.parallelize(Array.from({ length: 40 }, (_, i) => i), 4).map(counted);
    const pairs = nums.map((x) => [x % 5, x] as [number, number]);
    const other = ctx.range(0, 10, 1, 3).map((x) => [x % 5, String(x)] as [number, string]);
    const defined: Array<{ getNumPartitions(): number }> = [
      nums.filter((x) => counted(x) % 2 === 0),
      nums.flatMap((x) => [counted(x), x]),
      nums.sample(false, 0.5, 7),
      nums.sample(true, 2, 7),
      nums.repartition(7),
      nums.coalesce(2),
      nums.coalesce(9, true),
      pairs.sortByKey(),
      pairs.sortByKey(false, 3),
      nums.sortBy((x) => -counted(x)),
      nums.zipWithIndex(),
      nums.zipWithUniqueId(),
      pairs.join(other),
      pairs.leftOuterJoin(other),
      pairs.fullOuterJoin(other, 2),
      pairs.cogroup(other),
      pairs.reduceByKey((a, b) => a + b),
      pairs.groupByKey(),
      pairs.partitionBy(3),
      pairs.mapValues(counted),
      pairs.subtractByKey(other),
      nums.distinct(),
      nums.union(nums),
      nums.cartesian(ctx.parallelize(['a', 'b'])),
      nums.intersection(ctx.range(0, 20)),
      nums.subtract(ctx.range(0, 20)),
      nums.zip(nums.map(counted)),
      nums.glom(),
      nums.mapPartitions((it) => [...it].map(counted)),
      nums.keyBy(counted),
      nums.groupBy((x) => counted(x) % 3),
      ...nums.randomSplit([1, 2, 3], 11),
      nums.map(counted).cache(),
      nums.map(counted).persist(StorageLevel.DISK_ONLY),
    ];
    // Sorting on top of a shuffle and a zipWithIndex of a zipWithIndex need preparing jobs at the action only.
    defined.push(pairs.reduceByKey((a, b) => a + b).sortByKey().zipWithIndex().zipWithIndex());
    expect(defined.every((rdd) => rdd.getNumPartitions() >= 1)).toBe(true);
    expect(events).toEqual([]);
    expect(calls).toBe(0);
  });

  it("sortByKey's sampling jobs run at the first action, not when sortByKey is called", async () => {
    const pairs = ctx.parallelize(Array.from({ length: 101 }, (_, i) => [(i * 59) % 101, i] as [number, number]), 4);
    const sorted = pairs.sortByKey(true, 5);
    expect(ofType('jobStart')).toHaveLength(0);

    const { result, seen } = await during(() => sorted.collect());
    expect(result.map((kv) => kv[0])).toEqual(Array.from({ length: 101 }, (_, i) => i));
    const jobs = ofType('jobStart', seen);
    // A count and a key sample (PySpark's sortByKey), then the sort itself.
    expect(jobs).toHaveLength(3);
    expect(jobs.map((j) => j.description)).toEqual([
      expect.stringMatching(/^count at laziness\.test\.ts:\d+$/),
      expect.stringMatching(/^collect at laziness\.test\.ts:\d+$/),
      expect.stringMatching(/^collect at laziness\.test\.ts:\d+$/),
    ]);
    // Only the last job contains the range shuffle: 2 stages (map side, then the sorted result).
    expect(jobs.map((j) => j.stageIds.length)).toEqual([1, 1, 2]);

    // The bounds are kept: a second action on the same RDD runs just its own job.
    const again = await during(() => sorted.count());
    expect(again.result).toBe(101);
    expect(ofType('jobStart', again.seen)).toHaveLength(1);
  });

  it("zipWithIndex's offset job runs at the first action, over every partition but the last", async () => {
    const indexed = ctx.parallelize(['a', 'b', 'c', 'd', 'e', 'f', 'g'], 4).zipWithIndex();
    expect(events).toEqual([]);

    const { result, seen } = await during(() => indexed.collect());
    expect(result).toEqual([['a', 0], ['b', 1], ['c', 2], ['d', 3], ['e', 4], ['f', 5], ['g', 6]]);
    const jobs = ofType('jobStart', seen);
    expect(jobs).toHaveLength(2);
    const submitted = ofType('stageSubmitted', seen);
    expect(submitted.map((s) => [s.jobId, s.stageInfo.numTasks])).toEqual([
      [jobs[0]!.jobId, 3],
      [jobs[1]!.jobId, 4],
    ]);

    const again = await during(() => indexed.count());
    expect(ofType('jobStart', again.seen)).toHaveLength(1);
  });

  it('a zipWithIndex over one partition needs no offset job', async () => {
    const { seen } = await during(() => ctx.parallelize([1, 2, 3], 1).zipWithIndex().collect());
    expect(ofType('jobStart', seen)).toHaveLength(1);
  });
});

describe('one action, one job', () => {
  type Action = (r: ReturnType<typeof source>) => Promise<unknown>;
  it.each<[string, Action]>([
    ['collect', (r: ReturnType<typeof source>) => r.collect()],
    ['count', (r: ReturnType<typeof source>) => r.count()],
    ['sum', (r: ReturnType<typeof source>) => r.sum()],
    ['reduce', (r: ReturnType<typeof source>) => r.reduce((a, b) => a + b)],
    ['fold', (r: ReturnType<typeof source>) => r.fold(0, (a, b) => a + b)],
    ['aggregate', (r: ReturnType<typeof source>) => r.aggregate(0, (a, b) => a + b, (a, b) => a + b)],
    ['foreach', (r: ReturnType<typeof source>) => r.foreach(() => undefined)],
    ['countByValue', (r: ReturnType<typeof source>) => r.countByValue()],
    ['takeOrdered', (r: ReturnType<typeof source>) => r.takeOrdered(3)],
    ['top', (r: ReturnType<typeof source>) => r.top(3)],
    ['stats', (r: ReturnType<typeof source>) => r.stats()],
  ])('%s over a reduceByKey runs exactly one job with two stages', async (name, action) => {
    const rdd = source();
    expect(events).toEqual([]);
    const { seen } = await during(() => action(rdd));
    const jobs = ofType('jobStart', seen);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.description).toMatch(new RegExp(`^${name} at laziness\\.test\\.ts:\\d+$`));
    expect(jobs[0]!.stageIds).toHaveLength(2);
    expect(ofType('jobEnd', seen)).toEqual([expect.objectContaining({ jobId: jobs[0]!.jobId, result: 'succeeded' })]);
  });

  function source() {
    return ctx
      .parallelize(Array.from({ length: 30 }, (_, i) => i), 3)
      .map((x) => [x % 4, x] as [number, number])
      .reduceByKey((a, b) => a + b)
      .map((kv) => kv[1]);
  }

  it("take scans partitions incrementally: jobs of 1, 4, 20 and the remaining 75 partitions", async () => {
    const rdd = ctx.parallelize(Array.from({ length: 100 }, (_, i) => i), 100).filter((x) => x > 90);
    expect(events).toEqual([]);
    const { result, seen } = await during(() => rdd.take(3));
    expect(result).toEqual([91, 92, 93]);
    const jobs = ofType('jobStart', seen);
    expect(jobs).toHaveLength(4);
    expect(ofType('taskStart', seen).length).toBe(100);
    const tasksPerJob = jobs.map((j) => ofType('taskStart', seen).filter((t) => j.stageIds.includes(t.stageId)).length);
    expect(tasksPerJob).toEqual([1, 4, 20, 75]);
  });

  it('first() on a partition that has data runs one job of one task', async () => {
    const { result, seen } = await during(() => ctx.parallelize(Array.from({ length: 100 }, (_, i) => i), 100).first());
    expect(result).toBe(0);
    expect(ofType('jobStart', seen)).toHaveLength(1);
    expect(ofType('taskStart', seen)).toHaveLength(1);
  });
});

describe('stage planning', () => {
  it('map, filter and flatMap over parallelize fuse into one stage of numPartitions tasks', async () => {
    const rdd = ctx
      .parallelize(Array.from({ length: 70 }, (_, i) => i), 7)
      .map((x) => x * 2)
      .filter((x) => x % 3 !== 0)
      .flatMap((x) => [x, x + 1]);
    const { result, seen } = await during(() => rdd.count());
    expect(result).toBe(2 * Array.from({ length: 70 }, (_, i) => i * 2).filter((x) => x % 3 !== 0).length);
    const [job] = ofType('jobStart', seen);
    expect(job!.stageIds).toHaveLength(1);
    const submitted = ofType('stageSubmitted', seen);
    expect(submitted).toHaveLength(1);
    expect(submitted[0]!.stageInfo).toMatchObject({ kind: 'result', numTasks: 7, parentIds: [] });
    // The stage pipelines all four RDDs.
    expect(submitted[0]!.stageInfo.rddInfos.map((r) => r.className).sort()).toEqual([
      'MapPartitionsRDD',
      'MapPartitionsRDD',
      'MapPartitionsRDD',
      'ParallelCollectionRDD',
    ]);
    expect(ofType('taskEnd', seen).map((t) => t.taskInfo.partitionId).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('each shuffle adds exactly one stage, and stage ids grow from the source to the result stage', async () => {
    const rdd = ctx
      .parallelize(Array.from({ length: 60 }, (_, i) => i), 6)
      .map((x) => [x % 10, x] as [number, number])
      .reduceByKey((a, b) => a + b, 4)
      .map((kv) => [kv[0] % 3, kv[1]] as [number, number])
      .groupByKey(2)
      .mapValues((vs) => vs.length);
    const { result, seen } = await during(() => rdd.collectAsMap());
    expect([...result.entries()].sort()).toEqual([
      [0, 4],
      [1, 3],
      [2, 3],
    ]);
    const [job] = ofType('jobStart', seen);
    expect(job!.stageIds).toHaveLength(3);
    const [first, second, last] = [...job!.stageIds].sort((a, b) => a - b) as [number, number, number];
    const infos = new Map(job!.stageInfos.map((s) => [s.stageId, s]));
    // The smallest id reads the source, the largest is the result stage; each depends on the one before.
    expect(infos.get(first)).toMatchObject({ kind: 'shuffleMap', numTasks: 6, parentIds: [] });
    expect(infos.get(first)!.rddInfos.some((r) => r.className === 'ParallelCollectionRDD')).toBe(true);
    expect(infos.get(second)).toMatchObject({ kind: 'shuffleMap', numTasks: 4, parentIds: [first] });
    expect(infos.get(last)).toMatchObject({ kind: 'result', numTasks: 2, parentIds: [second] });
    expect(ofType('stageSubmitted', seen).map((s) => s.stageInfo.stageId)).toEqual([first, second, last]);
  });

  it('a join of two unpartitioned RDDs has one map stage per side and one result stage', async () => {
    const left = ctx.parallelize([[1, 'a'], [2, 'b'], [3, 'c']] as Array<[number, string]>, 3);
    const right = ctx.parallelize([[1, 'x'], [3, 'y'], [4, 'z']] as Array<[number, string]>, 2);
    const { result, seen } = await during(() => left.join(right).collect());
    expect(result.sort()).toEqual([
      [1, ['a', 'x']],
      [3, ['c', 'y']],
    ]);
    const [job] = ofType('jobStart', seen);
    const ids = [...job!.stageIds].sort((a, b) => a - b);
    expect(ids).toHaveLength(3);
    const result_ = job!.stageInfos.find((s) => s.kind === 'result')!;
    expect(result_.stageId).toBe(ids[2]);
    expect([...result_.parentIds].sort((a, b) => a - b)).toEqual([ids[0], ids[1]]);
    expect(job!.stageInfos.filter((s) => s.kind === 'shuffleMap').map((s) => s.numTasks).sort()).toEqual([2, 3]);
  });
});

describe('caching and reused shuffles', () => {
  it("a reused shuffle's map stage is listed by the second job but skipped", async () => {
    const mapCalls = ctx.accumulator(0);
    const counts = ctx
      .parallelize(Array.from({ length: 40 }, (_, i) => i), 4)
      .map((x) => {
        mapCalls.add(1);
        return [x % 5, 1] as [number, number];
      })
      .reduceByKey((a, b) => a + b);
    const first = await during(() => counts.collect());
    expect(mapCalls.value).toBe(40);
    const [job1] = ofType('jobStart', first.seen);
    const shuffleId = job1!.stageInfos.find((s) => s.kind === 'shuffleMap')!.shuffleId;
    expect(shuffleId).toBeTypeOf('number');
    expect(ofType('jobEnd', first.seen)[0]!.skippedStageIds).toEqual([]);

    const second = await during(() => counts.map((kv) => kv[1]).sum());
    expect(second.result).toBe(40);
    expect(mapCalls.value).toBe(40);
    const [job2] = ofType('jobStart', second.seen);
    // As in Spark, the second job gets its own stage (a new id) for the same shuffle.
    const mapStage = job2!.stageInfos.find((s) => s.shuffleId === shuffleId);
    expect(mapStage?.kind).toBe('shuffleMap');
    const mapStageId = mapStage!.stageId;
    expect(job2!.stageIds).toContain(mapStageId);
    expect(ofType('stageSubmitted', second.seen).map((s) => s.stageInfo.stageId)).not.toContain(mapStageId);
    expect(ofType('stageSubmitted', second.seen)).toHaveLength(1);
    expect(ofType('jobEnd', second.seen)[0]!.skippedStageIds).toEqual([mapStageId]);
    expect(ofType('taskEnd', second.seen).every((t) => t.taskType === 'ResultTask')).toBe(true);
  });

  it('a cached map after a shuffle is read from the cache by the second action, which runs no shuffle work', async () => {
    const reduceCalls = ctx.accumulator(0);
    const summed = ctx
      .parallelize(Array.from({ length: 60 }, (_, i) => i), 6)
      .map((x) => [x % 4, x] as [number, number])
      .reduceByKey((a, b) => {
        reduceCalls.add(1);
        return a + b;
      }, 3)
      .map((kv) => kv[1] * 10)
      .cache();
    const first = await during(() => summed.count());
    expect(first.result).toBe(4);
    const blocks = ofType('blockUpdated', first.seen);
    expect(blocks.map((b) => b.blockId).sort()).toEqual([`rdd_${summed.id}_0`, `rdd_${summed.id}_1`, `rdd_${summed.id}_2`]);
    expect(blocks.every((b) => b.storageLevel === 'MEMORY_ONLY' && b.memSize > 0)).toBe(true);
    const callsAfterFirst = reduceCalls.value;
    expect(callsAfterFirst).toBeGreaterThan(0);

    const second = await during(() => summed.count());
    expect(second.result).toBe(4);
    expect(reduceCalls.value).toBe(callsAfterFirst);
    const [job] = ofType('jobStart', second.seen);
    const mapStage = job!.stageInfos.find((s) => s.kind === 'shuffleMap')!;
    expect(ofType('stageSubmitted', second.seen).map((s) => s.stageInfo.kind)).toEqual(['result']);
    expect(ofType('jobEnd', second.seen)[0]!.skippedStageIds).toEqual([mapStage.stageId]);
    const tasks = ofType('taskEnd', second.seen);
    expect(tasks).toHaveLength(3);
    // Every record comes from the cache; nothing is read from the shuffle.
    expect(tasks.map((t) => t.metrics.inputRecordsFromCache).reduce((a, b) => a + b, 0)).toBe(4);
    expect(tasks.every((t) => t.metrics.shuffleReadBytes === 0 && t.metrics.shuffleReadRecords === 0)).toBe(true);
    // The first count did read the shuffle.
    expect(ofType('taskEnd', first.seen).filter((t) => t.taskType === 'ResultTask').some((t) => t.metrics.shuffleReadBytes > 0)).toBe(true);
  });

  it('a cached narrow RDD stores one block per partition on the executor that computed it, and the next action reads them', async () => {
    const calls = ctx.accumulator(0);
    const squares = ctx
      .parallelize(Array.from({ length: 24 }, (_, i) => i), 4)
      .map((x) => {
        calls.add(1);
        return x * x;
      })
      .cache();
    expect(events).toEqual([]);
    const first = await during(() => squares.sum());
    expect(calls.value).toBe(24);
    const blocks = ofType('blockUpdated', first.seen);
    expect(blocks).toHaveLength(4);
    for (const t of ofType('taskEnd', first.seen)) {
      const block = blocks.find((b) => b.blockId === `rdd_${squares.id}_${t.taskInfo.partitionId}`);
      expect(block?.executorId).toBe(t.taskInfo.executorId);
      expect(t.metrics.inputRecordsFromCache).toBe(0);
    }

    const second = await during(() => squares.collect());
    expect(second.result).toEqual(Array.from({ length: 24 }, (_, i) => i * i));
    expect(calls.value).toBe(24);
    expect(ofType('blockUpdated', second.seen)).toEqual([]);
    const tasks = ofType('taskEnd', second.seen);
    expect(tasks.map((t) => t.metrics.inputRecordsFromCache)).toEqual([6, 6, 6, 6]);
  });

  it('unpersist removes every block (blockUpdated NONE) and the next action recomputes', async () => {
    const calls = ctx.accumulator(0);
    const doubled = ctx
      .parallelize(Array.from({ length: 12 }, (_, i) => i), 3)
      .map((x) => {
        calls.add(1);
        return x * 2;
      })
      .cache();
    await doubled.count();
    const stored = ofType('blockUpdated').filter((b) => b.storageLevel !== 'NONE');
    expect(stored).toHaveLength(3);

    const start = events.length;
    doubled.unpersist();
    const removed = ofType('blockUpdated', events.slice(start));
    expect(removed.map((b) => [b.blockId, b.executorId, b.storageLevel, b.memSize, b.diskSize]).sort()).toEqual(
      stored.map((b) => [b.blockId, b.executorId, 'NONE', 0, 0]).sort(),
    );
    expect(doubled.getStorageLevel()).toBe(StorageLevel.NONE);
    expect(doubled.toDebugString()).not.toContain('CachedPartitions');

    const again = await during(() => doubled.collect());
    expect(again.result).toEqual(Array.from({ length: 12 }, (_, i) => i * 2));
    expect(calls.value).toBe(24);
    expect(ofType('taskEnd', again.seen).every((t) => t.metrics.inputRecordsFromCache === 0)).toBe(true);
    expect(ofType('blockUpdated', again.seen)).toEqual([]);
  });

  it('a shuffle on top of a cached RDD reads its map input from the cache, not from the parent shuffle', async () => {
    const grouped = ctx
      .parallelize(Array.from({ length: 20 }, (_, i) => i), 4)
      .map((x) => [x % 2, x] as [number, number])
      .groupByKey(2)
      .cache();
    await grouped.count();
    const { seen } = await during(() => grouped.mapValues((vs) => vs.length).reduceByKey((a, b) => a + b, 1).collect());
    const submitted = ofType('stageSubmitted', seen);
    expect(submitted.map((s) => s.stageInfo.kind)).toEqual(['shuffleMap', 'result']);
    const mapTasks = ofType('taskEnd', seen).filter((t) => t.taskType === 'ShuffleMapTask');
    expect(mapTasks.map((t) => t.metrics.inputRecordsFromCache).reduce((a, b) => a + b, 0)).toBe(2);
    expect(mapTasks.every((t) => t.metrics.shuffleReadBytes === 0)).toBe(true);
  });
});

describe('toDebugString', () => {
  const line = (text: string) => new RegExp(`^${text}$`);
  const site = (op: string) => `${op} at laziness\\.test\\.ts:\\d+`;

  it("has Spark's layout for map -> reduceByKey -> map", () => {
    const rdd = ctx
      .parallelize([1, 2, 3, 4], 2)
      .map((x) => [x % 2, x] as [number, number])
      .reduceByKey((a, b) => a + b, 3)
      .map((kv) => kv[1]);
    const lines = rdd.toDebugString().split('\n');
    expect(lines).toHaveLength(4);
    const [parallelized, mapped, shuffled] = [rdd.id - 3, rdd.id - 2, rdd.id - 1];
    expect(lines[0]).toMatch(line(`\\(3\\) MapPartitionsRDD\\[${rdd.id}\\] at ${site('map')} \\[\\]`));
    expect(lines[1]).toMatch(line(` \\|  ShuffledRDD\\[${shuffled}\\] at ${site('reduceByKey')} \\[\\]`));
    expect(lines[2]).toMatch(line(` \\+-\\(2\\) MapPartitionsRDD\\[${mapped}\\] at ${site('map')} \\[\\]`));
    expect(lines[3]).toMatch(line(`    \\|  ParallelCollectionRDD\\[${parallelized}\\] at ${site('parallelize')} \\[\\]`));
  });

  it('indents one more level per shuffle and widens the column for two-digit partition counts', () => {
    const rdd = ctx
      .parallelize(Array.from({ length: 30 }, (_, i) => i), 12)
      .map((x) => [x % 3, x] as [number, number])
      .groupByKey(10)
      .mapValues((vs) => vs.length)
      .reduceByKey((a, b) => a + b, 2);
    const lines = rdd.toDebugString().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(line(`\\(2\\) ShuffledRDD\\[\\d+\\] at ${site('reduceByKey')} \\[\\]`)),
      expect.stringMatching(line(` \\+-\\(10\\) MapPartitionsRDD\\[\\d+\\] at ${site('mapValues')} \\[\\]`)),
      expect.stringMatching(line(`    \\|   ShuffledRDD\\[\\d+\\] at ${site('groupByKey')} \\[\\]`)),
      expect.stringMatching(line(`    \\+-\\(12\\) MapPartitionsRDD\\[\\d+\\] at ${site('map')} \\[\\]`)),
      expect.stringMatching(line(`       \\|   ParallelCollectionRDD\\[\\d+\\] at ${site('parallelize')} \\[\\]`)),
    ]);
  });

  it('shows the storage level once cached, and a CachedPartitions line once blocks exist', async () => {
    const rdd = ctx
      .parallelize([1, 2, 3, 4], 2)
      .map((x) => [x % 2, x] as [number, number])
      .reduceByKey((a, b) => a + b)
      .map((kv) => kv[1])
      .cache();
    const before = rdd.toDebugString().split('\n');
    expect(before).toHaveLength(4);
    expect(before[0]).toMatch(line(`\\(2\\) MapPartitionsRDD\\[${rdd.id}\\] at ${site('map')} \\[Memory Deserialized 1x Replicated\\]`));

    await rdd.count();
    const after = rdd.toDebugString().split('\n');
    expect(after).toHaveLength(5);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toMatch(/^ \|       CachedPartitions: 2; MemorySize: \d+\.\d (B|KiB); DiskSize: 0\.0 B$/);
    expect(after.slice(2)).toEqual(before.slice(1));
  });

  it('shows a persisted level other than MEMORY_ONLY by its Spark description', async () => {
    const rdd = ctx.parallelize([1, 2, 3], 3).map((x) => x + 1).persist(StorageLevel.DISK_ONLY);
    await rdd.count();
    const lines = rdd.toDebugString().split('\n');
    expect(lines[0]).toMatch(line(`\\(3\\) MapPartitionsRDD\\[${rdd.id}\\] at ${site('map')} \\[Disk Serialized 1x Replicated\\]`));
    expect(lines[1]).toMatch(/^ \|       CachedPartitions: 3; MemorySize: 0\.0 B; DiskSize: \d+\.\d (B|KiB)$/);
  });
});
