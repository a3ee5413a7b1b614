/**
 * Task timing in events, for timelines: an executor's six cores may share fewer worker threads, so
 * a launched task can wait for a thread. `metrics.schedulerDelay` is that wait (launch to start on
 * the executor), `executorDeserializeTime` the rebuild of the task, `executorRunTime` its body.
 * The assertions are about order, not speed. Runs in: vitest (driver), on the threads backend.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Context, type ListenerEvent } from '../../src/index.js';

let ctx: Context | undefined;
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

type TaskEnd = Extract<ListenerEvent, { type: 'taskEnd' }>;

describe('task timing', () => {
  it('tasks queued behind others on a one-thread executor show the wait as scheduler delay', async () => {
    ctx = new Context({ backend: 'threads', master: 'local-cluster[1,6]', threads: { threadsPerExecutor: 1 } });
    const ends: TaskEnd[] = [];
    ctx.events.subscribe((e) => {
      if (e.type === 'taskEnd') ends.push(e);
    });
    const busyMs = 25;
    await ctx
      .parallelize([0, 1, 2, 3, 4, 5], 6)
      .map((x) => {
        const until = Date.now() + busyMs;
        while (Date.now() < until) {
          // busy: the only worker thread is taken
        }
        return x;
      })
      .collect();
    expect(ends).toHaveLength(6);
    for (const e of ends) {
      const m = e.metrics;
      expect(m.schedulerDelay).toBeGreaterThanOrEqual(0);
      expect(m.executorDeserializeTime).toBeGreaterThanOrEqual(0);
      expect(m.executorRunTime).toBeGreaterThanOrEqual(busyMs - 1);
      // The parts fit in the task's duration (2 ms of clock rounding allowed).
      expect(m.schedulerDelay + m.executorDeserializeTime + m.executorRunTime).toBeLessThanOrEqual((e.taskInfo.duration ?? 0) + 2);
    }
    // All six launched at once on six cores, but ran one after another on the one thread: the last
    // to run waited at least as long as the five bodies before it.
    const delays = ends.map((e) => e.metrics.schedulerDelay).sort((a, b) => a - b);
    expect(delays[5]).toBeGreaterThanOrEqual(5 * busyMs - 5);
  });

  it('on the in-process backend, the fields exist and are consistent too', async () => {
    ctx = new Context({ backend: 'inprocess' });
    const ends: TaskEnd[] = [];
    ctx.events.subscribe((e) => {
      if (e.type === 'taskEnd') ends.push(e);
    });
    await ctx.parallelize([1, 2, 3], 3).count();
    expect(ends).toHaveLength(3);
    for (const e of ends) {
      expect(e.metrics.executorDeserializeTime).toBe(0);
      expect(e.metrics.schedulerDelay).toBeGreaterThanOrEqual(0);
    }
  });
});
