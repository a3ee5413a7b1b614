/**
 * The wire format of tasks and results between the driver and worker threads. A plan (the stage's
 * RDDs with their captured functions) is captured once per stage attempt and packed once into
 * shared memory, so every task carries only a handle to it; each worker unpacks and rebuilds a
 * plan once and reuses it for later tasks. Layer: scheduler. Runs in: driver and workers.
 */
import type { SharedPacket } from '../../src/core/shared-packet.js';
import type { Captured } from '../closure/wire.js';
import type { MissingMapOutput } from '../task.js';

export type WirePartitioner =
  | { readonly kind: 'hash'; readonly numPartitions: number }
  | { readonly kind: 'range'; readonly numPartitions: number; readonly ascending: boolean; readonly keyfunc: Captured | undefined; readonly bounds: Captured }
  | { readonly kind: 'custom'; readonly numPartitions: number; readonly partitionFunc: Captured };

export interface WireShuffleDependency {
  readonly type: 'shuffle';
  readonly shuffleId: number;
  readonly parentId: number;
  readonly parentNumPartitions: number;
  readonly partitioner: WirePartitioner;
  readonly aggregator: Captured | undefined;
  readonly mapSideCombine: boolean;
  readonly keyed: boolean;
}

export type WireDependency = { readonly type: 'narrow'; readonly parentId: number } | WireShuffleDependency;

export interface WireNode {
  readonly id: number;
  readonly kind: string;
  readonly className: string;
  readonly numPartitions: number;
  readonly callSite: string;
  readonly storageLevel: string;
  readonly partitioner: WirePartitioner | undefined;
  readonly args: Captured;
  readonly deps: readonly WireDependency[];
}

/** The part of a task shared by every task of a stage attempt. */
export interface WirePlan {
  readonly rootId: number;
  readonly nodes: readonly WireNode[];
  readonly shuffleDep: WireShuffleDependency | undefined;
  readonly resultFunction: Captured | undefined;
}

/** One task as a worker receives it. */
export interface WireTask {
  readonly planId: number;
  /** The stage's WirePlan, packed; a worker unpacks and rebuilds it once per planId and reuses it. */
  readonly plan: SharedPacket;
  readonly taskId: number;
  readonly jobId: number;
  readonly stageId: number;
  readonly stageAttempt: number;
  readonly index: number;
  readonly partition: number;
  readonly attempt: number;
  readonly kind: 'shuffleMap' | 'result';
  readonly cachedBlocks: Map<string, ArrayLike<unknown>>;
  readonly shuffleBlocks: Map<string, Uint8Array[] | MissingMapOutput>;
  readonly sourceSlices: Map<string, ArrayLike<unknown>>;
  readonly injectedFailure: string | undefined;
}

/** When the worker began a task, and how long rebuilding it took (see TaskRunResult). */
export interface WireTiming {
  readonly startedAt?: number;
  readonly deserializeTime?: number;
}

/** A task's result as it comes back from a worker (cached blocks name their RDD by id). */
export type WireResult = WireTiming &
  (
  | {
      readonly status: 'success';
      readonly value: unknown;
      /** `value` was an array of numbers and travels as a Float64Array: the driver turns it back. */
      readonly flatNumbers?: true;
      readonly shuffleBlocks: Uint8Array[] | undefined;
      readonly newCachedBlocks: ReadonlyArray<{ readonly rddId: number; readonly partition: number; readonly records: ArrayLike<unknown> }>;
      readonly accumulatorUpdates: ReadonlyArray<readonly [number, unknown]>;
      readonly metrics: Record<string, number>;
      readonly runTime: number;
    }
  | {
      readonly status: 'failed';
      readonly error: { name: string; message: string; stack?: string; code?: string };
      readonly fetchFailed: MissingMapOutput | undefined;
      readonly metrics: Record<string, number>;
      readonly runTime: number;
    }
  );
