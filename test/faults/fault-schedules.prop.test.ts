// Lost work is recomputed from lineage: under random fault schedules (transient task failures and
// executors killed mid-job) a job with shuffles and a cache returns exactly the fault-free result.
// 100 schedules run on each backend (the project's SQUALL_BACKEND), compared with the in-process
// fault-free run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Context, type ContextOptions, type ListenerEvent } from '../../src/index.js';

const data = Array.from({ length: 400 }, (_, i) => (i * 37) % 101);

/** A job with two shuffles, a cached RDD read by three actions, and a sort. */
async function runJob(options: ContextOptions): Promise<{ result: unknown; events: ListenerEvent[]; bookkeeping: Record<string, number> }> {
  const ctx = new Context({ localityWait: 0, ...options });
  const events: ListenerEvent[] = [];
  const subscription = ctx.events.subscribe((e) => events.push(e));
  try {
    const sums = ctx
      .parallelize(data, 8)
      .map((x) => [x % 13, x] as [number, number])
      .reduceByKey((a, b) => a + b, 5)
      .cache();
    const counted = await sums.count();
    const sorted = await sums.mapValues((v) => v * 2).sortByKey(true, 3).collect();
    const grouped = (await sums.map(([k, v]) => [v % 3, k] as [number, number]).groupByKey(4).collect())
      .map(([k, vs]) => [k, [...vs].sort((a, b) => a - b)] as const)
      .sort((a, b) => a[0] - b[0]);
    return { result: { counted, sorted, grouped }, events, bookkeeping: ctx.bookkeeping() };
  } finally {
    subscription.unsubscribe();
    await ctx.stop();
  }
}

const schedule = fc.record({
  taskFailureProbability: fc.double({ min: 0, max: 0.35, noNaN: true }),
  killExecutorAfterTasks: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
  maxExecutorKills: fc.integer({ min: 1, max: 3 }),
  seed: fc.nat(),
});

/** The backend this project runs the engine suites on (see test/vitest.config.ts). */
const backend = process.env.SQUALL_BACKEND === 'threads' ? 'threads' : 'inprocess';

describe(`fault schedules (${backend})`, () => {
  it('100 random schedules of transient failures and executor kills give the fault-free result', async () => {
    // The reference is always the in-process run: on threads this also checks the two backends agree.
    const expected = (await runJob({ backend: 'inprocess' })).result;
    let killsSeen = 0;
    let failuresSeen = 0;
    await fc.assert(
      fc.asyncProperty(schedule, async (faults) => {
        const { result, events, bookkeeping } = await runJob({ backend, faultInjection: faults });
        killsSeen += events.filter((e) => e.type === 'executorRemoved').length;
        failuresSeen += events.filter((e) => e.type === 'taskEnd' && e.reason.kind === 'exception').length;
        expect(result).toEqual(expected);
        expect(bookkeeping.activeJobs).toBe(0);
        expect(bookkeeping.runningTasks).toBe(0);
      }),
      { numRuns: 100 },
    );
    // The schedules really injected faults (the property would be vacuous otherwise).
    expect(killsSeen).toBeGreaterThan(20);
    expect(failuresSeen).toBeGreaterThan(100);
  }, 180_000);

  it('an executor kill shows executorRemoved, then executorAdded for its replacement', async () => {
    const { events } = await runJob({ backend, faultInjection: { killExecutorAfterTasks: 5, seed: 1 } });
    const removed = events.findIndex((e) => e.type === 'executorRemoved');
    expect(removed).toBeGreaterThanOrEqual(0);
    const added = events.findIndex((e, i) => i > removed && e.type === 'executorAdded');
    expect(added).toBeGreaterThan(removed);
    expect(events[added]).toMatchObject({ type: 'executorAdded', executorId: '2', totalCores: 6 });
  });
});
