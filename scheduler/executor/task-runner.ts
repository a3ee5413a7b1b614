/**
 * Runs one task on an executor: computes the stage's last RDD for the task's partition, reading
 * cached and shuffle blocks from the task's inputs, then either buckets the records for a shuffle
 * or applies the action's result function. Never throws: failures come back as data.
 * Layer: scheduler (executor side). Runs in: driver (in-process backend) and workers.
 */
import { describeError, SquallError } from '../../src/core/errors.js';
import { estimateSize } from '../../src/core/size-estimate.js';
import { withTaskScope, type TaskScope } from '../../src/core/task-scope.js';
import type { PlanNode, ShuffleDependency } from '../../src/rdd/plan-node.js';
import { evaluatePartition } from '../../operators/index.js';
import { finishShuffleWrite, shuffleWriteTerminal } from '../../operators/shared/shuffle-writer.js';
import type { Terminal } from '../../operators/shared/terminal.js';
import { emptyMetrics, type MutableTaskMetrics, type TaskContext } from '../../operators/task-context.js';
import { rddBlockId } from '../storage/block-store.js';
import type { MissingMapOutput, NewCachedBlock, TaskDescription, TaskRunResult } from '../task.js';

/** Thrown inside a task that needs a map output whose executor is gone. */
export class FetchFailedError extends SquallError {
  constructor(readonly missing: MissingMapOutput) {
    super(
      'FETCH_FAILED',
      `Missing shuffle output: shuffle ${missing.shuffleId}, map ${missing.mapId} was on executor ${missing.executorId}, which is gone`,
    );
  }
}

class ExecutorTaskContext implements TaskContext, TaskScope {
  readonly metrics: MutableTaskMetrics = emptyMetrics();
  readonly newCachedBlocks: NewCachedBlock[] = [];
  readonly accumulatorUpdates = new Map<number, unknown>();
  readonly stageId: number;
  readonly partitionId: number;
  readonly attemptNumber: number;
  readonly taskId: number;

  constructor(private readonly task: TaskDescription) {
    this.stageId = task.stageId;
    this.partitionId = task.partition;
    this.attemptNumber = task.attempt;
    this.taskId = task.taskId;
  }

  getCachedBlock(node: PlanNode, split: number): ArrayLike<unknown> | undefined {
    return this.task.inputs.cachedBlocks.get(rddBlockId(node.id, split));
  }

  putCachedBlock(node: PlanNode, split: number, records: ArrayLike<unknown>): void {
    this.newCachedBlocks.push({ rdd: node, partition: split, records });
  }

  readSourceSlice(node: PlanNode, split: number): ArrayLike<unknown> {
    const slice = this.task.inputs.sourceSlices.get(`${node.id}_${split}`);
    if (slice === undefined) throw new Error(`Partition ${split} of RDD ${node.id} was not resolved for task ${this.taskId}`);
    return slice;
  }

  readShuffleBlocks(dep: ShuffleDependency, reduceId: number): Uint8Array[] {
    const blocks = this.task.inputs.shuffleBlocks.get(`${dep.shuffleId}_${reduceId}`);
    if (blocks === undefined) throw new Error(`Shuffle ${dep.shuffleId} partition ${reduceId} was not resolved for task ${this.taskId}`);
    if (!Array.isArray(blocks)) throw new FetchFailedError(blocks as MissingMapOutput);
    return blocks;
  }

  addToAccumulator(id: number, value: unknown, merge: (a: unknown, b: unknown) => unknown): void {
    this.accumulatorUpdates.set(id, this.accumulatorUpdates.has(id) ? merge(this.accumulatorUpdates.get(id), value) : value);
  }
}

/** The failure a fault-injection schedule asked for (a transient, retryable task failure). */
export class InjectedTaskFailure extends SquallError {
  constructor(message: string) {
    super('INJECTED_FAILURE', message);
  }
}

/**
 * Runs `task` to completion on this thread.
 *
 * @example
 * ```ts
 * // task: a result task of ctx.parallelize([1, 2, 3], 1).map((x) => x * 2) with collectPartition()
 * const result = runTask(task);
 * result.status // 'success'
 * result.status === 'success' && result.value // [2, 4, 6]
 * runTask({ ...task, injectedFailure: 'boom' }) // { status: 'failed', error: { name: 'InjectedTaskFailure', message: 'boom', ... }, ... }
 * ```
 */
export function runTask(task: TaskDescription): TaskRunResult {
  const tc = new ExecutorTaskContext(task);
  const startedAt = Date.now();
  const started = performance.now();
  try {
    if (task.injectedFailure !== undefined) throw new InjectedTaskFailure(task.injectedFailure);
    const counter = { recordsOut: 0 };
    let value: unknown;
    let shuffleBlocks: Uint8Array[] | undefined;
    withTaskScope(tc, () => {
      if (task.kind === 'shuffleMap') {
        const dep = task.shuffleDep as ShuffleDependency;
        const buckets = evaluatePartition(task.rdd, task.partition, tc, shuffleWriteTerminal(dep, task.partition) as Terminal, counter);
        const written = finishShuffleWrite(buckets as Parameters<typeof finishShuffleWrite>[0]);
        shuffleBlocks = written.blocks;
        tc.metrics.shuffleWriteBytes += written.bytes;
        tc.metrics.shuffleWriteRecords += written.records;
        tc.metrics.recordsOut += written.records;
      } else {
        const rf = task.resultFunction;
        if (!rf) throw new Error(`Result task ${task.taskId} has no result function`);
        const out = evaluatePartition(task.rdd, task.partition, tc, rf.terminal, counter);
        tc.metrics.recordsOut += counter.recordsOut;
        value = rf.finish(out, task.partition);
        tc.metrics.resultSize = estimateSize(value);
      }
    });
    return {
      status: 'success',
      value,
      shuffleBlocks,
      newCachedBlocks: tc.newCachedBlocks,
      accumulatorUpdates: [...tc.accumulatorUpdates],
      metrics: tc.metrics,
      runTime: performance.now() - started,
      startedAt,
    };
  } catch (error) {
    return {
      status: 'failed',
      error: describeError(error),
      fetchFailed: error instanceof FetchFailedError ? error.missing : undefined,
      metrics: tc.metrics,
      runTime: performance.now() - started,
      startedAt,
    };
  }
}
