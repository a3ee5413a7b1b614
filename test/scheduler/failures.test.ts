/**
 * Failures and recovery: task retries up to maxFailures (4 on local-cluster, 1 on local[N]), the
 * JobAbortedError a user sees, cancellation through AbortSignal, accumulators under retries, and
 * executor loss (cached blocks and shuffle outputs recomputed from lineage).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Context, JobAbortedError, JobCancelledError, TaskContext, type ContextOptions, type ListenerEvent } from '../../src/index.js';

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

/** Calls `fn` once, on the first event matching `pred`. */
function onFirst(c: Context, pred: (e: ListenerEvent) => boolean, fn: (e: ListenerEvent) => void): void {
  let done = false;
  c.events.subscribe((e) => {
    if (done || !pred(e)) return;
    done = true;
    fn(e);
  });
}

/** Lets killed and still-queued tasks drain (a few macrotasks), then checks every structure is empty. */
async function expectDrainedToIdle(c: Context): Promise<void> {
  for (let i = 0; i < 20 && !Object.values(c.bookkeeping()).every((n) => n === 0); i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (const [name, size] of Object.entries(c.bookkeeping())) expect({ name, size }).toEqual({ name, size: 0 });
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

describe('task retries', () => {
  it('retries a throwing task up to 4 attempts, then rejects with a JobAbortedError naming job, stage, partition and attempt', async () => {
    const c = start();
    const rdd = c.parallelize(Array.from({ length: 40 }, (_, i) => i), 4).map(function explodeOnThirtyOne(x) {
      if (x === 31) throw new RangeError(`bad record ${x}`);
      return x;
    });
    const error = await rejectionOf(rdd.collect());

    expect(error).toBeInstanceOf(JobAbortedError);
    expect(error).not.toBeInstanceOf(JobCancelledError);
    const aborted = error as JobAbortedError;
    const [job] = ofType('jobStart');
    const stageId = job!.stageIds[0]!;
    expect(aborted).toMatchObject({ jobId: job!.jobId, stageId, partition: 3, attempt: 3, code: 'JOB_ABORTED' });
    expect(aborted.message).toContain(`Job ${job!.jobId} aborted due to stage failure`);
    expect(aborted.message).toContain(`Task 3 in stage ${stageId}.0 failed 4 times`);
    expect(aborted.message).toContain(`Lost task 3.3 in stage ${stageId}.0`);
    expect(aborted.message).toContain('RangeError: bad record 31');
    const cause = aborted.cause as Error;
    expect(cause).toBeInstanceOf(Error);
    expect(cause.name).toBe('RangeError');
    expect(cause.message).toBe('bad record 31');
    expect(cause.stack).toContain('explodeOnThirtyOne');
    expect(cause.stack).toContain('failures.test.ts');

    const failed = ofType('taskEnd').filter((t) => t.taskInfo.partitionId === 3);
    expect(failed.map((t) => t.taskInfo.attemptNumber)).toEqual([0, 1, 2, 3]);
    for (const t of failed) {
      expect(t.taskInfo.status).toBe('FAILED');
      expect(t.reason).toMatchObject({ kind: 'exception', className: 'RangeError', message: 'bad record 31', countTowardsTaskFailures: true });
    }
    expect(ofType('jobEnd')).toEqual([expect.objectContaining({ jobId: job!.jobId, result: 'failed', error: aborted.message })]);
    expect(ofType('stageCompleted')[0]!.stageInfo.failureReason).toContain('failed 4 times');
    await expectDrainedToIdle(c);
  });

  it('a task that fails once and then succeeds gives the right result', async () => {
    const c = start();
    // Only the first attempt throws: TaskContext tells a task which attempt it is, on any backend.
    const rdd = c.parallelize(Array.from({ length: 30 }, (_, i) => i), 3).map((x) => {
      if (x === 15 && TaskContext.get()?.attemptNumber === 0) throw new Error('transient');
      return x * 2;
    });
    expect(await rdd.collect()).toEqual(Array.from({ length: 30 }, (_, i) => i * 2));
    const attempts = ofType('taskEnd')
      .filter((t) => t.taskInfo.partitionId === 1)
      .map((t) => [t.taskInfo.attemptNumber, t.reason.kind]);
    expect(attempts).toEqual([
      [0, 'exception'],
      [1, 'success'],
    ]);
    expect(ofType('jobEnd')[0]!.result).toBe('succeeded');
    await expectDrainedToIdle(c);
  });

  it('failures of different tasks do not add up: 3 failures each on two partitions still succeed', async () => {
    const c = start();
    const rdd = c.parallelize(Array.from({ length: 8 }, (_, i) => i), 4).mapPartitionsWithIndex((index, records) => {
      const attempt = TaskContext.get()?.attemptNumber ?? 0;
      if ((index === 1 || index === 2) && attempt < 3) throw new Error(`partition ${index} attempt ${attempt}`);
      return records;
    });
    expect(await rdd.collect()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(ofType('taskEnd').filter((t) => t.reason.kind === 'exception')).toHaveLength(6);
  });

  it("with master local[2] a task fails the job at its first throw (Spark's maxFailures = 1)", async () => {
    const c = start({ master: 'local[2]', localityWait: 0 });
    expect(c.executors()).toEqual([{ executorId: '0', host: 'localhost', totalCores: 2 }]);
    const error = await rejectionOf(
      c.parallelize([1, 2, 3, 4], 2).map((x) => {
        if (x === 4) throw new Error('no retry');
        return x;
      }).count(),
    );
    expect(error).toBeInstanceOf(JobAbortedError);
    expect((error as JobAbortedError).message).toContain('failed 1 times');
    expect((error as JobAbortedError).attempt).toBe(0);
    expect(ofType('taskEnd').filter((t) => t.reason.kind === 'exception').map((t) => t.taskInfo.attemptNumber)).toEqual([0]);
  });

  it('maxFailures can be set explicitly', async () => {
    const c = start({ maxFailures: 2, localityWait: 0 });
    const error = await rejectionOf(
      c.parallelize([1, 2], 2).map(() => {
        throw new Error('always');
      }).count(),
    );
    expect((error as JobAbortedError).message).toContain('failed 2 times');
  });

  it('after a failed job the context runs the next action and its bookkeeping returns to zero', async () => {
    const c = start();
    const data = Array.from({ length: 100 }, (_, i) => i);
    const bad = c.parallelize(data, 20).map((x) => [x % 3, x] as [number, number]).map((kv) => {
      if (kv[1] === 7) throw new Error('seven');
      return kv;
    }).reduceByKey((a, b) => a + b);
    await expect(bad.collect()).rejects.toBeInstanceOf(JobAbortedError);
    await expectDrainedToIdle(c);

    expect(await c.parallelize(data, 20).map((x) => [x % 3, x] as [number, number]).reduceByKey((a, b) => a + b).count()).toBe(3);
    expect(await c.parallelize(data, 20).sum()).toBe(4950);
    await expectDrainedToIdle(c);
    const ends = ofType('jobEnd').map((e) => e.result);
    expect(ends).toEqual(['failed', 'succeeded', 'succeeded']);
  });
  it('a failing shuffle stage shared by two concurrent jobs aborts both', async () => {
    const c = start();
    const summed = c
      .range(0, 100, 1, 10)
      .map((x) => {
        if (x === 55) throw new Error('shared failure');
        return [x % 3, x] as [number, number];
      })
      .reduceByKey((a, b) => a + b);
    const [a, b] = await Promise.allSettled([summed.count(), summed.collect()]);
    for (const outcome of [a, b]) {
      expect(outcome.status).toBe('rejected');
      const error = (outcome as PromiseRejectedResult).reason as JobAbortedError;
      expect(error).toBeInstanceOf(JobAbortedError);
      expect((error.cause as Error).message).toBe('shared failure');
      expect(error.partition).toBe(5);
    }
    expect(ofType('jobEnd').map((e) => e.result)).toEqual(['failed', 'failed']);
    // The shared stage ran once: only one set of 4 attempts for the bad partition.
    expect(ofType('taskEnd').filter((t) => t.reason.kind === 'exception').map((t) => t.taskInfo.attemptNumber)).toEqual([0, 1, 2, 3]);
    await expectDrainedToIdle(c);
  });

  it('a failure on one side of a join stops the other side and leaves the context idle', async () => {
    const c = start();
    const left = c.range(0, 2000, 1, 40).map((x) => [x % 10, x] as [number, number]);
    const right = c.range(0, 40, 1, 4).map((x) => {
      if (x === 0) throw new Error('right side');
      return [x % 10, -x] as [number, number];
    });
    await expect(left.join(right).count()).rejects.toThrow(/right side/);
    const submitted = ofType('stageSubmitted').map((s) => s.stageInfo.stageId);
    const completed = ofType('stageCompleted').map((s) => s.stageInfo.stageId);
    // Every stage that was submitted is reported completed (failed or cancelled), none left hanging.
    expect(completed.sort()).toEqual(submitted.sort());
    expect(ofType('stageCompleted').some((s) => s.stageInfo.failureReason?.includes('right side'))).toBe(true);
    await expectDrainedToIdle(c);
    expect(await left.join(c.range(0, 40, 1, 4).map((x) => [x % 10, -x] as [number, number])).count()).toBe(10 * 200 * 4);
  });

  it('stopping the context cancels its running job', async () => {
    const c = start();
    const job = c.range(0, 1000, 1, 100).count();
    onFirst(c, (e) => e.type === 'taskEnd', () => void c.stop());
    await expect(job).rejects.toBeInstanceOf(JobCancelledError);
    expect(c.isStopped).toBe(true);
  });
});

describe('cancellation through AbortSignal', () => {
  it('aborting mid-job rejects with JobCancelledError, ends the job as cancelled and leaves the context usable', async () => {
    const c = start();
    const controller = new AbortController();
    onFirst(c, (e) => e.type === 'taskEnd', () => controller.abort('user pressed stop'));
    const error = await rejectionOf(c.range(0, 1000, 1, 100).map((x) => x + 1).count({ signal: controller.signal }));
    expect(error).toBeInstanceOf(JobCancelledError);
    expect((error as JobCancelledError).message).toContain('user pressed stop');
    expect((error as JobCancelledError).code).toBe('JOB_CANCELLED');
    const [jobEnd] = ofType('jobEnd');
    expect(jobEnd).toMatchObject({ result: 'cancelled', jobId: (error as JobCancelledError).jobId });
    // Cancelled before most tasks ran.
    expect(ofType('taskEnd').filter((t) => t.reason.kind === 'success').length).toBeLessThan(100);
    expect(ofType('taskStart').length).toBeLessThan(100);
    // Nothing of the cancelled job launches after its end.
    const endAt = events.indexOf(jobEnd!);
    expect(events.slice(endAt).filter((e) => e.type === 'taskStart')).toEqual([]);
    await expectDrainedToIdle(c);

    expect(await c.range(0, 1000, 1, 100).count()).toBe(1000);
    await expectDrainedToIdle(c);
  });

  it('cancels a multi-stage job while its map stage runs: the stage completes with a failure reason', async () => {
    const c = start();
    const controller = new AbortController();
    onFirst(c, (e) => e.type === 'taskStart', () => queueMicrotask(() => controller.abort()));
    const pairs = c.range(0, 600, 1, 60).map((x) => [x % 10, x] as [number, number]);
    const error = await rejectionOf(pairs.reduceByKey((a, b) => a + b).collect({ signal: controller.signal }));
    expect(error).toBeInstanceOf(JobCancelledError);
    const completed = ofType('stageCompleted');
    expect(completed).toHaveLength(1);
    expect(completed[0]!.stageInfo.kind).toBe('shuffleMap');
    expect(completed[0]!.stageInfo.failureReason).toBeDefined();
    expect(ofType('stageSubmitted')).toHaveLength(1);
    expect(ofType('jobEnd')[0]!.result).toBe('cancelled');
    await expectDrainedToIdle(c);
    expect((await pairs.reduceByKey((a, b) => a + b).collectAsMap()).get(0)).toBe(Array.from({ length: 60 }, (_, i) => i * 10).reduce((a, b) => a + b));
  });

  it.each([
    ['collect', (c: Context, signal: AbortSignal) => c.range(0, 10).collect({ signal })],
    ['count', (c: Context, signal: AbortSignal) => c.range(0, 10).count({ signal })],
    ['sum', (c: Context, signal: AbortSignal) => c.range(0, 10).sum({ signal })],
    ['reduce', (c: Context, signal: AbortSignal) => c.range(0, 10).reduce((a, b) => a + b, { signal })],
    ['take', (c: Context, signal: AbortSignal) => c.range(0, 10).take(3, { signal })],
    ['first', (c: Context, signal: AbortSignal) => c.range(0, 10).first({ signal })],
    ['foreach', (c: Context, signal: AbortSignal) => c.range(0, 10).foreach(() => undefined, { signal })],
    ['takeOrdered', (c: Context, signal: AbortSignal) => c.range(0, 10).takeOrdered(2, undefined, { signal })],
    ['takeSample', (c: Context, signal: AbortSignal) => c.range(0, 10).takeSample(false, 2, 1, { signal })],
    ['treeAggregate', (c: Context, signal: AbortSignal) => c.range(0, 10).treeAggregate(0, (a, b) => a + b, (a, b) => a + b, 2, { signal })],
    ['histogram', (c: Context, signal: AbortSignal) => c.range(0, 10).histogram(3, { signal })],
    ['countByValue', (c: Context, signal: AbortSignal) => c.range(0, 10).countByValue({ signal })],
    ['sortByKey + collect', (c: Context, signal: AbortSignal) => c.range(0, 10).map((x) => [x, x] as [number, number]).sortByKey(true, 3).collect({ signal })],
    ['zipWithIndex + collect', (c: Context, signal: AbortSignal) => c.range(0, 10).zipWithIndex().collect({ signal })],
  ])('%s with an already-aborted signal rejects at once and runs no task', async (_name, action) => {
    const c = start();
    const controller = new AbortController();
    controller.abort();
    const error = await rejectionOf(action(c, controller.signal));
    expect(error).toBeInstanceOf(JobCancelledError);
    expect(ofType('taskStart')).toEqual([]);
    expect(ofType('jobStart')).toEqual([]);
    expect(await c.range(0, 10).count()).toBe(10);
  });

  it('one job cancelled does not disturb a concurrent job', async () => {
    const c = start();
    const controller = new AbortController();
    onFirst(c, (e) => e.type === 'taskEnd', () => controller.abort());
    const cancelled = c.range(0, 100, 1, 50).count({ signal: controller.signal });
    const kept = c.range(0, 100, 1, 50).map((x) => x * 2).sum();
    const [a, b] = await Promise.allSettled([cancelled, kept]);
    expect(a.status).toBe('rejected');
    expect((a as PromiseRejectedResult).reason).toBeInstanceOf(JobCancelledError);
    expect(b).toEqual({ status: 'fulfilled', value: 9900 });
    expect(ofType('jobEnd').map((e) => e.result).sort()).toEqual(['cancelled', 'succeeded']);
    await expectDrainedToIdle(c);
  });
  it('cancelling one of two jobs that share a shuffle stage lets the other finish with the right result', async () => {
    const c = start();
    const controller = new AbortController();
    const summed = c.range(0, 1200, 1, 60).map((x) => [x % 4, x] as [number, number]).reduceByKey((a, b) => a + b, 4);
    onFirst(c, (e) => e.type === 'taskEnd' && e.taskType === 'ShuffleMapTask', () => controller.abort());
    const cancelled = summed.count({ signal: controller.signal });
    const kept = summed.collectAsMap();
    const [a, b] = await Promise.allSettled([cancelled, kept]);
    expect((a as PromiseRejectedResult).reason).toBeInstanceOf(JobCancelledError);
    expect(b.status).toBe('fulfilled');
    const sums = (b as PromiseFulfilledResult<Map<number, number>>).value;
    expect([...sums.values()].reduce((x, y) => x + y, 0)).toBe((1199 * 1200) / 2);
    // The shared map stage ran once, to completion, for the surviving job.
    const mapStarts = ofType('taskStart').filter((t) => ofType('stageSubmitted').some((s) => s.stageInfo.kind === 'shuffleMap' && s.stageInfo.stageId === t.stageId));
    expect(new Set(mapStarts.map((t) => t.taskInfo.partitionId)).size).toBe(60);
    expect(ofType('stageCompleted').filter((s) => s.stageInfo.kind === 'shuffleMap').map((s) => s.stageInfo.failureReason)).toEqual([undefined]);
    await expectDrainedToIdle(c);
  });
});

describe('accumulators', () => {
  it('updates made in an action count once per partition even when a task is retried', async () => {
    const c = start();
    const seen = c.accumulator(0);
    await c.parallelize(Array.from({ length: 40 }, (_, i) => i), 4).foreach((x) => {
      seen.add(1);
      if (x === 25 && TaskContext.get()?.attemptNumber === 0) throw new Error('after adding');
    });
    expect(seen.value).toBe(40);
    expect(ofType('taskEnd').filter((t) => t.reason.kind === 'exception')).toHaveLength(1);
  });

  it('updates of a job that failed are not applied', async () => {
    const c = start();
    const seen = c.accumulator(0);
    await expect(
      c.parallelize([1, 2, 3, 4], 2).foreach((x) => {
        seen.add(x);
        if (x === 4) throw new Error('never succeeds');
      }),
    ).rejects.toBeInstanceOf(JobAbortedError);
    // Only the partition that succeeded ([1, 2]) counts.
    expect(seen.value).toBe(3);
  });
});

describe('executor loss', () => {
  it('killing an executor during a job still gives the right result, and a replacement "2" joins', async () => {
    const c = start();
    let replacement: string | undefined;
    // Killed right after executor 0's first tasks launch (once the offer round is over), so some of
    // its tasks are surely still running, however fast the workers are and however loaded the driver.
    onFirst(
      c,
      (e) => e.type === 'taskStart' && e.taskInfo.executorId === '0',
      () =>
        queueMicrotask(() => {
          replacement = c.killExecutor('0').executorId;
        }),
    );
    const data = Array.from({ length: 2000 }, (_, i) => i);
    expect(await c.parallelize(data, 48).map((x) => x * 2).sum()).toBe(2 * 1999 * 1000);
    expect(replacement).toBe('2');

    const lifecycle = events.filter((e) => e.type === 'executorRemoved' || e.type === 'executorAdded');
    expect(lifecycle).toEqual([
      expect.objectContaining({ type: 'executorRemoved', executorId: '0' }),
      expect.objectContaining({ type: 'executorAdded', executorId: '2', host: 'localhost', totalCores: 6 }),
    ]);
    expect(c.executors().map((e) => e.executorId).sort()).toEqual(['1', '2']);
    // Tasks running on the lost executor end as executorLost and do not count as failures.
    const lost = ofType('taskEnd').filter((t) => t.reason.kind === 'executorLost');
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.every((t) => t.taskInfo.executorId === '0')).toBe(true);
    const removedAt = events.findIndex((e) => e.type === 'executorRemoved');
    expect(events.slice(removedAt).some((e) => e.type === 'taskStart' && e.taskInfo.executorId === '0')).toBe(false);
    expect(events.slice(removedAt).some((e) => e.type === 'taskStart' && e.taskInfo.executorId === '2')).toBe(true);
    // Every partition succeeded exactly once.
    const succeeded = ofType('taskEnd').filter((t) => t.reason.kind === 'success').map((t) => t.taskInfo.partitionId);
    expect(succeeded.sort((a, b) => a - b)).toEqual(Array.from({ length: 48 }, (_, i) => i));
    await expectDrainedToIdle(c);
  });

  it('cached blocks on a killed executor are recomputed from lineage; the others are still read from cache', async () => {
    const c = start();
    const calls = c.accumulator(0);
    const cached = c
      .range(0, 120, 1, 12)
      .map((x) => {
        calls.add(1);
        return x + 1;
      })
      .cache();
    expect(await cached.sum()).toBe(7260);
    expect(calls.value).toBe(120);
    const onZero = ofType('blockUpdated')
      .filter((b) => b.executorId === '0')
      .map((b) => Number(b.blockId.split('_')[2]));
    expect(onZero.length).toBeGreaterThan(0);
    expect(onZero.length).toBeLessThan(12);

    c.killExecutor('0');
    events.length = 0;
    expect(await cached.sum()).toBe(7260);
    // Only the lost partitions ran the map function again (10 records each).
    expect(calls.value).toBe(120 + 10 * onZero.length);
    const ends = ofType('taskEnd');
    for (const t of ends) {
      expect(t.metrics.inputRecordsFromCache).toBe(onZero.includes(t.taskInfo.partitionId) ? 0 : 10);
      expect(t.taskInfo.executorId).not.toBe('0');
    }
    // The recomputed partitions are cached again, on live executors.
    const recached = ofType('blockUpdated');
    expect(recached.map((b) => Number(b.blockId.split('_')[2])).sort((a, b) => a - b)).toEqual([...onZero].sort((a, b) => a - b));
    expect(recached.every((b) => b.executorId !== '0' && b.storageLevel === 'MEMORY_ONLY')).toBe(true);
    await expectDrainedToIdle(c);
  });

  it('a shuffle whose map outputs were lost between jobs is recomputed: its map stage runs again for the lost outputs only', async () => {
    const c = start();
    const mapCalls = c.accumulator(0);
    const summed = c
      .parallelize(Array.from({ length: 120 }, (_, i) => i), 12)
      .map((x) => {
        mapCalls.add(1);
        return [x % 5, x] as [number, number];
      })
      .reduceByKey((a, b) => a + b, 4);
    const expected = await summed.collectAsMap();
    const lostMaps = ofType('taskEnd')
      .filter((t) => t.taskType === 'ShuffleMapTask' && t.taskInfo.executorId === '0')
      .map((t) => t.taskInfo.partitionId)
      .sort((a, b) => a - b);
    expect(lostMaps.length).toBeGreaterThan(0);
    expect(lostMaps.length).toBeLessThan(12);

    c.killExecutor('0');
    events.length = 0;
    expect(await summed.collectAsMap()).toEqual(expected);
    expect(mapCalls.value).toBe(120 + 10 * lostMaps.length);
    const submitted = ofType('stageSubmitted').map((s) => s.stageInfo.kind);
    expect(submitted).toEqual(['shuffleMap', 'result']);
    const rerun = ofType('taskEnd')
      .filter((t) => t.taskType === 'ShuffleMapTask')
      .map((t) => t.taskInfo.partitionId)
      .sort((a, b) => a - b);
    expect(rerun).toEqual(lostMaps);
    expect(ofType('jobEnd')[0]!.skippedStageIds).toEqual([]);
    await expectDrainedToIdle(c);
  });

  it('losing map outputs while reduce tasks run makes them fetch-fail and resubmits the map stage, then the result is right', async () => {
    const c = start();
    const data = Array.from({ length: 600 }, (_, i) => i);
    const expected = new Map<number, number>();
    for (const x of data) expected.set(x % 40, (expected.get(x % 40) ?? 0) + x);
    const summed = c.parallelize(data, 12).map((x) => [x % 40, x] as [number, number]).reduceByKey((a, b) => a + b, 36);
    // Kill when the first reduce task ends: 24 reduce tasks still wait for a core and will miss outputs.
    onFirst(c, (e) => e.type === 'taskEnd' && e.taskType === 'ResultTask', () => c.killExecutor('0'));
    const result = await summed.collectAsMap();
    expect(new Map([...result.entries()].sort((a, b) => a[0] - b[0]))).toEqual(new Map([...expected.entries()].sort((a, b) => a[0] - b[0])));

    expect(ofType('taskEnd').some((t) => t.reason.kind === 'fetchFailed')).toBe(true);
    const mapAttempts = ofType('stageSubmitted').filter((s) => s.stageInfo.kind === 'shuffleMap').map((s) => s.stageInfo.attemptNumber);
    const resultAttempts = ofType('stageSubmitted').filter((s) => s.stageInfo.kind === 'result').map((s) => s.stageInfo.attemptNumber);
    expect(mapAttempts).toEqual([0, 1]);
    expect(resultAttempts).toEqual([0, 1]);
    const failedStage = ofType('stageCompleted').find((s) => s.stageInfo.failureReason !== undefined);
    expect(failedStage?.stageInfo.kind).toBe('result');
    expect(failedStage?.stageInfo.failureReason).toContain('FetchFailed');
    expect(ofType('jobEnd')).toEqual([expect.objectContaining({ result: 'succeeded' })]);
    await expectDrainedToIdle(c);
  });

  it('killing an executor right after a map stage finished resubmits that stage for its lost outputs', async () => {
    const c = start();
    const data = Array.from({ length: 240 }, (_, i) => i);
    const summed = c.parallelize(data, 12).map((x) => [x % 6, 1] as [number, number]).reduceByKey((a, b) => a + b, 3);
    onFirst(c, (e) => e.type === 'stageCompleted' && e.stageInfo.kind === 'shuffleMap', () => c.killExecutor('1'));
    const result = await summed.collectAsMap();
    expect([...result.entries()].sort((a, b) => a[0] - b[0])).toEqual([0, 1, 2, 3, 4, 5].map((k) => [k, 40]));
    const mapSubmissions = ofType('stageSubmitted').filter((s) => s.stageInfo.kind === 'shuffleMap');
    expect(mapSubmissions.length).toBeGreaterThanOrEqual(2);
    const mapTasks = ofType('taskEnd').filter((t) => t.taskType === 'ShuffleMapTask' && t.reason.kind === 'success');
    // 12 first time, then again those that lived on executor 1.
    const firstRunOn1 = mapTasks.slice(0, 12).filter((t) => t.taskInfo.executorId === '1').length;
    expect(mapTasks).toHaveLength(12 + firstRunOn1);
    expect(mapTasks.slice(12).every((t) => t.taskInfo.executorId !== '1')).toBe(true);
    await expectDrainedToIdle(c);
  });
});
