/**
 * The lineage model: an RDD is a plan node with Spark's five properties (partitions, a compute
 * function named by `kind`, dependencies, an optional partitioner, preferred locations from the
 * block store). Building nodes does no work. Layer: rdd model. Runs in: driver (and, as shipped
 * data, in workers).
 */
import type { Partitioner } from './partitioner.js';
import { StorageLevel } from './storage-level.js';

/** How a shuffle combines values with the same key (Spark's Aggregator). */
export interface Aggregator {
  createCombiner(value: unknown): unknown;
  mergeValue(combiner: unknown, value: unknown): unknown;
  mergeCombiners(a: unknown, b: unknown): unknown;
}

/** A child partition depends on a few parent partitions; pipelined within one stage. */
export interface NarrowDependency {
  readonly type: 'narrow';
  readonly parent: PlanNode;
}

/** A child partition depends on every parent partition: the stage boundary. */
export interface ShuffleDependency {
  readonly type: 'shuffle';
  readonly parent: PlanNode;
  readonly shuffleId: number;
  readonly partitioner: Partitioner;
  /** Combine values by key; undefined keeps every record (repartition, sortByKey). */
  readonly aggregator: Aggregator | undefined;
  /** Combine on the map side before writing (reduceByKey) or only on the reduce side. */
  readonly mapSideCombine: boolean;
  /**
   * Records are `[key, value]` pairs placed by `partitioner`; false for repartition, which deals
   * whole records round-robin from a seeded start per map partition.
   */
  readonly keyed: boolean;
}

export type Dependency = NarrowDependency | ShuffleDependency;

/**
 * One RDD of the lineage graph. `kind` names its operator in the registry (`operators/`), which
 * knows how to compute a partition from `args`.
 */
export interface PlanNode {
  readonly id: number;
  readonly kind: string;
  /** Spark's class name for this RDD, shown by toDebugString (e.g. MapPartitionsRDD). */
  readonly className: string;
  readonly numPartitions: number;
  readonly deps: readonly Dependency[];
  readonly partitioner: Partitioner | undefined;
  readonly args: Readonly<Record<string, unknown>>;
  /** Where the user created it: `map at job.ts:12`. */
  readonly callSite: string;
  name: string | undefined;
  storageLevel: StorageLevel;
}

/** What every plan builder needs from its surroundings: fresh ids and the caller's site. */
export interface PlanContext {
  newRddId(): number;
  newShuffleId(): number;
  readonly defaultParallelism: number;
}

/**
 * Makes a plan node with a fresh id.
 *
 * @example
 * ```ts
 * const node = makeNode(ctx, { kind: 'glom', className: 'MapPartitionsRDD', numPartitions: 2, deps: [narrow(parent)], callSite: 'glom at job.ts:9' });
 * node.storageLevel === StorageLevel.NONE // true; node.args is {}
 * ```
 */
export function makeNode(
  plan: PlanContext,
  fields: {
    kind: string;
    className: string;
    numPartitions: number;
    deps?: readonly Dependency[];
    partitioner?: Partitioner | undefined;
    args?: Record<string, unknown>;
    callSite: string;
  },
): PlanNode {
  return {
    id: plan.newRddId(),
    kind: fields.kind,
    className: fields.className,
    numPartitions: fields.numPartitions,
    deps: fields.deps ?? [],
    partitioner: fields.partitioner,
    args: fields.args ?? {},
    callSite: fields.callSite,
    name: undefined,
    storageLevel: StorageLevel.NONE,
  };
}

/** A narrow dependency on `parent`. @example `narrow(parent) // { type: 'narrow', parent }` */
export function narrow(parent: PlanNode): NarrowDependency {
  return { type: 'narrow', parent };
}
