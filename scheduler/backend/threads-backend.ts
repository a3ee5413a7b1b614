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
import { TaskEncoder } from './plan-encoder.js';
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
 */
export function workerEntryPath(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return fileURLToPath(new URL('./worker-entry.js', import.meta.url));
  const root = fileURLToPath(new URL('../../', import.meta.url));
  return `${root}dist/scheduler/backend/worker-entry.js`;
}

interface Running {
  readonly executorId: string;
  readonly resolve: (result: TaskRunResult) => void;
  readonly controller: AbortController;
}

/** Worker pools kept warm between Contexts of one process (a new Context reuses idle threads). */
const idlePools = new Map<string, Piscina[]>();

function poolKey(threads: number, limits: ResourceLimits | undefined): string {
  return `${threads}/${JSON.stringify(limits ?? {})}`;
}

export class ThreadsBackend implements SchedulerBackend {
  readonly name = 'threads';
  private readonly pools = new Map<string, Piscina>();
  private readonly running = new Map<number, Running>();
  private readonly encoder = new TaskEncoder();
  private readonly threads: number;
  private readonly key: string;

  constructor(
    numExecutors: number,
    private readonly options: ThreadsBackendOptions = {},
  ) {
    this.threads = options.threadsPerExecutor ?? Math.max(1, Math.floor(availableParallelism() / Math.max(1, numExecutors)));
    this.key = poolKey(this.threads, options.resourceLimits);
  }

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
        workerData: {},
        ...(this.options.resourceLimits ? { resourceLimits: this.options.resourceLimits } : {}),
      });
    if (!reused) {
      // A worker answering for a task that was already killed (its result is ignored) makes
      // piscina emit 'error'; without a listener that would crash the driver.
      pool.on('error', (error: unknown) => {
        if (!String((error as Error)?.message).startsWith('Unexpected message from Worker')) throw error;
      });
    }
    this.pools.set(executorId, pool);
  }

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

  runTask(task: TaskDescription, slot: Slot): Promise<TaskRunResult> {
    const pool = this.pools.get(slot.executorId);
    if (!pool) return Promise.resolve({ status: 'executorLost', message: `Executor ${slot.executorId} has no worker pool` });
    // Capturing the plan can throw TaskNotSerializableError: let it reach the scheduler at launch.
    const wire = this.encoder.encode(task);
    return new Promise<TaskRunResult>((resolve) => {
      const controller = new AbortController();
      this.running.set(task.taskId, { executorId: slot.executorId, resolve, controller });
      pool.run(wire, { signal: controller.signal }).then(
        (message: WireResult) => {
          if (this.running.delete(task.taskId)) resolve(decodeResult(message, task));
        },
        (error: unknown) => {
          if (this.running.delete(task.taskId)) resolve(workerDied(error, task, slot));
        },
      );
    });
  }

  killTask(taskId: number, reason: string): void {
    const r = this.running.get(taskId);
    if (!r) return;
    this.running.delete(taskId);
    r.controller.abort(reason);
    r.resolve({ status: 'killed', reason });
  }

  async stop(): Promise<void> {
    for (const [taskId] of this.running) this.killTask(taskId, 'the context stopped');
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

/** Destroys the warm pools (the process may then exit at once). */
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
    value: message.value,
    shuffleBlocks: message.shuffleBlocks,
    newCachedBlocks: message.newCachedBlocks.flatMap((b) => {
      const rdd = byId.get(b.rddId);
      return rdd ? [{ rdd, partition: b.partition, records: b.records }] : [];
    }),
    accumulatorUpdates: message.accumulatorUpdates,
    metrics,
    runTime: message.runTime,
  };
}

/** Rebuilds what piscina rejected with (an Error, or an error the worker threw, as plain data). */
function asError(error: unknown): Error & { code?: unknown } {
  if (error instanceof Error) return error;
  const data = (error ?? {}) as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown };
  const rebuilt = new Error(typeof data.message === 'string' ? data.message : inspect(error, { depth: 4 })) as Error & { code?: unknown };
  if (typeof data.name === 'string') rebuilt.name = data.name;
  if (typeof data.stack === 'string') rebuilt.stack = data.stack;
  rebuilt.code = data.code;
  return rebuilt;
}

/**
 * A task whose worker died (process.exit, an uncaught error, out of memory) or that failed before
 * it started (its plan could not be rebuilt) fails, counting towards the task's maxFailures.
 */
function workerDied(error: unknown, task: TaskDescription, slot: Slot): TaskRunResult {
  const e = asError(error);
  const code = typeof e.code === 'string' ? e.code : undefined;
  const crashed = code?.startsWith('ERR_WORKER') === true || /exit|terminat/i.test(e.message);
  const where = `task ${task.taskId} (partition ${task.partition}, stage ${task.stageId}) on executor ${slot.executorId}`;
  return {
    status: 'failed',
    error: crashed
      ? {
          name: 'WorkerCrashError',
          message:
            `The worker thread running ${where} died: ${e.message}${code ? ` [${code}]` : ''}. A task that calls process.exit(), ` +
            'throws from a callback outside the task, or runs out of memory kills its worker; the task is retried on a fresh worker.',
          ...(e.stack !== undefined ? { stack: e.stack } : {}),
        }
      : { name: e.name, message: `Could not start ${where} in its worker: ${e.message}`, ...(e.stack !== undefined ? { stack: e.stack } : {}) },
    fetchFailed: undefined,
    metrics: emptyMetrics(),
    runTime: 0,
  };
}
