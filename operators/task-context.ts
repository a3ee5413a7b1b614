/**
 * What an operator sees of the task that runs it: the partition, metrics, cached blocks and shuffle
 * blocks. The scheduler's task runner implements it; operators never see the scheduler.
 * Layer: operators. Runs in: driver (in-process) and workers.
 */
import type { PlanNode, ShuffleDependency } from '../src/rdd/plan-node.js';

/** Counters a task updates while it runs. */
export interface MutableTaskMetrics {
  recordsIn: number;
  recordsOut: number;
  inputRecordsFromCache: number;
  shuffleReadBytes: number;
  shuffleReadRecords: number;
  shuffleWriteBytes: number;
  shuffleWriteRecords: number;
  /** Estimated bytes of a result task's value (see core/size-estimate.ts). */
  resultSize: number;
}

/** A fresh set of zeroed metrics. */
export function emptyMetrics(): MutableTaskMetrics {
  return {
    recordsIn: 0,
    recordsOut: 0,
    inputRecordsFromCache: 0,
    shuffleReadBytes: 0,
    shuffleReadRecords: 0,
    shuffleWriteBytes: 0,
    shuffleWriteRecords: 0,
    resultSize: 0,
  };
}

/** The executor side of a running task, as operators use it. */
export interface TaskContext {
  readonly stageId: number;
  readonly partitionId: number;
  readonly attemptNumber: number;
  readonly metrics: MutableTaskMetrics;
  /** The cached records of `node`'s partition `split` on this executor, if present. */
  getCachedBlock(node: PlanNode, split: number): ArrayLike<unknown> | undefined;
  /** Caches `records` as `node`'s partition `split` on this executor (at the node's storage level). */
  putCachedBlock(node: PlanNode, split: number, records: ArrayLike<unknown>): void;
  /** Partition `split` of a parallelized collection, resolved on the driver (see sliceOf). */
  readSourceSlice(node: PlanNode, split: number): ArrayLike<unknown>;
  /**
   * The serialised blocks written for reduce partition `reduceId` of `dep`'s shuffle, one per map
   * output. Throws a fetch failure if a map output was lost.
   */
  readShuffleBlocks(dep: ShuffleDependency, reduceId: number): Uint8Array[];
}
