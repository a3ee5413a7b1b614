/**
 * Worker threads that die: a task calling process.exit, an error thrown later from a callback the
 * task scheduled, a promise the task left rejected, a task running out of memory under
 * `resourceLimits`, and a task that never ends. Each counts as a failed (and retried) task or is
 * cancelled; none hangs a job, and the Context stays usable. Runs the threads backend only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Context, JobAbortedError, JobCancelledError, TaskContext, type ContextOptions, type ListenerEvent } from '../../src/index.js';

let ctx: Context | undefined;
let failures: Array<Extract<ListenerEvent, { type: 'taskEnd' }>> = [];

function start(options: ContextOptions = {}): Context {
  ctx = new Context({ backend: 'threads', localityWait: 0, ...options });
  failures = [];
  ctx.events.subscribe((e) => {
    if (e.type === 'taskEnd' && e.reason.kind !== 'success') failures.push(e);
  });
  return ctx;
}

function expectIdle(c: Context): void {
  for (const [name, size] of Object.entries(c.bookkeeping())) expect({ name, size }).toEqual({ name, size: 0 });
}

afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

describe('a worker that dies', () => {
  it('process.exit in a task fails that attempt with WorkerCrashError; the retry on a fresh worker succeeds', async () => {
    const c = start();
    const doubled = c.parallelize([1, 2, 3, 4, 5, 6], 3).map((x) => {
      if (x === 3 && TaskContext.get()?.attemptNumber === 0) process.exit(3);
      return x * 2;
    });
    expect(await doubled.collect()).toEqual([2, 4, 6, 8, 10, 12]);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.reason).toMatchObject({ kind: 'exception', className: 'WorkerCrashError' });
    expect(failures[0]!.reason.kind === 'exception' && failures[0]!.reason.message).toMatch(/died: .*exited with code: 3/);
    expectIdle(c);
  });

  it('a task that always exits aborts the job after 4 attempts, naming the crash; the next job runs', async () => {
    const c = start();
    const error = await c
      .parallelize([1, 2, 3], 3)
      .map((x) => {
        if (x === 2) process.exit(1);
        return x;
      })
      .collect()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobAbortedError);
    expect((error as JobAbortedError).message).toMatch(/failed 4 times.*WorkerCrashError/s);
    expect(await c.parallelize([1, 2, 3], 3).map((x) => x + 1).collect()).toEqual([2, 3, 4]);
    expectIdle(c);
  });

  it('an uncaught error thrown outside the task body kills its worker: that attempt fails as a crash and is retried', async () => {
    const c = start();
    const values = await c
      .parallelize([1, 2, 3, 4], 4)
      .map((x) => {
        // Thrown from a microtask, after the task's own code returned: nothing catches it.
        if (x === 1 && TaskContext.get()?.attemptNumber === 0) queueMicrotask(() => { throw new Error('thrown outside the task'); });
        return x;
      })
      .collect();
    expect(values).toEqual([1, 2, 3, 4]);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.reason).toMatchObject({ kind: 'exception', className: 'WorkerCrashError' });
    expect(failures[0]!.reason.kind === 'exception' && failures[0]!.reason.message).toContain('thrown outside the task');
    expect(await c.range(0, 400, 1, 8).map((x) => x % 7).sum()).toBe(Array.from({ length: 400 }, (_, i) => i % 7).reduce((a, b) => a + b, 0));
    expectIdle(c);
  });

  it('timers and promises a task leaves behind never run in its worker (piscina blocks between tasks), so they cannot disturb later jobs', async () => {
    const c = start();
    const first = await c
      .parallelize([1, 2, 3, 4], 4)
      .map((x) => {
        if (x === 1) setTimeout(() => { throw new Error('thrown from a timer'); }, 0);
        if (x === 2) void Promise.reject(new Error('left rejected'));
        return x;
      })
      .collect();
    expect(first).toEqual([1, 2, 3, 4]);
    for (let round = 0; round < 3; round++) expect(await c.range(0, 80, 1, 8).sum()).toBe(3160);
    expect(failures).toEqual([]);
    expectIdle(c);
  });

  it('running out of memory under resourceLimits is a failed task, not a crashed driver', async () => {
    const c = start({ threads: { resourceLimits: { maxOldGenerationSizeMb: 48 } } });
    const error = await c
      .parallelize([1, 2], 2)
      .map(() => {
        const hoard: object[] = [];
        for (let i = 0; i < 1e8; i++) hoard.push({ i, text: `record ${i}` });
        return hoard.length;
      })
      .collect()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobAbortedError);
    expect((error as JobAbortedError).message).toMatch(/memory limit/);
    // The other task of the aborted job may end as killed; every failure is a crash.
    const crashes = failures.filter((f) => f.reason.kind === 'exception');
    expect(crashes.length).toBeGreaterThanOrEqual(4);
    expect(crashes.every((f) => f.reason.kind === 'exception' && f.reason.className === 'WorkerCrashError')).toBe(true);
    expect(failures.every((f) => f.reason.kind === 'exception' || f.reason.kind === 'killed')).toBe(true);
    expect(await c.parallelize([5, 6], 2).map((x) => x * 10).collect()).toEqual([50, 60]);
    expectIdle(c);
  });

  it('a task that never ends is stopped by cancelling its job: the worker is ended and replaced', async () => {
    const c = start();
    const controller = new AbortController();
    const never = c
      .parallelize([1, 2, 3, 4], 4)
      .map((x) => {
        if (x === 4) for (;;);
        return x;
      })
      .collect({ signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await expect(never).rejects.toBeInstanceOf(JobCancelledError);
    expect(await c.parallelize([1, 2, 3, 4], 4).map((x) => x * 3).collect()).toEqual([3, 6, 9, 12]);
    expectIdle(c);
  });
});
