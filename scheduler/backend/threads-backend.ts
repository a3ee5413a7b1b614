/**
 * The threads backend: each simulated executor runs its tasks on its own pool of worker threads
 * (piscina), so a job uses every core of the machine. Logical slots (cores per executor) stay as
 * the cluster model says; the threads per executor follow the real machine, and a pool queues the
 * tasks its threads cannot start yet. Losing an executor destroys its pool.
 * Layer: scheduler. Runs in: driver.
 */
import { availableParallelism } from 'node:os';
import { inspect } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { PlanNode } from '../../src/rdd/plan-node.js';
import { emptyMetrics, type MutableTaskMetrics } from '../../operators/task-context.js';
import { stageRdds } from '../lineage.js';
import type { TaskDescription, TaskRunResult } from '../task.js';
import { broadcastWireId } from '../closure/capture.js';
import { TaskEncoder } from './plan-encoder.js';
import { appendRelease, createReleaseLog, ReleaseKind } from './release-log.js';
import type { SchedulerBackend, Slot } from './scheduler-backend.js';
import type { WireResult } from './wire-task.js';

/** Options of the threads backend. */
export interface ThreadsBackendOptions {
  /** Worker threads per executor; default: the machine's cores shared among the executors (at least 1). */
  readonly threadsPerExecutor?: number;
  /** Limits for every worker; a task that exceeds them kills its worker and fails. */
  readonly resourceLimits?: ResourceLimits;
}

/**
 * The compiled worker module. Running from TypeScript sources (tests), workers still load the
 * build in dist/, since worker threads do not inherit a TypeScript loader.
 *
 * @example
 * ```ts
 * workerEntryPath() // '/path/to/squall/dist/scheduler/backend/worker-entry.js'
 * ```
 */
export function workerEntryPath(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return fileURLToPath(new URL('./worker-entry.js', import.meta.url));
  const root = fileURLToPath(new URL('../../', import.meta.url));
  return `${root}dist/scheduler/backend/worker-entry.js`;
}

/**
 * The abort signal piscina watches for one task: aborting it removes a queued task, or ends the
 * worker thread running it. A minimal event target, one listener, no DOM event machinery: one is
 * made per task, so it must be cheap.
 */
class TaskAbortSignal {
  aborted = false;
  reason: unknown = undefined;
  private listener: (() => void) | undefined;

  addEventListener(_type: 'abort', listener: () => void): void {
    this.listener = listener;
  }

  removeEventListener(): void {
    this.listener = undefined;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listener = this.listener;
    this.listener = undefined;
    listener?.();
  }
}

interface Running {
  readonly executorId: string;
  readonly resolve: (result: TaskRunResult) => void;
  readonly signal: TaskAbortSignal;
}

/** Worker pools kept warm between Contexts of one process (a new Context reuses idle threads). */
const idlePools = new Map<string, Piscina[]>();

/**
 * The release log every worker of this process reads (see release-log.ts): plans of finished
 * stages and unpersisted broadcasts are dropped through it. One per process, as pools are shared.
 */
const releaseLog = createReleaseLog();

/**
 * Tells every worker to drop its copy of broadcast values, by wire id (`a12`, `b3`).
 *
 * @example
 * ```ts
 * releaseBroadcastsInWorkers(['b3']);
 * ```
 */
export function releaseBroadcastsInWorkers(wireIds: readonly string[]): void {
  for (const id of wireIds) {
    const n = Number(id.slice(1));
    if (Number.isSafeInteger(n)) appendRelease(releaseLog, ReleaseKind.Broadcast, n);
  }
}

function poolKey(threads: number, limits: ResourceLimits | undefined): string {
  return `${threads}/${JSON.stringify(limits ?? {})}`;
}

/**
 * Runs tasks on worker threads: one piscina pool per executor, each worker loading the operator
 * registry at start. Contexts make it for themselves (`backend: 'threads'`, the default); the
 * scheduler calls its methods, users do not.
 *
 * @example
 * ```ts
 * const ctx = new Context({ backend: new ThreadsBackend(2, { threadsPerExecutor: 1 }) });
 * await ctx.range(10).sum(); // 45, computed on worker threads
 * await ctx.stop();
 * ```
 */
export class ThreadsBackend implements SchedulerBackend {
  readonly name = 'threads';
  private readonly pools = new Map<string, Piscina>();
  private readonly running = new Map<number, Running>();
  private readonly encoder = new TaskEncoder((planId, autoBroadcasts) => {
    appendRelease(releaseLog, ReleaseKind.Plan, planId);
    releaseBroadcastsInWorkers(autoBroadcasts);
  });
  private readonly threads: number;
  private readonly key: string;

  /**
   * @param numExecutors executors the machine's cores are shared among (when
   *   `threadsPerExecutor` is not given).
   * @example `new ThreadsBackend(2) // on 2 cores: one thread per executor`
   */
  constructor(
    numExecutors: number,
    private readonly options: ThreadsBackendOptions = {},
  ) {
    this.threads = options.threadsPerExecutor ?? Math.max(1, Math.floor(availableParallelism() / Math.max(1, numExecutors)));
    this.key = poolKey(this.threads, options.resourceLimits);
  }

  /** Starts (or reuses a warm) worker pool for the executor. @example `backend.addExecutor('0')` */
  addExecutor(executorId: string): void {
    const reused = idlePools.get(this.key)?.pop();
    const pool =
      reused ??
      new Piscina({
        filename: workerEntryPath(),
        minThreads: this.threads,
        maxThreads: this.threads,
        idleTimeout: 30_000,
        concurrentTasksPerWorker: 1,
        // geotiff and other libraries read workerData in workers; an object keeps them working.
        workerData: { releaseLog },
        ...(this.options.resourceLimits ? { resourceLimits: this.options.resourceLimits } : {}),
      });
    if (!reused) {
      // Piscina reports a worker's death here too (process.exit, an uncaught error from a timer,
      // running out of memory) and replaces the worker. The task running on it, if any, already
      // fails with that error (see workerDied) and is retried; a worker that dies between tasks
      // costs nothing. Without a listener, the event would crash the driver.
      pool.on('error', () => undefined);
    }
    this.pools.set(executorId, pool);
  }

  /** Ends the executor's pool; its running tasks resolve as lost. @example `backend.removeExecutor('0')` */
  removeExecutor(executorId: string): void {
    const pool = this.pools.get(executorId);
    this.pools.delete(executorId);
    for (const [taskId, r] of this.running) {
      if (r.executorId === executorId) {
        this.running.delete(taskId);
        r.resolve({ status: 'executorLost', message: `Executor ${executorId} was removed while the task ran` });
      }
    }
    if (pool) void pool.destroy().catch(() => undefined);
  }

  /**
   * Sends one task to the pool of its slot's executor; never rejects.
   * @example `const result = await backend.runTask(task, { executorId: '0', core: 2 }) // { status: 'success', … }`
   */
  runTask(task: TaskDescription, slot: Slot): Promise<TaskRunResult> {
    const pool = this.pools.get(slot.executorId);
    if (!pool) return Promise.resolve({ status: 'executorLost', message: `Executor ${slot.executorId} has no worker pool` });
    // Capturing the plan can throw TaskNotSerializableError: let it reach the scheduler at launch.
    const wire = this.encoder.encode(task);
    return new Promise<TaskRunResult>((resolve) => {
      const signal = new TaskAbortSignal();
      this.running.set(task.taskId, { executorId: slot.executorId, resolve, signal });
      pool.run(wire, { signal: signal as unknown as AbortSignal }).then(
        (message: WireResult) => {
          if (this.running.delete(task.taskId)) resolve(decodeResult(message, task));
        },
        (error: unknown) => {
          if (this.running.delete(task.taskId)) resolve(workerDied(error, task, slot));
        },
      );
    });
  }

  /** Aborts a queued or running task (ending its thread); it resolves as killed. @example `backend.killTask(7, 'job cancelled')` */
  killTask(taskId: number, reason: string): void {
    const r = this.running.get(taskId);
    if (!r) return;
    this.running.delete(taskId);
    r.signal.abort(reason);
    r.resolve({ status: 'killed', reason });
  }

  /** Tells workers to drop their copies of a broadcast's value. @example `backend.releaseBroadcast(table, false) // unpersist()` */
  releaseBroadcast(broadcast: object, destroyed: boolean): void {
    const id = broadcastWireId(broadcast, destroyed);
    if (id !== undefined) releaseBroadcastsInWorkers([id]);
  }

  /** Drops a finished stage attempt's plan here and in the workers. @example `backend.taskSetFinished(3, 0)` */
  taskSetFinished(stageId: number, stageAttempt: number): void {
    this.encoder.release(stageId, stageAttempt);
  }

  /** What the backend holds per stage and task: zero when no job runs. @example `backend.bookkeeping() // { stagePlans: 0, backendRunningTasks: 0 }` */
  bookkeeping(): Record<string, number> {
    return { stagePlans: this.encoder.size, backendRunningTasks: this.running.size };
  }

  /** Kills running tasks and keeps healthy pools warm for the next Context. @example `await backend.stop()` */
  async stop(): Promise<void> {
    for (const [taskId] of this.running) this.killTask(taskId, 'the context stopped');
    // Workers drop what this Context's jobs left in them before the pools serve another Context.
    appendRelease(releaseLog, ReleaseKind.All, 0);
    for (const pool of this.pools.values()) {
      // Keep healthy pools warm for the next Context of this process.
      let list = idlePools.get(this.key);
      if (!list) idlePools.set(this.key, (list = []));
      if (list.length < 4) list.push(pool);
      else await pool.destroy().catch(() => undefined);
    }
    this.pools.clear();
  }
}

/** Destroys the warm pools (the process may then exit at once). @example `await ctx.stop(); await destroyIdleWorkerPools();` */
export async function destroyIdleWorkerPools(): Promise<void> {
  const pools = [...idlePools.values()].flat();
  idlePools.clear();
  await Promise.all(pools.map((p) => p.destroy().catch(() => undefined)));
}

function decodeResult(message: WireResult, task: TaskDescription): TaskRunResult {
  const metrics = { ...emptyMetrics(), ...message.metrics } as MutableTaskMetrics;
  if (message.status === 'failed') return { ...message, metrics };
  const byId = new Map<number, PlanNode>();
  if (message.newCachedBlocks.length > 0) for (const node of stageRdds(task.rdd)) byId.set(node.id, node);
  return {
    status: 'success',
    value: message.flatNumbers ? Array.from(message.value as Float64Array) : message.value,
    shuffleBlocks: message.shuffleBlocks,
    newCachedBlocks: message.newCachedBlocks.flatMap((b) => {
      const rdd = byId.get(b.rddId);
      return rdd ? [{ rdd, partition: b.partition, records: b.records }] : [];
    }),
    accumulatorUpdates: message.accumulatorUpdates,
    metrics,
    runTime: message.runTime,
    ...(message.startedAt !== undefined ? { startedAt: message.startedAt } : {}),
    ...(message.deserializeTime !== undefined ? { deserializeTime: message.deserializeTime } : {}),
  };
}

/** Rebuilds what piscina rejected with (an Error, or an error the worker threw, as plain data). */
function asError(error: unknown): Error & { code?: unknown } {
  if (error instanceof Error) return error;
  const data = (error ?? {}) as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown };
  const shown = typeof data.message === 'string' && data.message !== '' ? data.message : inspect(error, { depth: 4 });
  const rebuilt = new Error(shown === '{}' ? 'the worker gave no details' : shown) as Error & { code?: unknown };
  if (typeof data.name === 'string') rebuilt.name = data.name;
  if (typeof data.stack === 'string') rebuilt.stack = data.stack;
  rebuilt.code = data.code;
  return rebuilt;
}

/**
 * The worker never rejects a task it ran (worker-entry.ts turns every error into a failed result),
 * so a rejection means the worker thread died under the task: process.exit, an error thrown
 * outside the task's own code, running out of memory. The task fails, counting towards its
 * maxFailures, and its retry runs on a fresh worker.
 */
function workerDied(error: unknown, task: TaskDescription, slot: Slot): TaskRunResult {
  const e = asError(error);
  const code = typeof e.code === 'string' ? e.code : undefined;
  const where = `task ${task.taskId} (partition ${task.partition}, stage ${task.stageId}) on executor ${slot.executorId}`;
  return {
    status: 'failed',
    error: {
      name: 'WorkerCrashError',
      message:
        `The worker thread running ${where} died: ${e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}${code ? ` [${code}]` : ''}. ` +
        'A task that calls process.exit(), throws from a callback outside its own code, or runs out of memory kills its worker; ' +
        'the task is retried on a fresh worker.',
      ...(e.stack !== undefined ? { stack: e.stack } : {}),
    },
    fetchFailed: undefined,
    metrics: emptyMetrics(),
    runTime: 0,
  };
}
