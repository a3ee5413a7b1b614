/**
 * Tasks as the backends see them: what to compute (the stage's last RDD, a partition, a shuffle
 * to write or a result function), the blocks it may read, and what it hands back.
 * Layer: scheduler. Runs in: driver, and (as data) workers.
 */
import type { ErrorDescription } from '../src/core/errors.js';
import type { PlanNode, ShuffleDependency } from '../src/rdd/plan-node.js';
import type { MutableTaskMetrics } from '../operators/task-context.js';
import type { ResultFunction } from '../operators/shared/result-function.js';

/** A map output that a task cannot read because the executor that wrote it is gone. */
export interface MissingMapOutput {
  readonly shuffleId: number;
  readonly mapId: number;
  readonly executorId: string;
}

/** Blocks resolved on the driver before launch, so a task never reaches back for data. */
export interface TaskInputs {
  /** Cached partitions by block id (`rdd_<id>_<partition>`). */
  readonly cachedBlocks: Map<string, ArrayLike<unknown>>;
  /** Shuffle blocks by `<shuffleId>_<reduceId>`: one block per map output, or what is missing. */
  readonly shuffleBlocks: Map<string, Uint8Array[] | MissingMapOutput>;
  /** Slices of parallelized collections by `<rddId>_<partition>`. */
  readonly sourceSlices: Map<string, ArrayLike<unknown>>;
}

/** One attempt of one task. */
export interface TaskDescription {
  readonly taskId: number;
  readonly jobId: number;
  readonly stageId: number;
  readonly stageAttempt: number;
  /** Index of the task within its task set. */
  readonly index: number;
  readonly partition: number;
  readonly attempt: number;
  readonly kind: 'shuffleMap' | 'result';
  /** The last RDD of the stage. */
  readonly rdd: PlanNode;
  readonly shuffleDep: ShuffleDependency | undefined;
  readonly resultFunction: ResultFunction | undefined;
  readonly inputs: TaskInputs;
  /** Fault injection: when set, the task fails with this message before computing anything. */
  readonly injectedFailure?: string | undefined;
}

/** A cached partition a task computed, to be stored by its executor if the task succeeds. */
export interface NewCachedBlock {
  readonly rdd: PlanNode;
  readonly partition: number;
  readonly records: ArrayLike<unknown>;
}

/** What a task hands back. */
export type TaskRunResult =
  | {
      readonly status: 'success';
      readonly value: unknown;
      readonly shuffleBlocks: Uint8Array[] | undefined;
      readonly newCachedBlocks: readonly NewCachedBlock[];
      readonly accumulatorUpdates: ReadonlyArray<readonly [number, unknown]>;
      readonly metrics: MutableTaskMetrics;
      readonly runTime: number;
      /** When (epoch ms) the executor began the task: after any wait for a free thread. */
      readonly startedAt?: number;
      /** Milliseconds the executor spent rebuilding the task (plan and functions) before running it. */
      readonly deserializeTime?: number;
    }
  | {
      readonly status: 'failed';
      readonly error: ErrorDescription;
      readonly fetchFailed: MissingMapOutput | undefined;
      readonly metrics: MutableTaskMetrics;
      readonly runTime: number;
      /** As for success. */
      readonly startedAt?: number;
      /** As for success. */
      readonly deserializeTime?: number;
    }
  | {
      readonly status: 'executorLost';
      readonly message: string;
    }
  | {
      readonly status: 'killed';
      readonly reason: string;
    };
