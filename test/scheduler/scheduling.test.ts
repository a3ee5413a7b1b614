/**
 * Task placement on the default local-cluster[2,6], seen through listener events: core limits per
 * executor and in all, spreading, concurrent FIFO jobs, event order and task fields, cache locality,
 * and the schedulers' bookkeeping returning to zero after every job.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Context, type ContextOptions, type ListenerEvent } from '../../src/index.js';

type EventOf<K extends ListenerEvent['type']> = Extract<ListenerEvent, { type: K }>;

let ctx: Context | undefined;
let events: ListenerEvent[] = [];

function start(options: ContextOptions = { localityWait: 0 }): Context {
  ctx = new Context(options);
  events = [];
  ctx.events.subscribe((e) => events.push(e));
  return ctx;
}

function ofType<K extends ListenerEvent['type']>(type: K, from: readonly ListenerEvent[] = events): Array<EventOf<K>> {
  return from.filter((e): e is EventOf<K> => e.type === type);
}

function expectIdle(c: Context): void {
  const book = c.bookkeeping();
  expect(Object.keys(book).length).toBeGreaterThan(0);
  for (const [name, size] of Object.entries(book)) expect({ name, size }).toEqual({ name, size: 0 });
}

/** Replays taskStart/taskEnd and returns the peak number of running tasks per executor and in all. */
function peakConcurrency(from: readonly ListenerEvent[]): { perExecutor: Map<string, number>; total: number; coreClashes: number } {
  const running = new Map<string, Set<number>>();
  const perExecutor = new Map<string, number>();
  let now = 0;
  let total = 0;
  let coreClashes = 0;
  for (const e of from) {
    if (e.type === 'taskStart') {
      const cores = running.get(e.taskInfo.executorId) ?? new Set<number>();
      running.set(e.taskInfo.executorId, cores);
      if (cores.has(e.taskInfo.core)) coreClashes++;
      cores.add(e.taskInfo.core);
      now++;
      perExecutor.set(e.taskInfo.executorId, Math.max(perExecutor.get(e.taskInfo.executorId) ?? 0, cores.size));
      total = Math.max(total, now);
    } else if (e.type === 'taskEnd') {
      running.get(e.taskInfo.executorId)?.delete(e.taskInfo.core);
      now--;
    }
  }
  return { perExecutor, total, coreClashes };
}

afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

describe('slots', () => {
  it('never runs more than 6 tasks on an executor nor 12 in all, and fills every core when there is work (100 partitions)', async () => {
    const c = start();
    expect(await c.range(0, 1000, 1, 100).map((x) => x + 1).sum()).toBe(500500);
    const starts = ofType('taskStart');
    expect(starts).toHaveLength(100);
    const peak = peakConcurrency(events);
    expect(peak.coreClashes).toBe(0);
    expect([...peak.perExecutor.entries()].sort()).toEqual([
      ['0', 6],
      ['1', 6],
    ]);
    expect(peak.total).toBe(12);
    expect(starts.every((t) => Number.isInteger(t.taskInfo.core) && t.taskInfo.core >= 0 && t.taskInfo.core < 6)).toBe(true);
    expect(c.maxConcurrentTasksPerExecutor).toBe(6);
  });

  it('keeps the limits with two concurrent actions of 100 partitions each', async () => {
    const c = start();
    const a = c.range(0, 1000, 1, 100);
    const b = c.parallelize(Array.from({ length: 500 }, (_, i) => i), 100).map((x) => [x % 7, 1] as [number, number]).reduceByKey((x, y) => x + y, 30);
    const [sum, counts] = await Promise.all([a.sum(), b.collectAsMap()]);
    expect(sum).toBe(499500);
    expect([...counts.values()].reduce((x, y) => x + y, 0)).toBe(500);
    expect(ofType('taskStart')).toHaveLength(230);
    const peak = peakConcurrency(events);
    expect(peak.coreClashes).toBe(0);
    expect(Math.max(...peak.perExecutor.values())).toBe(6);
    expect(peak.total).toBe(12);
    expectIdle(c);
  });

  it('spreads the tasks of one stage over both executors', async () => {
    const c = start();
    await c.parallelize(Array.from({ length: 12 }, (_, i) => i), 12).count();
    const perExecutor = new Map<string, number>();
    for (const t of ofType('taskStart')) perExecutor.set(t.taskInfo.executorId, (perExecutor.get(t.taskInfo.executorId) ?? 0) + 1);
    expect([...perExecutor.entries()].sort()).toEqual([
      ['0', 6],
      ['1', 6],
    ]);

    events.length = 0;
    await c.parallelize([1, 2], 2).count();
    expect(ofType('taskStart').map((t) => t.taskInfo.executorId).sort()).toEqual(['0', '1']);
  });
});

describe('concurrent jobs', () => {
  it('run concurrently and FIFO: the job submitted first launches all its tasks before the second launches any', async () => {
    const c = start();
    const first = c.range(0, 100, 1, 100).count();
    const second = c.range(0, 100, 1, 100).map((x) => x * 2).count();
    expect(await Promise.all([first, second])).toEqual([100, 100]);

    const jobStarts = ofType('jobStart');
    expect(jobStarts).toHaveLength(2);
    const [jobA, jobB] = jobStarts as [EventOf<'jobStart'>, EventOf<'jobStart'>];
    expect(jobA.jobId).toBeLessThan(jobB.jobId);
    // Both jobs started before either ended.
    const firstEnd = events.findIndex((e) => e.type === 'jobEnd');
    expect(events.indexOf(jobB)).toBeLessThan(firstEnd);

    const indexOfTasks = (job: EventOf<'jobStart'>) =>
      events.flatMap((e, i) => (e.type === 'taskStart' && job.stageIds.includes(e.stageId) ? [i] : []));
    const aStarts = indexOfTasks(jobA);
    const bStarts = indexOfTasks(jobB);
    expect(aStarts).toHaveLength(100);
    expect(bStarts).toHaveLength(100);
    expect(Math.max(...aStarts)).toBeLessThan(Math.min(...bStarts));

    // The second job takes the cores the first leaves free while the first is still running.
    const aEnd = events.findIndex((e) => e.type === 'jobEnd' && e.jobId === jobA.jobId);
    expect(Math.min(...bStarts)).toBeLessThan(aEnd);
    expectIdle(c);
  });

  it('within one job, low partition indices launch first', async () => {
    const c = start();
    await c.range(0, 40, 1, 40).count();
    expect(ofType('taskStart').map((t) => t.taskInfo.partitionId)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const taskIds = ofType('taskStart').map((t) => t.taskInfo.taskId);
    expect(taskIds).toEqual([...taskIds].sort((a, b) => a - b));
  });
});

describe('bookkeeping', () => {
  it('is all zeros after every kind of job', async () => {
    const c = start();
    const pairs = c.parallelize(Array.from({ length: 50 }, (_, i) => [i % 7, i] as [number, number]), 5);
    const other = c.parallelize([[1, 'a'], [2, 'b']] as Array<[number, string]>, 2);
    const cached = pairs.mapValues((v) => v * 2).cache();
    const actions: Array<() => Promise<unknown>> = [
      () => pairs.count(),
      () => pairs.reduceByKey((a, b) => a + b).collect(),
      () => pairs.sortByKey(false, 3).collect(),
      () => pairs.join(other).count(),
      () => pairs.values().zipWithIndex().collect(),
      () => pairs.values().take(7),
      () => pairs.values().first(),
      () => cached.count(),
      () => cached.groupByKey().count(),
      () => pairs.values().treeAggregate(0, (a, b) => a + b, (a, b) => a + b, 2),
      () => pairs.values().takeSample(false, 5, 3),
      () => c.emptyRDD<number>().collect(),
      () => Promise.all([pairs.count(), cached.values().sum(), pairs.groupByKey().count()]),
    ];
    for (const action of actions) {
      await action();
      expectIdle(c);
    }
    expect(ofType('jobEnd').every((e) => e.result === 'succeeded')).toBe(true);
  });
});

describe('events of one job', () => {
  it('come in order: jobStart, each stage (parents first) submitted, its tasks, completed, then jobEnd', async () => {
    const c = start();
    await c
      .parallelize(Array.from({ length: 40 }, (_, i) => i), 4)
      .map((x) => [x % 6, x] as [number, number])
      .reduceByKey((a, b) => a + b, 3)
      .map((kv) => [kv[0] % 2, kv[1]] as [number, number])
      .groupByKey(2)
      .collect();
    const own = events.filter((e) => e.type !== 'blockUpdated' && e.type !== 'executorAdded');
    expect(own[0]?.type).toBe('jobStart');
    expect(own[own.length - 1]?.type).toBe('jobEnd');
    const job = own[0] as EventOf<'jobStart'>;
    const stageIds = [...job.stageIds].sort((a, b) => a - b);
    expect(stageIds).toHaveLength(3);

    // One block per stage, in stage-id order: stageSubmitted, its task events, stageCompleted.
    let cursor = 1;
    for (const stageId of stageIds) {
      const submitted = own[cursor] as EventOf<'stageSubmitted'>;
      expect(submitted).toMatchObject({ type: 'stageSubmitted', jobId: job.jobId, stageInfo: { stageId } });
      cursor++;
      const taskIds = new Set<number>();
      while (own[cursor]?.type === 'taskStart' || own[cursor]?.type === 'taskEnd') {
        const e = own[cursor] as EventOf<'taskStart'> | EventOf<'taskEnd'>;
        expect(e.stageId).toBe(stageId);
        if (e.type === 'taskStart') taskIds.add(e.taskInfo.taskId);
        else expect(taskIds.has(e.taskInfo.taskId)).toBe(true); // every end follows its start
        cursor++;
      }
      expect(taskIds.size).toBe(submitted.stageInfo.numTasks);
      expect(own[cursor]).toMatchObject({ type: 'stageCompleted', jobId: job.jobId, stageInfo: { stageId } });
      expect((own[cursor] as EventOf<'stageCompleted'>).stageInfo.failureReason).toBeUndefined();
      cursor++;
    }
    expect(cursor).toBe(own.length - 1);
    expect(own[cursor]).toMatchObject({ type: 'jobEnd', jobId: job.jobId, result: 'succeeded', skippedStageIds: [] });
  });

  it('taskEnd carries executor, core, attempt, duration, record counts and shuffle bytes', async () => {
    const c = start();
    const data = Array.from({ length: 60 }, (_, i) => [i % 4, 1] as [string | number, number]);
    const counts = await c.parallelize(data, 3).reduceByKey((a, b) => a + b, 2).collect();
    expect(counts.map((kv) => kv[1]).reduce((a, b) => a + b, 0)).toBe(60);

    const ends = ofType('taskEnd');
    expect(ends).toHaveLength(5);
    for (const e of ends) {
      expect(e.reason).toEqual({ kind: 'success' });
      expect(['0', '1']).toContain(e.taskInfo.executorId);
      expect(e.taskInfo.host).toBe('localhost');
      expect(e.taskInfo.core).toBeGreaterThanOrEqual(0);
      expect(e.taskInfo.core).toBeLessThan(6);
      expect(e.taskInfo.attemptNumber).toBe(0);
      expect(e.taskInfo.status).toBe('SUCCESS');
      expect(e.taskInfo.duration).toBe(e.taskInfo.finishTime! - e.taskInfo.launchTime);
      expect(e.taskInfo.duration).toBeGreaterThanOrEqual(0);
      expect(e.metrics.executorRunTime).toBeGreaterThanOrEqual(0);
    }
    const mapTasks = ends.filter((e) => e.taskType === 'ShuffleMapTask');
    const resultTasks = ends.filter((e) => e.taskType === 'ResultTask');
    expect(mapTasks).toHaveLength(3);
    expect(resultTasks).toHaveLength(2);
    for (const e of mapTasks) {
      expect(e.metrics.recordsIn).toBe(20);
      // Map-side combine: 4 keys per partition.
      expect(e.metrics.shuffleWriteRecords).toBe(4);
      expect(e.metrics.recordsOut).toBe(4);
      expect(e.metrics.shuffleWriteBytes).toBeGreaterThan(0);
      expect(e.metrics.shuffleReadBytes).toBe(0);
    }
    const written = mapTasks.reduce((n, e) => n + e.metrics.shuffleWriteBytes, 0);
    const read = resultTasks.reduce((n, e) => n + e.metrics.shuffleReadBytes, 0);
    expect(read).toBe(written);
    expect(resultTasks.reduce((n, e) => n + e.metrics.shuffleReadRecords, 0)).toBe(12);
    expect(resultTasks.reduce((n, e) => n + e.metrics.recordsOut, 0)).toBe(4);
    for (const e of resultTasks) {
      expect(e.metrics.shuffleReadBytes).toBeGreaterThan(0);
      expect(e.metrics.shuffleWriteBytes).toBe(0);
    }
  });
});

describe('locality', () => {
  it("runs a cached partition's task PROCESS_LOCAL on the executor holding its block", async () => {
    const c = start({ localityWait: 3000 });
    const cached = c.range(0, 120, 1, 12).map((x) => x * 3).cache();
    expect(await cached.sum()).toBe(3 * 7140);
    const holder = new Map(ofType('blockUpdated').map((b) => [b.blockId, b.executorId]));
    expect(holder.size).toBe(12);
    expect(new Set(holder.values())).toEqual(new Set(['0', '1']));
    expect(ofType('taskStart').every((t) => t.taskInfo.locality === 'NO_PREF')).toBe(true);

    events.length = 0;
    expect(await cached.map((x) => x + 1).sum()).toBe(3 * 7140 + 120);
    for (const t of ofType('taskStart')) {
      expect(t.taskInfo.locality).toBe('PROCESS_LOCAL');
      expect(t.taskInfo.executorId).toBe(holder.get(`rdd_${cached.id}_${t.taskInfo.partitionId}`));
    }
    expect(ofType('taskEnd').map((t) => t.metrics.inputRecordsFromCache)).toEqual(Array(12).fill(10));

    // Shift the cached partitions by one task index (a union behind a one-partition RDD), so that
    // placing tasks in index order alone would put every cached partition on the other executor.
    events.length = 0;
    expect(await c.parallelize([1000], 1).union(cached).sum()).toBe(1000 + 3 * 7140);
    const starts = ofType('taskStart');
    expect(starts).toHaveLength(13);
    const first = starts.find((t) => t.taskInfo.partitionId === 0)!;
    expect(first.taskInfo.locality).toBe('NO_PREF');
    for (const t of starts.filter((s) => s.taskInfo.partitionId > 0)) {
      expect(t.taskInfo.locality).toBe('PROCESS_LOCAL');
      expect(t.taskInfo.executorId).toBe(holder.get(`rdd_${cached.id}_${t.taskInfo.partitionId - 1}`));
    }
    expectIdle(c);
  });

  it.each([
    [60_000, 'wait for the busy executor holding their block'],
    [0, 'run elsewhere (ANY) when the executor holding their block is busy'],
  ])('with localityWait %s, tasks %s', async (localityWait) => {
    const c = start({ localityWait });
    // 12 tasks on 12 free cores all launch in the first offer round, alternating executors, so
    // even partitions are cached on one executor and odd ones on the other, whatever the backend.
    const cached = c.range(0, 120, 1, 12).map((x) => x * 2).cache();
    await cached.count();
    const holder = new Map(ofType('blockUpdated').map((b) => [b.blockId, b.executorId]));
    expect([...holder.values()].filter((e) => e === '0')).toHaveLength(6);
    // Lose executor 1 and its blocks, then read the data twice, merging neighbouring partitions:
    // every one of the 12 tasks reads one block cached on executor 0 (6 cores), so half of them
    // find it busy at first.
    c.killExecutor('1');
    events.length = 0;
    expect(await cached.union(cached).coalesce(12).sum()).toBe(2 * 2 * ((119 * 120) / 2));
    const starts = ofType('taskStart');
    expect(starts).toHaveLength(12);
    if (localityWait > 0) {
      for (const t of starts) expect(t.taskInfo).toMatchObject({ executorId: '0', locality: 'PROCESS_LOCAL' });
    } else {
      expect(starts.filter((t) => t.taskInfo.executorId === '0').every((t) => t.taskInfo.locality === 'PROCESS_LOCAL')).toBe(true);
      const elsewhere = starts.filter((t) => t.taskInfo.executorId !== '0');
      expect(elsewhere.length).toBeGreaterThan(0);
      expect(elsewhere.every((t) => t.taskInfo.executorId === '2' && t.taskInfo.locality === 'ANY')).toBe(true);
    }
    // Executor 0 never ran more than its 6 cores.
    expect(peakConcurrency(events).perExecutor.get('0')).toBe(6);
    expectIdle(c);
  });

  it('a task whose input is not cached has no preference', async () => {
    const c = start({ localityWait: 3000 });
    await c.range(0, 30, 1, 6).count();
    expect(ofType('taskStart').map((t) => t.taskInfo.locality)).toEqual(Array(6).fill('NO_PREF'));
  });
});
