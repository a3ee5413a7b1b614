/**
 * DAGScheduler: turns an action into a job of stages, cut at shuffle dependencies, and submits each
 * stage's missing tasks once its parent stages' outputs exist. Runs on the driver's single thread:
 * every handler below runs to completion before the next event, like Spark's event loop.
 * Layer: scheduler. Runs in: driver.
 *
 * Key concepts
 * - Job: one action over some partitions of an RDD. Its result stage runs the action's function.
 * - Stage: pipelined narrow RDDs. A shuffle-map stage writes a shuffle; outputs are tracked by the
 *   MapOutputTracker and outlive the job, so a later job lists the stage but skips it.
 * - Stage ids grow from sources towards the result stage (parents are created first).
 * - Failures: a task that throws is retried by its TaskSetManager up to maxFailures times, then the
 *   stage aborts and every job needing it fails. A fetch failure (lost map output) resubmits the
 *   map stage after 200 ms, up to 4 attempts in a row.
 * - Cached partitions are stored, on success, by the executor that computed them.
 *
 * When changing this file: each map or set below must be emptied when its job ends
 * (cleanupJob) and listed in `bookkeeping()`, which the tests assert empty after every job.
 */
import { JobAbortedError, JobCancelledError, RemoteTaskError } from '../src/core/errors.js';
import type { EventBus } from '../src/events/event-bus.js';
import type { PlanNode, ShuffleDependency } from '../src/rdd/plan-node.js';
import type { ResultFunction } from '../operators/shared/result-function.js';
import { sliceOf } from '../operators/sources/parallel-collection.js';
import { immediateShuffleDependencies, walkTaskLineage } from './lineage.js';
import { ResultStage, ShuffleMapStage, type ActiveJob, type Stage } from './stage.js';
import { BlockStore, rddBlockId } from './storage/block-store.js';
import { MapOutputTracker } from './storage/map-output-tracker.js';
import type { TaskDescription, TaskInputs, TaskRunResult } from './task.js';
import type { RunningTask, TaskScheduler, TaskSchedulerListener } from './task-scheduler.js';
import { TaskSetManager } from './task-set-manager.js';

/** Spark's RESUBMIT_TIMEOUT and spark.stage.maxConsecutiveAttempts. */
const RESUBMIT_TIMEOUT_MS = 200;
const MAX_CONSECUTIVE_STAGE_ATTEMPTS = 4;

/** What the DAGScheduler needs from the context. */
export interface DAGSchedulerOptions {
  readonly taskScheduler: TaskScheduler;
  readonly bus: EventBus;
  readonly blockStores: Map<string, BlockStore>;
  readonly maxFailures: number;
  readonly localityWait: number;
  /** Applies accumulator updates of a successful task on the driver. */
  readonly applyAccumulatorUpdates: (updates: ReadonlyArray<readonly [number, unknown]>) => void;
}

/** A job to submit. */
export interface JobRequest {
  readonly rdd: PlanNode;
  readonly partitions: readonly number[];
  readonly resultFunction: ResultFunction;
  readonly resultHandler: (index: number, result: unknown) => void;
  readonly description: string;
  readonly signal?: AbortSignal | undefined;
}

export class DAGScheduler implements TaskSchedulerListener {
  private nextJobId = 0;
  private nextStageId = 0;
  readonly mapOutputTracker = new MapOutputTracker();
  private readonly shuffleIdToMapStage = new Map<number, ShuffleMapStage>();
  private readonly stageIdToStage = new Map<number, Stage>();
  private readonly jobIdToStageIds = new Map<number, Set<number>>();
  private readonly waitingStages = new Set<Stage>();
  private readonly runningStages = new Set<Stage>();
  private readonly failedStages = new Set<Stage>();
  private readonly activeJobs = new Map<number, ActiveJob>();
  private readonly stageManagers = new Map<Stage, TaskSetManager>();
  private resubmitTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: DAGSchedulerOptions) {
    options.taskScheduler.listener = this;
  }

  /** Runs a job; resolves when every partition's result was handed to `resultHandler`. */
  submitJob(request: JobRequest): Promise<void> {
    const jobId = this.nextJobId++;
    const { bus } = this.options;
    return new Promise<void>((resolve, reject) => {
      if (request.signal?.aborted) {
        reject(new JobCancelledError(`Job ${jobId} cancelled before it started: ${String(request.signal.reason ?? 'aborted')}`, jobId));
        return;
      }
      if (request.partitions.length === 0) {
        const time = Date.now();
        bus.post({ type: 'jobStart', time, jobId, description: request.description, stageIds: [], stageInfos: [] });
        bus.post({ type: 'jobEnd', time, jobId, result: 'succeeded', skippedStageIds: [] });
        resolve();
        return;
      }
      let finalStage: ResultStage;
      try {
        finalStage = this.createResultStage(request, jobId);
      } catch (error) {
        this.cleanupStages(jobId);
        reject(error as Error);
        return;
      }
      const stageIds = [...(this.jobIdToStageIds.get(jobId) ?? [])].sort((a, b) => a - b);
      const job: ActiveJob = {
        jobId,
        finalStage,
        description: request.description,
        finished: request.partitions.map(() => false),
        numFinished: 0,
        resultHandler: request.resultHandler,
        resolve,
        reject,
        submittedStageIds: new Set(),
        stageIds,
        detachSignal: undefined,
      };
      finalStage.job = job;
      this.activeJobs.set(jobId, job);
      if (request.signal) {
        const signal = request.signal;
        const onAbort = () => this.cancelJob(jobId, String(signal.reason ?? 'aborted'));
        signal.addEventListener('abort', onAbort, { once: true });
        job.detachSignal = () => signal.removeEventListener('abort', onAbort);
      }
      bus.post({
        type: 'jobStart',
        time: Date.now(),
        jobId,
        description: request.description,
        stageIds,
        stageInfos: stageIds.map((id) => (this.stageIdToStage.get(id) as Stage).info()),
      });
      this.submitStage(finalStage);
    });
  }

  /** Cancels a running job; its promise rejects with JobCancelledError. */
  cancelJob(jobId: number, reason: string): void {
    const job = this.activeJobs.get(jobId);
    if (!job) return;
    this.failJob(job, new JobCancelledError(`Job ${jobId} cancelled: ${reason}`, jobId), 'cancelled');
  }

  /** Cancels every active job (the context is stopping). */
  cancelAllJobs(reason: string): void {
    for (const jobId of [...this.activeJobs.keys()]) this.cancelJob(jobId, reason);
  }

  // ---- stage creation -------------------------------------------------------------------------

  private createResultStage(request: JobRequest, jobId: number): ResultStage {
    const parents = this.getOrCreateParentStages(request.rdd, jobId);
    const stage = new ResultStage(this.nextStageId++, request.rdd, request.partitions, request.resultFunction, parents, jobId, request.description);
    this.registerStage(stage, jobId);
    return stage;
  }

  private getOrCreateParentStages(rdd: PlanNode, jobId: number): ShuffleMapStage[] {
    return immediateShuffleDependencies(rdd).map((dep) => this.getOrCreateShuffleMapStage(dep, jobId));
  }

  private getOrCreateShuffleMapStage(dep: ShuffleDependency, jobId: number): ShuffleMapStage {
    const existing = this.shuffleIdToMapStage.get(dep.shuffleId);
    if (existing) {
      this.addJobToStage(existing, jobId);
      return existing;
    }
    const parents = this.getOrCreateParentStages(dep.parent, jobId);
    const numMaps = dep.parent.numPartitions;
    this.mapOutputTracker.registerShuffle(dep.shuffleId, numMaps);
    const stage = new ShuffleMapStage(this.nextStageId++, dep.parent, parents, jobId, dep, () =>
      this.mapOutputTracker.missingMapIds(dep.shuffleId, numMaps),
    );
    this.shuffleIdToMapStage.set(dep.shuffleId, stage);
    this.registerStage(stage, jobId);
    return stage;
  }

  private registerStage(stage: Stage, jobId: number): void {
    this.stageIdToStage.set(stage.id, stage);
    this.addJobToStage(stage, jobId);
  }

  private addJobToStage(stage: Stage, jobId: number): void {
    const stack: Stage[] = [stage];
    while (stack.length > 0) {
      const s = stack.pop() as Stage;
      s.jobIds.add(jobId);
      let ids = this.jobIdToStageIds.get(jobId);
      if (!ids) this.jobIdToStageIds.set(jobId, (ids = new Set()));
      ids.add(s.id);
      stack.push(...s.parents);
    }
  }

  // ---- submitting -----------------------------------------------------------------------------

  private submitStage(stage: Stage): void {
    if (this.waitingStages.has(stage) || this.runningStages.has(stage) || this.failedStages.has(stage)) return;
    if (!this.jobForStage(stage)) return;
    const missing = this.missingParentStages(stage);
    if (missing.length === 0) {
      this.submitMissingTasks(stage);
      return;
    }
    for (const parent of missing) this.submitStage(parent);
    this.waitingStages.add(stage);
  }

  /** Parent stages whose output is missing; RDDs cached in full hide their own parents. */
  private missingParentStages(stage: Stage): ShuffleMapStage[] {
    const missing = new Map<number, ShuffleMapStage>();
    const seen = new Set<number>();
    const stack = [stage.rdd];
    const jobId = this.jobForStage(stage)?.jobId ?? stage.firstJobId;
    while (stack.length > 0) {
      const node = stack.pop() as PlanNode;
      if (seen.has(node.id)) continue;
      seen.add(node.id);
      if (node.storageLevel.isValid && this.allPartitionsCached(node)) continue;
      for (const dep of node.deps) {
        if (dep.type === 'narrow') stack.push(dep.parent);
        else {
          const mapStage = this.getOrCreateShuffleMapStage(dep, jobId);
          if (!mapStage.isAvailable) missing.set(mapStage.id, mapStage);
        }
      }
    }
    return [...missing.values()].sort((a, b) => a.id - b.id);
  }

  private allPartitionsCached(node: PlanNode): boolean {
    for (let p = 0; p < node.numPartitions; p++) if (this.findCachedBlock(node.id, p) === undefined) return false;
    return true;
  }

  private findCachedBlock(rddId: number, partition: number, prefer?: string): BlockStore | undefined {
    const stores = this.options.blockStores;
    if (prefer !== undefined) {
      const own = stores.get(prefer);
      if (own?.hasRddBlock(rddId, partition)) return own;
    }
    for (const store of stores.values()) if (store.hasRddBlock(rddId, partition)) return store;
    return undefined;
  }

  /** The earliest active job that needs `stage`. */
  private jobForStage(stage: Stage): ActiveJob | undefined {
    let best: ActiveJob | undefined;
    for (const jobId of stage.jobIds) {
      const job = this.activeJobs.get(jobId);
      if (job && (!best || job.jobId < best.jobId)) best = job;
    }
    return best;
  }

  private submitMissingTasks(stage: Stage): void {
    const job = this.jobForStage(stage);
    if (!job) return;
    const partitions = stage.findMissingPartitions();
    stage.latestAttempt++;
    stage.submissionTime = Date.now();
    stage.pendingPartitions.clear();
    for (const p of partitions) stage.pendingPartitions.add(p);
    this.runningStages.add(stage);
    for (const jobId of stage.jobIds) this.activeJobs.get(jobId)?.submittedStageIds.add(stage.id);
    this.options.bus.post({ type: 'stageSubmitted', time: stage.submissionTime, jobId: job.jobId, stageInfo: stage.info() });
    if (partitions.length === 0) {
      this.markStageFinished(stage);
      this.submitWaitingChildren();
      return;
    }
    const preferred = partitions.map((p) => this.preferredExecutors(stage, p));
    const manager = new TaskSetManager(
      stage,
      stage.latestAttempt,
      job.jobId,
      partitions,
      preferred,
      this.options.maxFailures,
      this.options.localityWait,
      performance.now(),
    );
    this.stageManagers.set(stage, manager);
    this.options.taskScheduler.submitTaskSet(manager);
  }

  /** Executors holding a cached partition that the task would read (Spark's getPreferredLocs). */
  private preferredExecutors(stage: Stage, partition: number): string[] {
    if (!stage.hasPersistedRdd) return [];
    const found = new Set<string>();
    walkTaskLineage(stage.rdd, partition, (node, split) => {
      if (!node.storageLevel.isValid) return true;
      for (const store of this.options.blockStores.values()) if (store.hasRddBlock(node.id, split)) found.add(store.executorId);
      return found.size === 0;
    });
    return [...found];
  }

  // ---- building tasks (called by the TaskScheduler at launch) ----------------------------------

  buildTask(manager: TaskSetManager, index: number, taskId: number, attempt: number, executorId: string): TaskDescription {
    const stage = manager.stage;
    const partition = manager.partitions[index] as number;
    const isResult = stage instanceof ResultStage;
    return {
      taskId,
      jobId: this.jobForStage(stage)?.jobId ?? stage.firstJobId,
      stageId: stage.id,
      stageAttempt: manager.stageAttempt,
      index,
      partition,
      attempt,
      kind: isResult ? 'result' : 'shuffleMap',
      rdd: stage.rdd,
      shuffleDep: stage instanceof ShuffleMapStage ? stage.shuffleDep : undefined,
      resultFunction: isResult ? stage.resultFunction : undefined,
      inputs: this.resolveInputs(stage.rdd, partition, executorId),
    };
  }

  /** The cached blocks and shuffle blocks partition `partition` of `rdd` will read. */
  private resolveInputs(rdd: PlanNode, partition: number, executorId: string): TaskInputs {
    const cachedBlocks = new Map<string, ArrayLike<unknown>>();
    const shuffleBlocks: TaskInputs['shuffleBlocks'] = new Map();
    const sourceSlices = new Map<string, ArrayLike<unknown>>();
    walkTaskLineage(rdd, partition, (node, split) => {
      if (node.storageLevel.isValid) {
        const store = this.findCachedBlock(node.id, split, executorId);
        const records = store?.getRddBlock(node.id, split);
        if (records) {
          cachedBlocks.set(rddBlockId(node.id, split), records);
          return false;
        }
      }
      if (node.kind === 'parallelize') {
        sourceSlices.set(`${node.id}_${split}`, sliceOf(node, split));
        return false;
      }
      for (const dep of node.deps) {
        if (dep.type !== 'shuffle') continue;
        const blocks: Uint8Array[] = [];
        let missing: TaskInputs['shuffleBlocks'] extends Map<string, infer V> ? V : never = blocks;
        const outputs = this.mapOutputTracker.outputs(dep.shuffleId);
        for (let mapId = 0; mapId < dep.parent.numPartitions; mapId++) {
          const status = outputs[mapId];
          const block = status ? this.options.blockStores.get(status.executorId)?.getShuffleBlock(dep.shuffleId, mapId, split) : undefined;
          if (!block) {
            missing = { shuffleId: dep.shuffleId, mapId, executorId: status?.executorId ?? 'unknown' };
            break;
          }
          blocks.push(block);
        }
        shuffleBlocks.set(`${dep.shuffleId}_${split}`, missing);
      }
      return true;
    });
    return { cachedBlocks, shuffleBlocks, sourceSlices };
  }

  // ---- task completion ------------------------------------------------------------------------

  taskEnded(running: RunningTask, result: TaskRunResult): void {
    const { manager, task, info } = running;
    const stage = manager.stage;
    switch (result.status) {
      case 'success': {
        manager.handleSuccess(info.index);
        this.storeCachedBlocks(result.newCachedBlocks, info.executorId);
        this.handleSuccess(stage, task, result, info.executorId);
        break;
      }
      case 'killed':
        manager.handleKilled(info.index);
        break;
      case 'executorLost':
        manager.handleFailure(info.index, false);
        break;
      case 'failed': {
        if (result.fetchFailed) {
          manager.handleFailure(info.index, false);
          this.handleFetchFailure(stage, manager, result.fetchFailed);
          break;
        }
        const decision = manager.handleFailure(info.index, true);
        if (decision.abort) {
          const job = this.jobForStage(stage);
          const cause = new RemoteTaskError(result.error);
          const message =
            `Job ${job?.jobId ?? '?'} aborted due to stage failure: Task ${task.partition} in stage ${stage.id}.${manager.stageAttempt} ` +
            `failed ${decision.failures} times, most recent failure: Lost task ${task.partition}.${task.attempt} in stage ` +
            `${stage.id}.${manager.stageAttempt} (TID ${task.taskId}) (executor ${info.executorId}): ${result.error.name}: ${result.error.message}`;
          this.abortStage(stage, message, cause, { partition: task.partition, attempt: task.attempt });
        }
        break;
      }
    }
  }

  taskSetFailed(manager: TaskSetManager, error: unknown): void {
    const stage = manager.stage;
    const cause = error instanceof Error ? error : new Error(String(error));
    this.abortStage(stage, `Job aborted due to stage failure: could not launch a task of stage ${stage.id}.${manager.stageAttempt}: ${cause.message}`, cause, {});
  }

  private storeCachedBlocks(blocks: ReadonlyArray<{ rdd: PlanNode; partition: number; records: ArrayLike<unknown> }>, executorId: string): void {
    const store = this.options.blockStores.get(executorId);
    if (!store) return;
    for (const { rdd, partition, records } of blocks) {
      if (!rdd.storageLevel.isValid || store.hasRddBlock(rdd.id, partition)) continue;
      const sizes = store.putRddBlock(rdd.id, partition, rdd.storageLevel, records);
      this.options.bus.post({
        type: 'blockUpdated',
        time: Date.now(),
        blockId: rddBlockId(rdd.id, partition),
        executorId,
        storageLevel: rdd.storageLevel.name,
        ...sizes,
      });
    }
  }

  private handleSuccess(stage: Stage, task: TaskDescription, result: Extract<TaskRunResult, { status: 'success' }>, executorId: string): void {
    if (stage instanceof ResultStage) {
      const job = stage.job;
      if (!job || !this.activeJobs.has(job.jobId)) return;
      // Results of an old stage attempt still count: partitions map to the job's output slots.
      const jobIndex = stage.outputIndex.get(task.partition);
      if (jobIndex === undefined || job.finished[jobIndex]) return;
      this.options.applyAccumulatorUpdates(result.accumulatorUpdates);
      job.finished[jobIndex] = true;
      job.numFinished++;
      try {
        job.resultHandler(jobIndex, result.value);
      } catch (error) {
        this.failJob(job, error as Error, 'failed');
        return;
      }
      if (job.numFinished === job.finished.length) {
        this.markStageFinished(stage);
        this.finishJob(job);
      }
      return;
    }
    const mapStage = stage as ShuffleMapStage;
    this.options.applyAccumulatorUpdates(result.accumulatorUpdates);
    if (this.options.blockStores.has(executorId) && result.shuffleBlocks) {
      this.options.blockStores.get(executorId)?.putShuffleOutput(mapStage.shuffleDep.shuffleId, task.partition, result.shuffleBlocks);
      this.mapOutputTracker.registerMapOutput(mapStage.shuffleDep.shuffleId, task.partition, {
        executorId,
        blockSizes: result.shuffleBlocks.map((b) => b.byteLength),
      });
    }
    mapStage.pendingPartitions.delete(task.partition);
    if (this.runningStages.has(mapStage) && mapStage.pendingPartitions.size === 0) {
      this.markStageFinished(mapStage);
      if (!mapStage.isAvailable) {
        // Some output was lost (an executor died) while the stage ran: run the missing part again.
        this.submitStage(mapStage);
      } else {
        this.submitWaitingChildren();
      }
    }
  }

  private markStageFinished(stage: Stage, failureReason?: string): void {
    this.runningStages.delete(stage);
    this.stageManagers.delete(stage);
    if (failureReason === undefined) stage.failedAttempts = 0;
    const job = this.jobForStage(stage);
    this.options.bus.post({
      type: 'stageCompleted',
      time: Date.now(),
      jobId: job?.jobId ?? stage.firstJobId,
      stageInfo: stage.info({ completionTime: Date.now(), ...(failureReason !== undefined ? { failureReason } : {}) }),
    });
  }

  private submitWaitingChildren(): void {
    const ready = [...this.waitingStages]
      .filter((s) => this.missingParentStages(s).length === 0)
      .sort((a, b) => a.id - b.id);
    for (const stage of ready) {
      this.waitingStages.delete(stage);
      this.submitStage(stage);
    }
  }

  private handleFetchFailure(stage: Stage, manager: TaskSetManager, missing: { shuffleId: number; mapId: number; executorId: string }): void {
    const mapStage = this.shuffleIdToMapStage.get(missing.shuffleId);
    this.mapOutputTracker.unregisterMapOutput(missing.shuffleId, missing.mapId, missing.executorId);
    if (this.runningStages.has(stage)) {
      manager.isZombie = true;
      this.options.taskScheduler.cancelTaskSet(manager, 'a fetch failed; the stage will be resubmitted');
      stage.failedAttempts++;
      this.markStageFinished(stage, `FetchFailed: shuffle ${missing.shuffleId} map ${missing.mapId} on executor ${missing.executorId}`);
      if (stage.failedAttempts >= MAX_CONSECUTIVE_STAGE_ATTEMPTS) {
        this.abortStage(
          stage,
          `Stage ${stage.id} (${stage.name}) has failed the maximum allowable number of times: ${MAX_CONSECUTIVE_STAGE_ATTEMPTS}. ` +
            `Most recent failure reason: missing shuffle ${missing.shuffleId} output of map ${missing.mapId}`,
          undefined,
          {},
        );
        return;
      }
    }
    this.failedStages.add(stage);
    if (mapStage) this.failedStages.add(mapStage);
    if (!this.resubmitTimer) {
      this.resubmitTimer = setTimeout(() => {
        this.resubmitTimer = undefined;
        this.resubmitFailedStages();
      }, RESUBMIT_TIMEOUT_MS);
    }
  }

  private resubmitFailedStages(): void {
    const stages = [...this.failedStages].sort((a, b) => a.firstJobId - b.firstJobId || a.id - b.id);
    this.failedStages.clear();
    for (const stage of stages) this.submitStage(stage);
  }

  /** An executor is gone: forget its shuffle outputs and cached blocks (they are recomputed when needed). */
  executorLost(executorId: string): void {
    this.mapOutputTracker.removeOutputsOnExecutor(executorId);
    for (const manager of this.stageManagers.values()) manager.executorLost(executorId);
    // Shuffle-map stages already done but now missing output are resubmitted when a child needs them.
    for (const stage of this.runningStages) {
      if (stage instanceof ShuffleMapStage && stage.pendingPartitions.size === 0 && !stage.isAvailable) this.submitStage(stage);
    }
  }

  // ---- ending jobs ----------------------------------------------------------------------------

  private abortStage(stage: Stage, message: string, cause: Error | undefined, where: { partition?: number; attempt?: number }): void {
    const jobs = [...stage.jobIds].map((id) => this.activeJobs.get(id)).filter((j): j is ActiveJob => j !== undefined);
    for (const job of jobs) {
      const error = new JobAbortedError(message, { jobId: job.jobId, stageId: stage.id, ...where }, cause);
      this.failJob(job, error, 'failed', stage, message);
    }
  }

  private failJob(job: ActiveJob, error: Error, result: 'failed' | 'cancelled', failedStage?: Stage, reason?: string): void {
    if (!this.activeJobs.has(job.jobId)) return;
    const stages = [...(this.jobIdToStageIds.get(job.jobId) ?? [])].map((id) => this.stageIdToStage.get(id)).filter((s): s is Stage => !!s);
    for (const stage of stages) {
      const onlyThisJob = stage.jobIds.size === 1;
      if (!onlyThisJob && stage !== failedStage) continue;
      const manager = this.stageManagers.get(stage);
      if (manager) this.options.taskScheduler.cancelTaskSet(manager, `job ${job.jobId} ${result}`);
      if (this.runningStages.has(stage)) this.markStageFinished(stage, reason ?? `Job ${job.jobId} ${result}`);
    }
    this.endJob(job, result, error);
    job.reject(error);
  }

  private finishJob(job: ActiveJob): void {
    this.endJob(job, 'succeeded');
    job.resolve();
  }

  private endJob(job: ActiveJob, result: 'succeeded' | 'failed' | 'cancelled', error?: Error): void {
    job.detachSignal?.();
    this.activeJobs.delete(job.jobId);
    this.options.bus.post({
      type: 'jobEnd',
      time: Date.now(),
      jobId: job.jobId,
      result,
      ...(error ? { error: error.message } : {}),
      skippedStageIds: job.stageIds.filter((id) => !job.submittedStageIds.has(id)),
    });
    this.cleanupStages(job.jobId);
  }

  /** Forgets the job's stages that no other active job needs (Spark's cleanupStateForJobAndIndependentStages). */
  private cleanupStages(jobId: number): void {
    const ids = this.jobIdToStageIds.get(jobId) ?? new Set<number>();
    for (const id of ids) {
      const stage = this.stageIdToStage.get(id);
      if (!stage) continue;
      stage.jobIds.delete(jobId);
      if (stage.jobIds.size > 0) continue;
      this.stageIdToStage.delete(id);
      this.waitingStages.delete(stage);
      this.runningStages.delete(stage);
      this.failedStages.delete(stage);
      this.stageManagers.delete(stage);
      if (stage instanceof ShuffleMapStage && this.shuffleIdToMapStage.get(stage.shuffleDep.shuffleId) === stage) {
        this.shuffleIdToMapStage.delete(stage.shuffleDep.shuffleId);
      }
      if (stage instanceof ResultStage) stage.job = undefined;
    }
    this.jobIdToStageIds.delete(jobId);
    if (this.failedStages.size === 0 && this.resubmitTimer) {
      clearTimeout(this.resubmitTimer);
      this.resubmitTimer = undefined;
    }
  }

  /** Sizes of every per-job structure: all zero when no job is running. */
  bookkeeping(): Record<string, number> {
    return {
      activeJobs: this.activeJobs.size,
      stageIdToStage: this.stageIdToStage.size,
      jobIdToStageIds: this.jobIdToStageIds.size,
      shuffleIdToMapStage: this.shuffleIdToMapStage.size,
      waitingStages: this.waitingStages.size,
      runningStages: this.runningStages.size,
      failedStages: this.failedStages.size,
      stageManagers: this.stageManagers.size,
    };
  }

  stop(): void {
    if (this.resubmitTimer) clearTimeout(this.resubmitTimer);
    this.resubmitTimer = undefined;
  }
}
