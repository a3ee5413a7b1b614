/**
 * Context: the entry point (Spark's SparkContext). It owns the cluster model (executors, cores,
 * block stores), the schedulers, the backend and the event bus, creates source RDDs and runs jobs.
 * Layer: context. Runs in: driver.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import { callSite } from '../core/call-site.js';
import { ContextStoppedError, IllegalArgumentError, require } from '../core/errors.js';
import { NOT_SERIALIZABLE } from '../core/not-serializable.js';
import { EventBus } from '../events/event-bus.js';
import type { ListenerEvent } from '../events/listener-events.js';
import type { PlanContext, PlanNode } from '../rdd/plan-node.js';
import { objectFileNode } from '../../operators/sources/object-file.js';
import { emptyNode, parallelizeNode, rangeNode } from '../../operators/sources/parallel-collection.js';
import { textFileNode } from '../../operators/sources/text-file.js';
import type { ResultFunction } from '../../operators/shared/result-function.js';
import { unionNode } from '../../operators/transformations/union.js';
import { InProcessBackend } from '../../scheduler/backend/in-process-backend.js';
import { ThreadsBackend, type ThreadsBackendOptions } from '../../scheduler/backend/threads-backend.js';
import { checkShippableResult } from '../../scheduler/backend/plan-encoder.js';
import { FaultInjector, type FaultInjectionOptions } from '../../scheduler/fault-injection.js';
import type { SchedulerBackend } from '../../scheduler/backend/scheduler-backend.js';
import { parseMaster, type ClusterSpec } from '../../scheduler/cluster/master-url.js';
import { DAGScheduler } from '../../scheduler/dag-scheduler.js';
import { BlockStore } from '../../scheduler/storage/block-store.js';
import { TaskScheduler } from '../../scheduler/task-scheduler.js';
import { Accumulator, numberParam, type AccumulatorParam } from './accumulator.js';
import { Broadcast } from './broadcast.js';
import { prepareLineage } from './prepare-lineage.js';
import { RDD } from './rdd.js';

/** Options of a Context. */
export interface ContextOptions {
  /** Spark master URL; default `local-cluster[2,6]` (two executors of six cores). */
  readonly master?: string;
  readonly appName?: string;
  /** Default number of partitions (Spark's spark.default.parallelism); default: total cores. */
  readonly defaultParallelism?: number;
  /** Attempts per task before its stage aborts (spark.task.maxFailures); default from the master. */
  readonly maxFailures?: number;
  /** Milliseconds a task waits for the executor caching its partition (spark.locality.wait); default 3000. */
  readonly localityWait?: number;
  /**
   * What runs tasks: `'threads'` (worker threads, one pool per executor: real parallelism),
   * `'inprocess'` (the driver's own thread: deterministic, easy to debug), or a backend instance.
   * Default: the SQUALL_BACKEND environment variable if set, else `'threads'`.
   */
  readonly backend?: 'threads' | 'inprocess' | SchedulerBackend;
  /** Settings of the threads backend (threads per executor, worker resource limits). */
  readonly threads?: ThreadsBackendOptions;
  /** A reproducible fault schedule: transient task failures and executor kills (for tests and demos). */
  readonly faultInjection?: FaultInjectionOptions;
}

/**
 * The backend a Context uses when its options name none: `SQUALL_BACKEND` if set, else `threads`.
 *
 * @example
 * ```ts
 * process.env.SQUALL_BACKEND = 'inprocess';
 * defaultBackendName() // 'inprocess'
 * ```
 */
export function defaultBackendName(): 'threads' | 'inprocess' {
  const fromEnv = process.env.SQUALL_BACKEND;
  if (fromEnv === 'threads' || fromEnv === 'inprocess') return fromEnv;
  if (fromEnv !== undefined && fromEnv !== '') {
    throw new IllegalArgumentError(`SQUALL_BACKEND must be "threads" or "inprocess", got "${fromEnv}".`);
  }
  return 'threads';
}

/** Options every action accepts. */
export interface ActionOptions {
  /** Cancels the action's job(s) when aborted. */
  readonly signal?: AbortSignal;
}

/** An executor as the Context models it. */
export interface ExecutorInfo {
  readonly executorId: string;
  readonly host: string;
  readonly totalCores: number;
}

/**
 * The entry point of squall.
 *
 * @example
 * ```ts
 * const ctx = new Context({ master: 'local-cluster[2,6]' });
 * const total = await ctx.parallelize([1, 2, 3, 4]).map((x) => x * 2).sum(); // 20
 * await ctx.stop();
 * ```
 */
export class Context implements PlanContext {
  readonly master: string;
  readonly appName: string;
  readonly defaultParallelism: number;
  /** True when `defaultParallelism` was given, so shuffles use it instead of the parent's width. */
  readonly parallelismIsSet: boolean;
  readonly cluster: ClusterSpec;
  /**
   * Every listener event (jobs, stages, tasks, executors, blocks) from the moment of subscription,
   * as an rxjs Observable. The executors that joined before (the first ones join in the
   * constructor) are listed by `executors()`.
   */
  readonly events: Observable<ListenerEvent>;
  private readonly bus = new EventBus();
  private readonly backend: SchedulerBackend;
  private readonly taskScheduler: TaskScheduler;
  private readonly dagScheduler: DAGScheduler;
  private readonly blockStores = new Map<string, BlockStore>();
  private readonly accumulators = new Map<number, Accumulator<unknown>>();
  private readonly scratchDir: string;
  private nextRddId = 0;
  private nextShuffleId = 0;
  private nextBroadcastId = 0;
  private nextAccumulatorId = 0;
  private nextExecutorId = 0;
  private stopped = false;

  /**
   * Starts a context: parses the master URL, starts the backend and adds the executors.
   *
   * @throws IllegalArgumentError for a bad master URL, parallelism, maxFailures, localityWait or
   *   backend name, naming the value and what is allowed.
   *
   * @example
   * ```ts
   * const ctx = new Context({ master: 'local[4]', backend: 'inprocess', appName: 'demo' });
   * ctx.defaultParallelism // 4
   * await ctx.stop();
   * ```
   */
  constructor(options: ContextOptions = {}) {
    this.cluster = parseMaster(options.master ?? 'local-cluster[2,6]');
    this.master = this.cluster.master;
    this.appName = options.appName ?? 'squall';
    const totalCores = this.cluster.numExecutors * this.cluster.coresPerExecutor;
    if (options.defaultParallelism !== undefined) {
      require(
        Number.isInteger(options.defaultParallelism) && options.defaultParallelism >= 1,
        () => `defaultParallelism must be an integer >= 1, got ${String(options.defaultParallelism)}.`,
      );
    }
    this.defaultParallelism = options.defaultParallelism ?? totalCores;
    this.parallelismIsSet = options.defaultParallelism !== undefined;
    const maxFailures = options.maxFailures ?? this.cluster.maxFailures;
    require(Number.isInteger(maxFailures) && maxFailures >= 1, () => `maxFailures must be an integer >= 1, got ${maxFailures}.`);
    const localityWait = options.localityWait ?? 3000;
    require(localityWait >= 0, () => `localityWait must be >= 0 ms, got ${localityWait}.`);
    this.events = this.bus.events;
    this.scratchDir = mkdtempSync(join(tmpdir(), 'squall-'));
    const backend = options.backend ?? defaultBackendName();
    if (typeof backend === 'string') {
      require(backend === 'threads' || backend === 'inprocess', () => `backend must be "threads", "inprocess" or a SchedulerBackend, got "${backend}".`);
    }
    this.backend =
      backend === 'inprocess' ? new InProcessBackend() : backend === 'threads' ? new ThreadsBackend(this.cluster.numExecutors, options.threads) : backend;
    this.taskScheduler = new TaskScheduler(this.backend, this.bus, localityWait);
    if (options.faultInjection) {
      this.taskScheduler.faults = new FaultInjector(options.faultInjection, maxFailures);
      this.taskScheduler.onKillExecutor = (id) => {
        if (!this.stopped && this.blockStores.has(id)) this.killExecutor(id);
      };
    }
    Object.defineProperty(this, NOT_SERIALIZABLE, { value: true });
    this.dagScheduler = new DAGScheduler({
      taskScheduler: this.taskScheduler,
      bus: this.bus,
      blockStores: this.blockStores,
      maxFailures,
      localityWait,
      applyAccumulatorUpdates: (updates) => {
        for (const [id, value] of updates) this.accumulators.get(id)?.merge(value);
      },
    });
    for (let i = 0; i < this.cluster.numExecutors; i++) this.addExecutor();
  }

  /** Name of the backend running tasks (`inprocess` or `threads`). @example `new Context().backendName // 'threads'` */
  get backendName(): string {
    return this.backend.name;
  }

  /**
   * True when tasks run in other threads, so their functions must be captured and shipped.
   * @example `new Context({ backend: 'inprocess' }).shipsClosures // false`
   */
  get shipsClosures(): boolean {
    return this.backend.name !== 'inprocess';
  }

  // ---- PlanContext ----------------------------------------------------------------------------

  /** @internal */
  newRddId(): number {
    return this.nextRddId++;
  }
  /** @internal */
  newShuffleId(): number {
    return this.nextShuffleId++;
  }

  private checkRunning(what: string): void {
    if (this.stopped) throw new ContextStoppedError(what);
  }

  // ---- sources --------------------------------------------------------------------------------

  /**
   * Distributes a local collection as an RDD of `numSlices` partitions (Spark's slicing rule).
   * The data is copied, so later changes to `data` do not show.
   *
   * @example
   * ```ts
   * await ctx.parallelize([1, 2, 3, 4, 5, 6, 7], 4).glom().collect() // [[1], [2, 3], [4, 5], [6, 7]]
   * ```
   */
  parallelize<T>(data: ArrayLike<T> | Iterable<T>, numSlices: number = this.defaultParallelism): RDD<T> {
    this.checkRunning('parallelize');
    const items = isArrayLike(data) ? data : Array.from(data as Iterable<T>);
    return new RDD<T>(this, parallelizeNode(this, items, numSlices, callSite('parallelize')));
  }

  /**
   * The integers from `start` up to `end` (exclusive) by `step`; with one argument, 0 up to it.
   *
   * @example
   * ```ts
   * await ctx.range(5).collect() // [0, 1, 2, 3, 4]
   * await ctx.range(2, 10, 3).collect() // [2, 5, 8]
   * ```
   */
  range(start: number, end?: number, step = 1, numSlices: number = this.defaultParallelism): RDD<number> {
    this.checkRunning('range');
    const [from, to] = end === undefined ? [0, start] : [start, end];
    return new RDD<number>(this, rangeNode(this, from, to, step, numSlices, callSite('range')));
  }

  /**
   * An RDD with no partitions.
   *
   * @example
   * ```ts
   * ctx.emptyRDD().getNumPartitions() // 0
   * ```
   */
  emptyRDD<T = never>(): RDD<T> {
    this.checkRunning('emptyRDD');
    return new RDD<T>(this, emptyNode(this, callSite('emptyRDD')));
  }

  /**
   * The union of several RDDs (duplicates kept).
   *
   * @example
   * ```ts
   * await ctx.union([ctx.parallelize([1]), ctx.parallelize([2])]).collect() // [1, 2]
   * ```
   */
  union<T>(rdds: ReadonlyArray<RDD<T>>): RDD<T> {
    this.checkRunning('union');
    require(Array.isArray(rdds) && rdds.length > 0, 'union needs a non-empty array of RDDs.');
    for (const r of rdds) require(r instanceof RDD && r.context === this, 'union: every RDD must belong to this Context.');
    return new RDD<T>(this, unionNode(this, rdds.map((r) => r.node), callSite('union')));
  }

  /**
   * The lines of a text file, or of every file in a folder (files starting with `_` or `.` are skipped).
   *
   * @example
   * ```ts
   * const lines = ctx.textFile('data/notes.txt'); await lines.count();
   * ```
   */
  textFile(path: string, minPartitions: number = Math.min(this.defaultParallelism, 2)): RDD<string> {
    this.checkRunning('textFile');
    return new RDD<string>(this, textFileNode(this, path, minPartitions, callSite('textFile')));
  }

  /**
   * Records written by `saveAsObjectFile`, one partition per part file.
   *
   * @example
   * ```ts
   * await rdd.saveAsObjectFile('/tmp/out'); await ctx.objectFile('/tmp/out').collect();
   * ```
   */
  objectFile<T = unknown>(path: string): RDD<T> {
    this.checkRunning('objectFile');
    return new RDD<T>(this, objectFileNode(this, path, callSite('objectFile')));
  }

  /**
   * A read-only value shared by tasks.
   *
   * @example
   * ```ts
   * const factor = ctx.broadcast(3); await ctx.parallelize([1, 2]).map((x) => x * factor.value).collect() // [3, 6]
   * ```
   */
  broadcast<T>(value: T): Broadcast<T> {
    this.checkRunning('broadcast');
    return new Broadcast<T>(this.nextBroadcastId++, value, (b, destroyed) => this.backend.releaseBroadcast?.(b, destroyed));
  }

  /**
   * An add-only variable (numbers by default; pass a param to add other types).
   *
   * @example
   * ```ts
   * const acc = ctx.accumulator(0); await ctx.parallelize([1, 2, 3]).foreach((x) => acc.add(x)); acc.value // 6
   * ```
   */
  accumulator<T = number>(initial: T, param?: AccumulatorParam<T>): Accumulator<T> {
    this.checkRunning('accumulator');
    const p = param ?? (typeof initial === 'number' ? (numberParam as unknown as AccumulatorParam<T>) : undefined);
    require(p !== undefined, () => `accumulator(${String(initial)}) needs an AccumulatorParam for non-number values: pass { zero, addInPlace }.`);
    const acc = new Accumulator<T>(this.nextAccumulatorId++, initial, p);
    this.accumulators.set(acc.id, acc as Accumulator<unknown>);
    return acc;
  }

  // ---- executors ------------------------------------------------------------------------------

  private addExecutor(): ExecutorInfo {
    const executorId = String(this.nextExecutorId++);
    const host = 'localhost';
    this.blockStores.set(executorId, new BlockStore(executorId, join(this.scratchDir, `executor-${executorId}`)));
    this.taskScheduler.addExecutor(executorId, host, this.cluster.coresPerExecutor);
    this.bus.post({ type: 'executorAdded', time: Date.now(), executorId, host, totalCores: this.cluster.coresPerExecutor });
    return { executorId, host, totalCores: this.cluster.coresPerExecutor };
  }

  /**
   * The live executors (the first ones join in the constructor, before any subscriber can see
   * their `executorAdded` events).
   * @example `new Context().executors() // [{ executorId: '0', host: 'localhost', totalCores: 6 }, { executorId: '1', … }]`
   */
  executors(): ExecutorInfo[] {
    return [...this.taskScheduler.executors.values()].map((e) => ({ executorId: e.id, host: e.host, totalCores: e.cores }));
  }

  /**
   * Kills an executor: its running tasks fail, its cached blocks and shuffle outputs are lost, and
   * a replacement executor joins. Lost work is recomputed from lineage when needed.
   *
   * @example
   * ```ts
   * const job = rdd.count(); ctx.killExecutor('0'); await job // still the right count
   * ```
   */
  killExecutor(executorId: string): ExecutorInfo {
    this.checkRunning('killExecutor');
    require(this.blockStores.has(executorId), () => `No live executor "${executorId}"; live executors: ${[...this.blockStores.keys()].join(', ')}.`);
    this.blockStores.get(executorId)?.clear();
    this.blockStores.delete(executorId);
    this.taskScheduler.removeExecutor(executorId);
    this.bus.post({ type: 'executorRemoved', time: Date.now(), executorId, reason: 'killed by killExecutor' });
    this.dagScheduler.executorLost(executorId);
    const replacement = this.addExecutor();
    this.taskScheduler.reviveOffers();
    return replacement;
  }

  // ---- jobs -----------------------------------------------------------------------------------

  /**
   * Runs `resultFunction` on `partitions` of `rdd` and returns one result per partition, in order.
   * Resolves any sampling a lazy RDD needs (sortByKey's bounds, zipWithIndex's offsets) first.
   * @internal
   */
  async runJob<R>(rdd: RDD<unknown>, resultFunction: ResultFunction<R>, partitions?: readonly number[], options: ActionOptions & { description?: string } = {}): Promise<R[]> {
    this.checkRunning('run a job');
    const signal: unknown = options.signal;
    require(
      signal === undefined || signal instanceof AbortSignal,
      () => `The signal option of an action must be an AbortSignal (for example new AbortController().signal), got ${typeof signal === 'object' ? Object.prototype.toString.call(signal) : String(signal)}.`,
    );
    const parts = partitions ?? Array.from({ length: rdd.node.numPartitions }, (_, i) => i);
    for (const p of parts) {
      require(
        Number.isInteger(p) && p >= 0 && p < rdd.node.numPartitions,
        () => `Attempting to access a non-existent partition: ${p}. Total number of partitions: ${rdd.node.numPartitions}.`,
      );
    }
    const description = options.description ?? callSite(resultFunction.name);
    // A function given to the action that cannot travel fails here, before any job is submitted.
    if (this.shipsClosures) checkShippableResult(resultFunction, description);
    await prepareLineage(this, rdd.node, options);
    const results = new Array<R>(parts.length);
    await this.dagScheduler.submitJob({
      rdd: rdd.node,
      partitions: parts,
      resultFunction: resultFunction as ResultFunction,
      resultHandler: (index, value) => {
        results[index] = value as R;
      },
      description,
      signal: options.signal,
    });
    return results;
  }

  /** @internal Unpersists `node`'s blocks on every executor. */
  removeRddBlocks(node: PlanNode): void {
    for (const store of this.blockStores.values()) {
      for (const blockId of store.removeRdd(node.id)) {
        this.bus.post({ type: 'blockUpdated', time: Date.now(), blockId, executorId: store.executorId, storageLevel: 'NONE', memSize: 0, diskSize: 0 });
      }
    }
  }

  /** @internal Cached partitions of `node`: count and sizes, for toDebugString and the UI. */
  cachedPartitions(node: PlanNode): { count: number; memSize: number; diskSize: number } {
    let count = 0;
    let memSize = 0;
    let diskSize = 0;
    for (const store of this.blockStores.values()) {
      for (const b of store.rddBlockSizes(node.id)) {
        count++;
        memSize += b.memSize;
        diskSize += b.diskSize;
      }
    }
    return { count, memSize, diskSize };
  }

  /**
   * Sizes of the schedulers' per-job structures and running tasks: all zero when no job runs.
   *
   * @example
   * ```ts
   * await rdd.count(); Object.values(ctx.bookkeeping()).every((n) => n === 0) // true
   * ```
   */
  bookkeeping(): Record<string, number> {
    const busyCores = [...this.taskScheduler.executors.values()].reduce((n, e) => n + (e.cores - e.freeCores.length), 0);
    return {
      ...this.dagScheduler.bookkeeping(),
      runningTasks: this.taskScheduler.runningTasks.size,
      taskSets: this.taskScheduler.taskSets.length,
      busyCores,
      ...this.backend.bookkeeping?.(),
    };
  }

  /**
   * The most tasks that ever ran at once on one executor (never above its cores).
   * @example `await ctx.range(100, undefined, 1, 24).count(); ctx.maxConcurrentTasksPerExecutor // 6`
   */
  get maxConcurrentTasksPerExecutor(): number {
    return this.taskScheduler.maxConcurrentPerExecutor;
  }

  /**
   * Stops the context: cancels running jobs, stops the backend and deletes scratch files.
   *
   * @example
   * ```ts
   * await ctx.stop();
   * ```
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.dagScheduler.cancelAllJobs('the context stopped');
    this.dagScheduler.stop();
    this.taskScheduler.stop();
    await this.backend.stop();
    for (const store of this.blockStores.values()) store.clear();
    this.blockStores.clear();
    rmSync(this.scratchDir, { recursive: true, force: true });
    this.bus.complete();
  }

  /** True once `stop()` was called. @example `await ctx.stop(); ctx.isStopped // true` */
  get isStopped(): boolean {
    return this.stopped;
  }
}

function isArrayLike<T>(data: unknown): data is ArrayLike<T> {
  return Array.isArray(data) || ArrayBuffer.isView(data);
}
