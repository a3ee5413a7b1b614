/**
 * zipWithIndex and zipWithUniqueId: pair each record with a number; narrow.
 * zipWithUniqueId gives record i of partition k of n the id i*n + k and needs no job.
 * zipWithIndex gives consecutive indices; it needs each partition's start offset, which a count
 * job computes before the first job that uses it runs (Spark runs that job when the RDD is
 * defined). Layer: operators. Runs in: driver (plan); the loop runs in tasks.
 */
import { makeNode, narrow, type PlanContext, type PlanNode } from '../../src/rdd/plan-node.js';

/** Start offsets filled in by the preparing count job. */
export interface IndexOffsets {
  value?: number[];
}

/**
 * A ZippedWithIndexRDD whose offsets are computed lazily.
 *
 * @example
 * ```ts
 * zipWithIndexNode(ctx, ctx.parallelize([1, 2, 3, 4], 2).node, callSite('zipWithIndex')).args.offsets // {} until the count job fills it
 * zipWithIndexNode(ctx, ctx.parallelize([1, 2], 1).node, callSite('zipWithIndex')).args.offsets // { value: [0] }
 * ```
 */
export function zipWithIndexNode(plan: PlanContext, parent: PlanNode, callSite: string): PlanNode {
  const offsets: IndexOffsets = parent.numPartitions <= 1 ? { value: [0] } : {};
  return makeNode(plan, {
    kind: 'element',
    className: 'ZippedWithIndexRDD',
    numPartitions: parent.numPartitions,
    deps: [narrow(parent)],
    args: { op: 'withIndex', offsets, uniqueIds: false },
    callSite,
  });
}

/**
 * A MapPartitionsRDD of `[record, i*n + k]`.
 *
 * @example
 * ```ts
 * const rdd = ctx.parallelize([1, 2, 3, 4], 2);
 * zipWithUniqueIdNode(ctx, rdd.node, callSite('zipWithUniqueId')).args // { op: 'withIndex', uniqueIds: true }
 * // its records: [[1, 0], [2, 2], [3, 1], [4, 3]]
 * ```
 */
export function zipWithUniqueIdNode(plan: PlanContext, parent: PlanNode, callSite: string): PlanNode {
  return makeNode(plan, {
    kind: 'element',
    className: 'MapPartitionsRDD',
    numPartitions: parent.numPartitions,
    deps: [narrow(parent)],
    args: { op: 'withIndex', uniqueIds: true },
    callSite,
  });
}
