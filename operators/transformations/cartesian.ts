/**
 * cartesian: narrow; partition i*m + j holds every pair of partition i of the left parent and
 * partition j of the right one (CartesianRDD). Layer: operators. Runs in: driver (plan) and tasks.
 */
import { makeNode, narrow, type PlanContext, type PlanNode } from '../../src/rdd/plan-node.js';
import { computePartition } from '../compute.js';
import { registerOperator } from '../registry.js';

/**
 * The CartesianRDD of `left` and `right`.
 *
 * @example
 * ```ts
 * const left = ctx.parallelize([1, 2, 3, 4], 2), right = ctx.parallelize(['x', 'y', 'z'], 3);
 * cartesianNode(ctx, left.node, right.node, callSite('cartesian')).numPartitions // 6
 * ```
 */
export function cartesianNode(plan: PlanContext, left: PlanNode, right: PlanNode, callSite: string): PlanNode {
  return makeNode(plan, {
    kind: 'cartesian',
    className: 'CartesianRDD',
    numPartitions: left.numPartitions * right.numPartitions,
    deps: [narrow(left), narrow(right)],
    callSite,
  });
}

function splits(node: PlanNode, split: number): [number, number] {
  const m = (node.deps[1] as { parent: PlanNode }).parent.numPartitions;
  return [Math.floor(split / m), split % m];
}

registerOperator({
  kind: 'cartesian',
  elementWise: false,
  compute(node, split, tc) {
    const [i, j] = splits(node, split);
    const left = computePartition((node.deps[0] as { parent: PlanNode }).parent, i, tc);
    const right = computePartition((node.deps[1] as { parent: PlanNode }).parent, j, tc);
    const out: unknown[] = [];
    for (let a = 0; a < left.length; a++) for (let b = 0; b < right.length; b++) out.push([left[a], right[b]]);
    return out;
  },
  narrowParents: (node, split) => {
    const [i, j] = splits(node, split);
    return [
      [0, i],
      [1, j],
    ];
  },
});
