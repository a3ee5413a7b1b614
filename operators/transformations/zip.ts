/**
 * zip: narrow; pairs the i-th records of two RDDs with the same number of partitions and the same
 * number of records in each partition (ZippedPartitionsRDD2). Layer: operators. Runs in: driver
 * (plan) and tasks (kernel).
 */
import { IllegalArgumentError, require } from '../../src/core/errors.js';
import { makeNode, narrow, type PlanContext, type PlanNode } from '../../src/rdd/plan-node.js';
import { computePartition } from '../compute.js';
import { registerOperator } from '../registry.js';

/**
 * The zip of `left` and `right`.
 *
 * @example
 * ```ts
 * zipNode(ctx, ctx.parallelize([1, 2], 2).node, ctx.parallelize(['a', 'b'], 2).node, callSite('zip')).className // 'ZippedPartitionsRDD2'
 * zipNode(ctx, twoPartitions.node, threePartitions.node, callSite('zip')) // throws IllegalArgumentError: Can only zip RDDs with the same number of partitions ...
 * ```
 */
export function zipNode(plan: PlanContext, left: PlanNode, right: PlanNode, callSite: string): PlanNode {
  require(
    left.numPartitions === right.numPartitions,
    () =>
      `Can only zip RDDs with the same number of partitions: RDD ${left.id} has ${left.numPartitions}, RDD ${right.id} has ${right.numPartitions}. ` +
      'Repartition one of them first.',
  );
  return makeNode(plan, {
    kind: 'zip',
    className: 'ZippedPartitionsRDD2',
    numPartitions: left.numPartitions,
    deps: [narrow(left), narrow(right)],
    callSite,
  });
}

registerOperator({
  kind: 'zip',
  elementWise: false,
  compute(node, split, tc) {
    const left = computePartition((node.deps[0] as { parent: PlanNode }).parent, split, tc);
    const right = computePartition((node.deps[1] as { parent: PlanNode }).parent, split, tc);
    if (left.length !== right.length) {
      throw new IllegalArgumentError(
        `Can only zip RDDs with same number of elements in each partition: partition ${split} has ${left.length} and ${right.length}.`,
      );
    }
    const out = new Array<unknown>(left.length);
    for (let i = 0; i < left.length; i++) out[i] = [left[i], right[i]];
    return out;
  },
});
